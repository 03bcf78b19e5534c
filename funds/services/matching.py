"""Policy matching (政策匹配) and 免申即享: what an enterprise likely qualifies for now, the
candidates the platform can prove from its own data, bank-account confirmation, and proposing a
candidate without an application."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import Role
from applications.measures import article_label, measure_name
from applications.models import Application, ApplicationStatus, Round
from applications.services import application_create_no_application
from audit.services import audit_record
from entitlement.engine import evaluate
from entitlement.guide import GuideError, shipped_guide
from entitlement.measures import Kind, catalogue
from entitlement.scenario import parse_scenario
from funds import selectors
from funds.inputs import Inputs, guide_object
from funds.models import BankAccountConfirmation

if TYPE_CHECKING:
    from accounts.models import User
    from enterprises.models import Enterprise

AGREEMENT_VERSION = "2026-1"
ACCOUNT_RE = re.compile(r"^\d{8,32}$")
# Cost used to show what a cost-share measure would pay (the application states the real cost).
EXAMPLE_COST = Decimal("100000.00")
# What the platform can prove from its own data: recognition type → measure.
PROVABLE_BY_RECOGNITION = {
    "benchmark": "a3.benchmark",
    "brand": "a7.brand_recognition",
    "park": "a8.park_recognition",
    "public_warehouse": "a10.public_warehouse",
    "regional_center": "a2.regional_center",
}
FIRST_TIME = "a1.first_time"
CLOSED_STATUSES = {ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
MISSING_HINTS = {
    "disqualified": gettext_lazy("企业档案状态须为“正常”（由县区商务部门核验）"),
    "wrong_beneficiary_kind": gettext_lazy("该措施面向其他类型的主体"),
    "not_first_cbec_year": gettext_lazy("首次开展跨境电商业务的年份须为本年度"),
    "threshold_not_met": gettext_lazy("跨境电商交易额（海关监管台账）未达到“一定规模”门槛"),
    "tier_not_reached": gettext_lazy(
        "独立站出口额未达到最低档（平台无独立站出口数据，申报时提供）"
    ),
    "no_recognition": gettext_lazy("须取得相应认定（列入名单）"),
    "not_first_benchmark": gettext_lazy("仅首次列入标杆企业名单时支持"),
    "not_in_plan": gettext_lazy("展会须列入年度重点展会计划"),
    "one_off_paid": gettext_lazy("一次性支持已获得过"),
    "annual_cap_reached": gettext_lazy("本年度该措施支持额已达上限"),
    "top_up_nothing_left": gettext_lazy("已按该级别或更高级别获得支持"),
    "amount_not_set": gettext_lazy("金额由审核人员按指南确定"),
}


@dataclass
class MatchRow:
    measure: str
    title: str
    article: str
    kind: str
    likely: bool
    amount: Decimal
    example_cost: Decimal | None
    reasons: list[dict[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _claim_date(year: int, today: dt.date) -> dt.date:
    if today.year == year:
        return today
    return dt.date(year, 12, 31) if today.year > year else dt.date(year, 1, 1)


def _stamp(day: dt.date) -> str:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))).isoformat()


def _evaluate(inputs: Inputs) -> dict[str, Any]:
    """The engine's results by claim id, reasons worded in the page's language."""
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    return {r["id"]: r for r in evaluate(parse_scenario(inputs.scenario())).as_json(lang)["claims"]}


def matching_year(today: dt.date | None = None) -> int | None:
    year = (today or timezone.localdate()).year
    try:
        shipped_guide(year)
    except GuideError:
        return None
    return year


def enterprise_matching(
    *, enterprise: Enterprise, today: dt.date | None = None
) -> tuple[int | None, list[MatchRow], list[dict[str, str]]]:
    """Each measure open this year that fits the enterprise's kind: likely or not, why, what is
    missing. Returns (year, rows, data notes)."""
    today = today or timezone.localdate()
    year = matching_year(today)
    if year is None:
        return None, [], []
    guide = shipped_guide(year)
    cat = catalogue()
    inputs = Inputs(year=year, guide=str(year))
    bid = inputs.add_beneficiary(enterprise)
    kind = inputs.beneficiaries[enterprise.pk]["kind"]
    inputs.add_disbursements([enterprise.pk])
    day = _claim_date(year, today)
    examples: dict[str, Decimal] = {}
    for mid in guide.measures:
        measure = cat.get(mid)
        if measure is None or not measure.accepts(kind):
            continue
        claim: dict[str, Any] = {
            "id": mid,
            "beneficiary": bid,
            "measure": mid,
            "date": day.isoformat(),
            "submitted_at": _stamp(day),
        }
        if measure.kind is Kind.COST_SHARE:
            claim["cost"] = f"{EXAMPLE_COST:.2f}"
            examples[mid] = EXAMPLE_COST
        if mid == "a5.exhibition":
            claim["attributes"] = {"in_plan": True}
        inputs.claims.append(claim)
    results = _evaluate(inputs) if inputs.claims else {}
    rows = []
    for c in inputs.claims:
        measure = cat.measures[c["measure"]]
        r = results[c["id"]]
        codes = [x["code"] for x in r["reasons"]]
        amount = Decimal(r["computed"])
        missing = [str(MISSING_HINTS[code]) for code in codes if code in MISSING_HINTS]
        if measure.kind is Kind.COST_SHARE:
            missing.append(_("按实际发生的费用及凭证申报"))
        rows.append(
            MatchRow(
                measure=measure.id,
                title=measure_name(measure),
                article=article_label(measure.article),
                kind=measure.kind.value,
                likely=amount > 0,
                amount=amount,
                example_cost=examples.get(measure.id),
                reasons=r["reasons"],
                missing=missing,
            )
        )
    rows.sort(key=lambda row: (not row.likely, row.measure))
    return year, rows, inputs.notes


@dataclass
class Candidate:
    enterprise: Enterprise
    measure: str
    title: str
    amount: Decimal
    reasons: list[dict[str, str]]
    confirmation: BankAccountConfirmation | None
    application: Application | None


def _provable_measures(enterprise: Enterprise, year: int, open_measures: set[str]) -> list[str]:
    out = []
    for r in enterprise.recognitions.all():
        mid = PROVABLE_BY_RECOGNITION.get(r.type)
        if r.year == year and mid in open_measures and mid not in out:
            out.append(mid)
    if enterprise.first_cbec_year == year and FIRST_TIME in open_measures:
        out.append(FIRST_TIME)
    return out


def candidates(
    *, round: Round, enterprise_ids: list[int] | None = None, today: dt.date | None = None
) -> list[Candidate]:
    """免申即享 candidates of ``round``: claims the platform proves from its own data
    (recognitions of the year, first CBEC year + ledger trade) that the engine would pay."""
    from django.db.models import Q

    from enterprises.models import Enterprise, EnterpriseStatus

    guide = guide_object(round)
    year = int(guide["year"])
    open_measures = set(guide["measures"])
    qs = (
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
        .filter(Q(recognitions__year=year) | Q(first_cbec_year=year))
        .distinct()
        .select_related("county")
        .prefetch_related("recognitions")
        .order_by("pk")
    )
    if enterprise_ids is not None:
        qs = qs.filter(pk__in=enterprise_ids)
    inputs = Inputs(year=year, guide=guide)
    day = _claim_date(year, today or timezone.localdate())
    wanted: dict[str, tuple[Enterprise, str]] = {}
    for enterprise in qs:
        for mid in _provable_measures(enterprise, year, open_measures):
            bid = inputs.add_beneficiary(enterprise)
            cid = f"{bid}:{mid}"
            inputs.claims.append(
                {
                    "id": cid,
                    "beneficiary": bid,
                    "measure": mid,
                    "date": day.isoformat(),
                    "submitted_at": _stamp(day),
                }
            )
            wanted[cid] = (enterprise, mid)
    if not wanted:
        return []
    inputs.add_disbursements(inputs.beneficiaries)
    results = _evaluate(inputs)
    existing = {
        (a.enterprise_id, a.measure): a
        for a in Application.objects.filter(round=round).exclude(status__in=CLOSED_STATUSES)
    }
    confirmations: dict[int, BankAccountConfirmation] = {}
    for conf in BankAccountConfirmation.objects.filter(
        enterprise_id__in=[e.pk for e, _m in wanted.values()]
    ).order_by("agreed_at", "pk"):
        confirmations[conf.enterprise_id] = conf  # the latest wins
    cat = catalogue()
    out = []
    for cid, (enterprise, mid) in wanted.items():
        r = results[cid]
        amount = Decimal(r["computed"])
        if amount <= 0:
            continue
        out.append(
            Candidate(
                enterprise=enterprise,
                measure=mid,
                title=measure_name(cat.measures[mid]),
                amount=amount,
                reasons=r["reasons"],
                confirmation=confirmations.get(enterprise.pk),
                application=existing.get((enterprise.pk, mid)),
            )
        )
    return out


def _account_key() -> bytes:
    return hashlib.sha256(f"funds.bank_account:{settings.SECRET_KEY}".encode()).digest()


def account_digest(number: str) -> str:
    return hmac.new(_account_key(), number.encode(), hashlib.sha256).hexdigest()


def account_matches(confirmation: BankAccountConfirmation, number: str) -> bool:
    """Whether ``number`` is the confirmed account (constant-time comparison of the digests)."""
    clean = re.sub(r"[\s-]", "", number or "")
    return hmac.compare_digest(account_digest(clean), confirmation.account_digest)


@transaction.atomic
def bank_account_confirm(
    *,
    actor: User,
    enterprise: Enterprise,
    account_name: str,
    bank_name: str,
    account_number: str,
    agree: bool,
) -> BankAccountConfirmation:
    """The enterprise confirms its receiving account and the 免申即享 agreement."""
    if not (
        actor.is_authenticated
        and actor.is_active
        and actor.role == Role.ENTERPRISE
        and actor.enterprise_id == enterprise.pk
    ):
        raise PermissionDenied(_("只有本企业用户可以确认收款账户。"))
    account_name, bank_name = (account_name or "").strip(), (bank_name or "").strip()
    number = re.sub(r"[\s-]", "", account_number or "")
    errors: dict[str, list[str]] = {}
    if not account_name or len(account_name) > 200:
        errors["account_name"] = [_("请填写户名（不超过 200 字）。")]
    elif account_name != enterprise.name:
        errors["account_name"] = [_("户名须与企业名称一致（对公账户）。")]
    if not bank_name or len(bank_name) > 200:
        errors["bank_name"] = [_("请填写开户银行。")]
    if not ACCOUNT_RE.match(number):
        errors["account_number"] = [_("银行账号应为 8–32 位数字。")]
    if not agree:
        errors["agree"] = [_("请阅读并同意免申即享资金拨付协议。")]
    if errors:
        raise ValidationError(errors)
    confirmation = BankAccountConfirmation.objects.create(
        enterprise=enterprise,
        account_name=account_name,
        bank_name=bank_name,
        account_masked=f"**** **** {number[-4:]}",
        account_digest=account_digest(number),
        agreement_version=AGREEMENT_VERSION,
        agreed_at=timezone.now(),
        user=actor,
    )
    audit_record(
        actor=actor,
        action="funds.bank_confirm",
        obj=confirmation,
        after={"masked": confirmation.account_masked, "agreement": AGREEMENT_VERSION},
    )
    return confirmation


@transaction.atomic
def propose_without_application(
    *, actor: User, round: Round, enterprise: Enterprise, measure: str
) -> Application:
    """免申即享: create the application the platform can prove and send it to city review."""
    if not selectors.can_propose_without_application(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以发起免申即享。"))
    Round.objects.select_for_update().get(pk=round.pk)
    found = [
        c for c in candidates(round=round, enterprise_ids=[enterprise.pk]) if c.measure == measure
    ]
    if not found:
        raise ValidationError(_("平台数据不能证明该企业符合该措施的支持条件。"))
    candidate = found[0]
    if candidate.application is not None:
        raise ValidationError(
            _("该企业在本批次已有该措施的申报 #%(pk)s。") % {"pk": candidate.application.pk}
        )
    if candidate.confirmation is None:
        raise ValidationError(_("企业尚未在线确认收款账户和免申即享协议，不能发起。"))
    reasons = "；".join(r["message"] for r in candidate.reasons)
    application = application_create_no_application(
        actor=actor,
        round=round,
        enterprise=enterprise,
        measure=measure,
        comment=_("免申即享：平台数据核验（%(reasons)s）") % {"reasons": reasons},
    )
    audit_record(
        actor=actor,
        action="funds.propose_without_application",
        obj=application,
        after={"measure": measure, "amount": str(candidate.amount)},
    )
    return application
