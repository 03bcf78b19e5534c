"""Engine inputs from the platform's data: the scenario of a proposal run or a matching check.

* beneficiaries — facts from the registry (kind, county, first CBEC year, recognitions,
  disqualified = enterprise not active) and the customs trade ledger (``trade_fact``);
* history — disbursements (paid, with matter) and, for 就高不重复, each claim's declared other
  public money as a payment of the non-catalogue measure ``other.public_money`` for its matter;
* claims — applications, ids ``A<pk>``; beneficiaries are ``E<pk>``;
* guide — the round's guide year read from ``guides/<year>.yaml`` and embedded with the round's
  budget, so the stored scenario is complete and replayable without the guide files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from entitlement.guide import guides_dir, read_guide_text
from entitlement.measures import catalogue

if TYPE_CHECKING:
    from applications.models import Application, Round
    from enterprises.models import Enterprise

OTHER_PUBLIC_MONEY = "other.public_money"  # not a catalogue id: counts only for 就高不重复
CLAIM_ATTRIBUTES = ("in_plan", "amount", "note")
_LEVELLED = {"brand", "park"}
_BENEFICIARY_KIND = {
    "park_operator": "park_operator",
    "warehouse_operator": "warehouse_operator",
    "association": "association",
}


def claim_id(application_id: int) -> str:
    return f"A{application_id}"


def application_id_of(cid: str) -> int:
    return int(cid.removeprefix("A"))


def beneficiary_id(enterprise_id: int) -> str:
    return f"E{enterprise_id}"


def money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def inputs_hash(scenario: dict[str, Any]) -> str:
    """sha256 of the scenario's canonical JSON (sorted keys, no spaces, UTF-8)."""
    return "sha256:" + hashlib.sha256(canonical_json(scenario).encode("utf-8")).hexdigest()


def trade_fact(enterprise: Enterprise, year: int) -> Decimal | None:
    """Customs-monitored CBEC trade of ``enterprise`` in ``year``; None when no ledger exists.

    The one adapter to the customs app: ``customs.selectors.cbec_trade`` (or, as shipped today,
    ``customs.stats.cbec_trade``). Without the customs app the trade is unknown.
    """
    try:
        from customs import selectors as customs_selectors

        fn = getattr(customs_selectors, "cbec_trade", None)
        if fn is None:
            from customs import stats as customs_stats

            fn = customs_stats.cbec_trade
        return Decimal(fn(enterprise, year))
    except (ImportError, AttributeError):
        return None


def _jsonable_guide(raw: Any) -> Any:
    if isinstance(raw, dict):
        return {str(k): _jsonable_guide(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_jsonable_guide(v) for v in raw]
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return raw


def guide_object(round: Round) -> dict[str, Any]:
    """The round's guide as a JSON object, with the round's budget (total and mode)."""
    path = guides_dir() / f"{round.guide_year}.yaml"
    raw = read_guide_text(path.read_text(encoding="utf-8"), name=str(path))
    guide: dict[str, Any] = _jsonable_guide(raw)
    guide["budget"] = {"total": money(round.budget_total), "mode": str(round.budget_mode)}
    return guide


@dataclass
class Inputs:
    """A scenario being built, and the notes that explain missing data."""

    year: int
    guide: dict[str, Any] | str
    beneficiaries: dict[int, dict[str, Any]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    # application id → the matter label it is grouped under because a reviewer decided that
    # it and another application sharing an evidence file are the same matter (就高不重复)
    same_matter: dict[int, str] = field(default_factory=dict)

    def scenario(self, description: str = "") -> dict[str, Any]:
        data: dict[str, Any] = {
            "year": self.year,
            "guide": self.guide,
            "beneficiaries": [self.beneficiaries[k] for k in sorted(self.beneficiaries)],
            "history": self.history,
            "claims": self.claims,
        }
        if description:
            data["description"] = description
        return data

    def note(self, code: str, message: str, beneficiary: str = "", message_en: str = "") -> None:
        """A data note, in Chinese and (``message_en``) in English for English pages."""
        note = {"code": code, "beneficiary": beneficiary, "message": message}
        if message_en:
            note["message_en"] = message_en
        self.notes.append(note)

    def add_beneficiary(self, enterprise: Enterprise) -> str:
        bid = beneficiary_id(enterprise.pk)
        if enterprise.pk in self.beneficiaries:
            return bid
        self.beneficiaries[enterprise.pk] = beneficiary_facts(enterprise, self.year, self)
        return bid

    def add_disbursements(self, enterprises: Iterable[int]) -> None:
        from funds.models import Disbursement

        rows = Disbursement.objects.filter(enterprise_id__in=list(enterprises)).order_by("pk")
        for d in rows:
            entry: dict[str, Any] = {
                "beneficiary": beneficiary_id(d.enterprise_id),
                "measure": d.measure,
                "year": d.year,
                "amount": money(d.amount),
                "note": f"disbursement {d.pk}",
            }
            if d.matter:
                entry["matter"] = d.matter
            self.history.append(entry)
        # redeemed capacity vouchers (运力券) are money paid under a11.capacity_voucher for the
        # contract (the matter): they count against the annual cap and for 就高不重复
        from vouchers.selectors import payment_history

        for v in payment_history(list(enterprises)):
            self.history.append(
                {
                    "beneficiary": beneficiary_id(v["enterprise_id"]),
                    "measure": "a11.capacity_voucher",
                    "year": v["year"],
                    "amount": money(v["amount"]),
                    "matter": v["matter"],
                    "note": "capacity vouchers redeemed",
                }
            )

    def add_claim(self, application: Application) -> str:
        bid = self.add_beneficiary(application.enterprise)
        cid = claim_id(application.pk)
        submitted = application.submitted_at or application.created_at or timezone.now()
        local = timezone.localtime(submitted)
        # the claim's date is the day the cost arose, compared by the engine with the policy
        # start and the guide's period (考核期); an application without one (made before the
        # field existed, or through an API client that sends none) falls back to the
        # submission day, and the run says so
        day = application.cost_date or local.date()
        if application.cost_date is None and application.cost is not None:
            self.note(
                "cost_date_missing",
                f"申报 #{application.pk} 未填写费用发生日期，按提交日期 {day.isoformat()} 测算，请人工核对",  # noqa: E501
                bid,
                f"Application #{application.pk} gives no date for the cost: computed with the "
                f"submission date {day.isoformat()}; please check",
            )
        claim: dict[str, Any] = {
            "id": cid,
            "beneficiary": bid,
            "measure": application.measure,
            "date": day.isoformat(),
            "submitted_at": local.isoformat(),
        }
        matter = self.same_matter.get(application.pk) or application.matter
        if application.pk in self.same_matter:
            self.note(
                "evidence_same_matter",
                f"申报 #{application.pk} 与其他申报使用相同证明材料，经审核认定为同一事项，"
                f"按事项「{matter}」就高不重复",
                bid,
                f"Application #{application.pk} uses the same evidence as another application: "
                f"reviewed as the same matter, supported once (the higher) as matter “{matter}”",
            )
        if matter:
            claim["matter"] = matter  # the engine groups by its identity (entitlement.matter)
        if application.cost is not None:
            claim["cost"] = money(application.cost)
        attrs = {k: v for k, v in (application.attributes or {}).items() if k in CLAIM_ATTRIBUTES}
        if "amount" in attrs and attrs["amount"] not in (None, ""):
            attrs["amount"] = money(Decimal(str(attrs["amount"])))
        else:
            attrs.pop("amount", None)
        if "in_plan" in attrs:
            attrs["in_plan"] = bool(attrs["in_plan"])
        if attrs:
            claim["attributes"] = attrs
        self.claims.append(claim)
        other = application.other_public_money or Decimal(0)
        if other > 0:
            if matter:
                self.history.append(
                    {
                        "beneficiary": bid,
                        "measure": OTHER_PUBLIC_MONEY,
                        "year": self.year,
                        "amount": money(other),
                        "matter": matter,
                        "note": f"declared in application {application.pk}",
                    }
                )
            else:
                self.note(
                    "other_money_without_matter",
                    f"申报 #{application.pk} 申报了其他财政资金 {money(other)} 元"
                    "但未填写事项凭证号，无法按事项扣减（就高不重复），请人工核对",
                    bid,
                    f"Application #{application.pk} declares other public funds of CNY "
                    f"{money(other)} but no matter reference, so they cannot be deducted by "
                    "matter (not cumulative); please check",
                )
        return cid


def _status_en(enterprise: Enterprise) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(enterprise.get_status_display())


def beneficiary_facts(enterprise: Enterprise, year: int, inputs: Inputs) -> dict[str, Any]:
    """The engine facts of one enterprise from the registry and the customs ledger."""
    from enterprises.models import EnterpriseStatus

    bid = beneficiary_id(enterprise.pk)
    levels = catalogue().policy.recognition_levels
    recognitions = []
    for r in enterprise.recognitions.all().order_by("year", "type", "level"):
        if r.type in _LEVELLED:
            if r.level not in levels:
                continue  # e.g. a municipal brand: no award level in the policy
            recognitions.append({"type": r.type, "level": r.level, "year": r.year})
        else:
            recognitions.append({"type": r.type, "year": r.year})
    facts: dict[str, Any] = {
        "recognitions": recognitions,
        "disqualified": enterprise.status != EnterpriseStatus.ACTIVE,
    }
    if enterprise.first_cbec_year:
        facts["first_cbec_year"] = enterprise.first_cbec_year
    trade = trade_fact(enterprise, year)
    if trade is None:
        facts["cbec_trade"] = {str(year): "0.00"}
        inputs.note(
            "trade_unknown",
            f"{enterprise.name}：无海关跨境电商交易台账数据，{year} 年交易额按 0 计（未知）",
            bid,
            f"{enterprise.name}: no customs CBEC trade records; trade in {year} counted as 0 "
            "(unknown)",
        )
    else:
        facts["cbec_trade"] = {str(year): money(trade)}
    if enterprise.status != EnterpriseStatus.ACTIVE:
        inputs.note(
            "not_active",
            f"{enterprise.name}：企业档案状态为“{enterprise.get_status_display()}”，不符合支持条件",
            bid,
            f"{enterprise.name}: the enterprise record's status is “{_status_en(enterprise)}”, "
            "not eligible",
        )
    return {
        "id": bid,
        "kind": _BENEFICIARY_KIND.get(enterprise.kind, "enterprise"),
        "county": enterprise.county.code if enterprise.county_id else "",
        "name": enterprise.name,
        "facts": facts,
    }


def round_inputs(round: Round, applications: Iterable[Application]) -> Inputs:
    """The inputs of a proposal run over ``applications`` of ``round``."""
    from applications.duplicate_selectors import same_matter_labels

    guide = guide_object(round)
    applications = list(applications)
    inputs = Inputs(year=int(guide["year"]), guide=guide)
    inputs.same_matter = same_matter_labels(applications)
    for application in applications:
        inputs.add_claim(application)
    inputs.add_disbursements(inputs.beneficiaries)
    return inputs
