"""The scenario contract: parse and validate a scenario (JSON) into typed records.

Every error names its JSON path (``claims[3].cost: "12,000" is not an amount``). Validation
is strict (unknown keys are errors) and collects up to ``MAX_PROBLEMS`` problems, so a user
can fix a file in one go. Written for speed: well-formed items take the fast paths of
``fastread``; the detailed checks here only run to describe a failure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from .batch import no_gc
from .fastread import (
    ATTRIBUTE_KEYS,
    BENEFICIARY_KEYS,
    CLAIM_KEYS,
    FACT_KEYS,
    HISTORY_KEYS,
    LEVELLED_RECOGNITIONS,
    RECOGNITION_KEYS,
    RECOGNITION_TYPES,
    read_beneficiary,
    read_claims,
    read_payment,
    recognition_date,
)
from .guide import Guide, GuideError, parse_guide, shipped_guide
from .measures import BeneficiaryKind, Catalogue, Kind, catalogue
from .money import _AMOUNT_RE, to_cents
from .records import Beneficiary, Claim, Payment, Recognition, Row, Scenario

MAX_PROBLEMS = 50
_MANY_DECIMALS_RE = re.compile(r"[0-9]+\.[0-9]{3,}")
SCENARIO_KEYS = {
    "year": True,
    "guide": True,
    "beneficiaries": True,
    "history": False,
    "claims": True,
    "description": False,
}


class ScenarioError(ValueError):
    """The scenario is invalid; ``problems`` lists the errors as ``path: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _TooMany(Exception):
    pass


def _q(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class _Reader:
    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self.problems: list[str] = []

    def err(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany

    def not_amount(self, path: str, value: object) -> None:
        if isinstance(value, str) and value.startswith("-"):
            self.err(path, f"{_q(value)} is not an amount: negative / 金额不能为负数")
        elif isinstance(value, str) and _MANY_DECIMALS_RE.fullmatch(value):
            self.err(path, f"{_q(value)} is not an amount: more than 2 decimals / 金额最多两位小数")
        else:
            self.err(
                path,
                f"{_q(value)} is not an amount / 不是有效金额"
                '（应为最多两位小数的非负数字字符串，如 "12000.00"）',
            )

    def amount(self, value: object, path: str) -> Decimal | None:
        if type(value) is str and _AMOUNT_RE.fullmatch(value) is not None:
            return Decimal(value)
        self.not_amount(path, value)
        return None

    def obj(self, value: object, path: str, allowed: dict[str, bool]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.err(path, "must be an object / 应为对象")
            return None
        for key in value:
            if key not in allowed:
                self.err(
                    f"{path}.{key}", f"unknown key / 未知的键（允许 allowed: {', '.join(allowed)}）"
                )
        for key, required in allowed.items():
            if required and key not in value:
                self.err(f"{path}.{key}", "required / 缺少必填项")
        return value

    def text(self, value: object, path: str) -> str | None:
        if type(value) is str and value:
            return value
        self.err(path, f"{_q(value)} must be non-empty text / 应为非空文本")
        return None

    def year(self, value: object, path: str) -> int | None:
        if type(value) is int and 1900 <= value <= 2100:
            return value
        self.err(path, f"{_q(value)} is not a year / 不是有效年份")
        return None

    def items(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.err(path, "must be a list / 应为列表")
            return []
        return value

    # --- sections ---

    def beneficiary(self, raw: object, path: str) -> Beneficiary | None:
        b = self.obj(raw, path, BENEFICIARY_KEYS)
        if b is None:
            return None
        before = len(self.problems)
        bid = self.text(b.get("id"), f"{path}.id") if "id" in b else None
        kind = b.get("kind")
        if "kind" in b and kind not in BeneficiaryKind.__members__.values():
            allowed = ", ".join(k.value for k in BeneficiaryKind)
            self.err(f"{path}.kind", f"{_q(kind)} is not one of {allowed} / 主体类型无效")
        county = b.get("county", "")
        if not isinstance(county, str):
            self.err(f"{path}.county", f"{_q(county)} must be text / 应为文本（县区代码）")
        name = b.get("name", "")
        if not isinstance(name, str):
            self.err(f"{path}.name", f"{_q(name)} must be text / 应为文本")
        facts = self.obj(b.get("facts", {}), f"{path}.facts", FACT_KEYS) or {}
        first = facts.get("first_cbec_year")
        if first is not None:
            first = self.year(first, f"{path}.facts.first_cbec_year")
        trade = self.by_year(facts.get("cbec_trade", {}), f"{path}.facts.cbec_trade")
        export = self.by_year(
            facts.get("independent_site_export", {}), f"{path}.facts.independent_site_export"
        )
        recognitions = tuple(
            r
            for i, item in enumerate(
                self.items(facts.get("recognitions", []), f"{path}.facts.recognitions")
            )
            if (r := self.recognition(item, f"{path}.facts.recognitions[{i}]")) is not None
        )
        disqualified = facts.get("disqualified", False)
        if type(disqualified) is not bool:
            self.err(
                f"{path}.facts.disqualified",
                f"{_q(disqualified)} must be true or false / 应为布尔值",
            )
        if len(self.problems) > before or bid is None:
            return None
        return Beneficiary(
            id=bid,
            kind=str(kind),
            county=county,
            name=name,
            first_cbec_year=first,
            cbec_trade=trade,
            independent_site_export=export,
            recognitions=recognitions,
            disqualified=disqualified,
        )

    def by_year(self, raw: object, path: str) -> dict[int, Decimal]:
        if not isinstance(raw, dict):
            self.err(path, "must be an object of year → amount / 应为 年份 → 金额 的对象")
            return {}
        out: dict[int, Decimal] = {}
        for key, value in raw.items():
            if not (isinstance(key, str) and len(key) == 4 and key.isdigit()):
                self.err(f"{path}.{key}", "key is not a year / 键应为四位年份")
                continue
            amount = self.amount(value, f"{path}.{key}")
            if amount is not None:
                out[int(key)] = amount
        return out

    def recognition(self, raw: object, path: str) -> Recognition | None:
        r = self.obj(raw, path, RECOGNITION_KEYS)
        if r is None:
            return None
        before = len(self.problems)
        rtype = r.get("type")
        if "type" in r and rtype not in RECOGNITION_TYPES:
            self.err(
                f"{path}.type",
                f"{_q(rtype)} is not one of {', '.join(RECOGNITION_TYPES)} / 认定类型无效",
            )
        level = r.get("level")
        levels = self.cat.policy.recognition_levels
        if rtype in LEVELLED_RECOGNITIONS and level not in levels:
            self.err(
                f"{path}.level", f"{_q(level)} is not one of {', '.join(levels)} / 认定级别无效"
            )
        elif rtype not in LEVELLED_RECOGNITIONS and level is not None:
            self.err(f"{path}.level", f"not used for type {_q(rtype)} / 该认定类型无级别")
        year = self.year(r["year"], f"{path}.year") if "year" in r else None
        day = None
        if r.get("date") is not None and year is not None:
            day = recognition_date(r["date"], year)
            if day is None:
                self.err(
                    f"{path}.date",
                    f"{_q(r['date'])} is not a date of {year} / 不是 {year} 年的有效日期（YYYY-MM-DD）",  # noqa: E501
                )
        if len(self.problems) > before or year is None:
            return None
        return Recognition(type=str(rtype), level=level, year=year, date=day)

    def payment(self, raw: object, path: str, known: Collection[str]) -> Payment | None:
        before = len(self.problems)  # before obj(): a missing required key is a problem too
        h = self.obj(raw, path, HISTORY_KEYS)
        if h is None:
            return None
        ben = self.text(h.get("beneficiary"), f"{path}.beneficiary") if "beneficiary" in h else None
        if ben is not None and ben not in known:
            self.err(
                f"{path}.beneficiary",
                f"{_q(ben)} is not a beneficiary of this scenario / 未知的主体",
            )
        measure = self.text(h.get("measure"), f"{path}.measure") if "measure" in h else None
        year = self.year(h["year"], f"{path}.year") if "year" in h else None
        amount = self.amount(h["amount"], f"{path}.amount") if "amount" in h else None
        matter = h.get("matter")
        if matter is not None:
            matter = self.text(matter, f"{path}.matter")
        if h.get("note") is not None and not isinstance(h["note"], str):
            self.err(f"{path}.note", "must be text / 应为文本")
        if len(self.problems) > before:
            return None
        assert ben is not None and measure is not None and year is not None and amount is not None
        return Payment(beneficiary=ben, measure=measure, year=year, amount=amount, matter=matter)

    def claims(self, raw: object, known: Collection[str], rows: list[Row]) -> list[Claim]:
        measures = self.cat.measures
        cost_share = {m.id for m in measures.values() if m.kind is Kind.COST_SHARE}

        def on_problem(item: object, path: str, seen: set[str]) -> None:
            self.claim_problems(item, path, known, seen, cost_share)

        items = self.items(raw, "claims")
        return read_claims(items, known, measures, cost_share, on_problem, rows)

    def claim_problems(
        self,
        raw: object,
        path: str,
        known: Collection[str],
        seen: set[str],
        cost_share: set[str],
    ) -> None:
        """Describe why a claim failed the fast path (slow, only on invalid input)."""
        before = len(self.problems)
        c = self.obj(raw, path, CLAIM_KEYS)
        if c is None:
            return
        cid = self.text(c.get("id"), f"{path}.id") if "id" in c else None
        if cid is not None:
            if cid in seen:
                self.err(f"{path}.id", f"{_q(cid)} is a duplicate claim id / 申报编号重复")
            seen.add(cid)
        ben = self.text(c.get("beneficiary"), f"{path}.beneficiary") if "beneficiary" in c else None
        if ben is not None and ben not in known:
            self.err(
                f"{path}.beneficiary",
                f"{_q(ben)} is not a beneficiary of this scenario / 未知的主体",
            )
        mid = self.text(c.get("measure"), f"{path}.measure") if "measure" in c else None
        if mid is not None and mid not in self.cat.measures:
            self.err(
                f"{path}.measure",
                f"{_q(mid)} is not a measure of the catalogue / 未知的措施编号（见 ddt policy measures）",  # noqa: E501
            )
        if c.get("matter") is not None:
            self.text(c["matter"], f"{path}.matter")
        if c.get("cost") is not None:
            self.amount(c["cost"], f"{path}.cost")
        elif mid in cost_share:
            self.err(
                f"{path}.cost", f"required for cost-share measure {mid} / 费用比例类措施须填写费用"
            )
        if "date" in c:
            try:
                dt.date.fromisoformat(c["date"])
            except (TypeError, ValueError):
                self.err(
                    f"{path}.date", f"{_q(c['date'])} is not a date / 不是有效日期（YYYY-MM-DD）"
                )
        if "submitted_at" in c:
            try:
                stamp = dt.datetime.fromisoformat(c["submitted_at"])
                if stamp.tzinfo is None:
                    self.err(
                        f"{path}.submitted_at",
                        f"{_q(c['submitted_at'])} has no time zone / 须带时区，如 +08:00",
                    )
            except (TypeError, ValueError):
                self.err(
                    f"{path}.submitted_at",
                    f"{_q(c['submitted_at'])} is not a date-time / 不是有效时间（ISO 8601，带时区）",  # noqa: E501
                )
        attrs = c.get("attributes")
        if attrs is not None:
            a = self.obj(attrs, f"{path}.attributes", ATTRIBUTE_KEYS)
            if a is not None:
                if "in_plan" in a and type(a["in_plan"]) is not bool:
                    self.err(
                        f"{path}.attributes.in_plan",
                        f"{_q(a['in_plan'])} must be true or false / 应为布尔值",
                    )
                if a.get("amount") is not None:
                    self.amount(a["amount"], f"{path}.attributes.amount")
                if a.get("note") is not None and not isinstance(a["note"], str):
                    self.err(f"{path}.attributes.note", "must be text / 应为文本")
        if len(self.problems) == before:  # pragma: no cover - the fast path and this must agree
            self.err(path, "is not a valid claim / 申报记录无效")


def parse_scenario(
    raw: object, *, guide: Guide | None = None, cat: Catalogue | None = None
) -> Scenario:
    """A validated ``Scenario`` from decoded JSON; ``ScenarioError`` lists the problems.

    ``guide`` replaces the scenario's own guide (what-if comparisons); its year may differ.
    """
    reader = _Reader(cat or catalogue())
    try:
        with no_gc():
            return _parse(reader, raw, guide)
    except _TooMany:
        reader.problems.append(
            f"… stopped after {MAX_PROBLEMS} problems / 错误过多，仅列出前 {MAX_PROBLEMS} 条"
        )
        raise ScenarioError(reader.problems) from None


def _parse(reader: _Reader, raw: object, override: Guide | None) -> Scenario:
    top = reader.obj(raw, "$", SCENARIO_KEYS)
    if top is None:
        raise ScenarioError(reader.problems)
    # "$.year" reads oddly in messages: top-level paths are written bare.
    reader.problems = [p.removeprefix("$.") for p in reader.problems]
    year = reader.year(top["year"], "year") if "year" in top else None
    guide = override
    if override is None and "guide" in top:
        guide = _guide(reader, top["guide"], year)
    known: dict[str, Beneficiary] = {}
    ids: set[str] = set()  # also the ids of invalid beneficiaries: no cascade of "unknown"
    kinds = frozenset(k.value for k in BeneficiaryKind)
    levels = reader.cat.policy.recognition_levels
    for i, item in enumerate(reader.items(top.get("beneficiaries", []), "beneficiaries")):
        ben = read_beneficiary(item, kinds, RECOGNITION_TYPES, LEVELLED_RECOGNITIONS, levels)
        if ben is None:  # not well-formed: the detailed reader says why
            ben = reader.beneficiary(item, f"beneficiaries[{i}]")
        if ben is not None:
            if ben.id in ids:
                reader.err(
                    f"beneficiaries[{i}].id",
                    f"{_q(ben.id)} is a duplicate beneficiary id / 主体编号重复",
                )
            known[ben.id] = ben
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            ids.add(item["id"])
    history = []
    fen: list[int] = []  # each payment's amount in fen, for the engine's ledger
    for i, item in enumerate(reader.items(top.get("history", []), "history")):
        p = read_payment(item, ids, fen)
        if p is None:  # not well-formed: the detailed reader says why
            p = reader.payment(item, f"history[{i}]", ids)
            if p is not None:
                fen.append(to_cents(p.amount))
        if p is not None:
            history.append(p)
    rows: list[Row] = []
    claims = tuple(reader.claims(top.get("claims", []), ids, rows))
    if reader.problems or year is None or guide is None:
        raise ScenarioError(reader.problems or ["guide: required / 缺少指南"])
    paid = tuple(history)
    return Scenario(year, guide, known, paid, claims, (claims, rows), (paid, fen))


def _guide(reader: _Reader, raw: object, year: int | None) -> Guide | None:
    try:
        if isinstance(raw, str) and len(raw) == 4 and raw.isdigit():
            guide = shipped_guide(int(raw))
        elif isinstance(raw, dict):
            guide = parse_guide(raw, prefix="guide")
        else:
            reader.err(
                "guide",
                f'{_q(raw)} must be a guide object or a shipped year like "2025" / 应为指南对象或年度',  # noqa: E501
            )
            return None
    except GuideError as exc:
        for problem in exc.problems:
            reader.problems.append(problem if problem.startswith("guide") else f"guide: {problem}")
        return None
    if year is not None and guide.year != year:
        reader.err(
            "guide.year",
            f"{guide.year} does not match the scenario year {year} / 指南年度与情景年度不一致",
        )
    return guide
