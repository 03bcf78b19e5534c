"""Annual application guides (年度资金申报指南): schema, strict loader and ceiling check.

A guide is a YAML file per year under ``guides/`` (or the same object embedded in a
scenario). Validation is strict: unknown keys are errors, and a value above the policy's
ceiling (catalogue) is refused with an error naming the measure, the key and the ceiling.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from .measures import Catalogue, GuideKey, KeyType, Measure, catalogue
from .money import AmountError, canonical, parse_amount, parse_rate

GUIDES_DIR_ENV = "DDT_GUIDES_DIR"
SHIPPED_GUIDES_DIR = Path(__file__).resolve().parent.parent / "guides"


class BudgetMode(StrEnum):
    PRO_RATA = "pro_rata"
    FIRST_COME = "first_come"


class GuideStatus(StrEnum):
    EXAMPLE = "example"  # example values, to be replaced by the published guide
    DRAFT = "draft"
    PUBLISHED = "published"


TOP_KEYS = {
    "year": True,
    "title": True,
    "status": False,
    "note": False,
    "budget": True,
    "window": True,
    "public_notice_working_days": True,
    "measures": True,
    "period": False,
    "brand_top_up": False,
}  # name → required


class GuideError(ValueError):
    """The guide is invalid; ``problems`` lists every error as ``path: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Terms:
    """A measure's working values for the year (only the keys its kind allows are set)."""

    amount: Decimal | None = None
    min_cbec_trade: Decimal | None = None
    rate: Decimal | None = None
    cap: Decimal | None = None
    annual_cap: Decimal | None = None
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()  # (threshold, amount), ascending
    amounts: dict[str, Decimal] = field(default_factory=dict)  # level → amount


@dataclass(frozen=True, slots=True)
class Guide:
    year: int
    title: str
    status: str
    note: str
    budget_total: Decimal
    budget_mode: BudgetMode
    opens: dt.date
    closes: dt.date
    public_notice_working_days: int
    measures: dict[str, Terms]
    content_hash: str
    # the assessment period (考核期) whose achievements and costs this guide funds; without
    # ``period`` in the guide, its calendar year clipped to the policy's validity
    period_from: dt.date = dt.date.min
    period_to: dt.date = dt.date.max
    period_given: bool = False  # the guide states its period (else the calendar year)
    brand_top_up: bool = True  # (七) a later higher brand level tops up the difference

    @property
    def is_example(self) -> bool:
        return self.status == GuideStatus.EXAMPLE

    def in_period(self, day: dt.date) -> bool:
        return self.period_from <= day <= self.period_to

    def years(self) -> range:
        """The calendar years the period touches."""
        return range(self.period_from.year, self.period_to.year + 1)


# --- strict YAML ---------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} / 重复的键", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --- parsing -------------------------------------------------------------------------------


def _q(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _msg_not_amount(path: str, value: object) -> str:
    return (
        f"{path}: {_q(value)} is not an amount / 不是有效金额"
        '（应为不超过两位小数的非负数字字符串，如 "50000"）'
    )


class _Parser:
    def __init__(self, cat: Catalogue, prefix: str) -> None:
        self.cat = cat
        self.prefix = prefix
        self.problems: list[str] = []

    def path(self, *parts: str) -> str:
        out = self.prefix
        for part in parts:
            out = f"{out}.{part}" if out else part
        return out

    def err(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def mapping(self, value: object, path: str, allowed: dict[str, bool]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.err(path or "guide", "must be an object / 应为对象（键值映射）")
            return {}
        for key in value:
            if key not in allowed:
                self.err(
                    self._join(path, str(key)),
                    f"unknown key / 未知的键（允许 allowed: {', '.join(allowed)}）",
                )
        for key, required in allowed.items():
            if required and key not in value:
                self.err(self._join(path, key), "required / 缺少必填项")
        return value

    @staticmethod
    def _join(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def amount(self, value: object, path: str) -> Decimal | None:
        try:
            return parse_amount(value)
        except AmountError:
            self.problems.append(_msg_not_amount(path, value))
            return None

    def rate(self, value: object, path: str) -> Decimal | None:
        try:
            return parse_rate(value)
        except AmountError:
            self.err(
                path,
                f'{_q(value)} is not a rate / 不是有效比例（应为 0 到 1 之间的字符串，如 "0.50"）',
            )
            return None

    def date(self, value: object, path: str) -> dt.date | None:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.err(path, f"{_q(value)} is not a date / 不是有效日期（应为 YYYY-MM-DD）")
        return None

    def ceiling(self, measure: Measure, key: GuideKey, value: Decimal, path: str) -> None:
        if key.ceiling is not None and value > key.ceiling:
            self.err(
                path,
                f"{canonical(value)} exceeds the policy ceiling {canonical(key.ceiling)} "
                f"of measure {measure.id}, key {key.name}, article {measure.article} / "
                f"超过政策上限：措施 {measure.id} 的 {key.name} 不得高于 {canonical(key.ceiling)}"
                f"（第{measure.article}条）",
            )

    # --- sections ---

    def guide(self, raw: object) -> dict[str, Any]:
        top = self.mapping(raw, self.prefix, TOP_KEYS)
        out: dict[str, Any] = {}
        year = top.get("year")
        first, last = self.cat.policy.window_start.year, self.cat.policy.window_end.year
        if "year" in top:
            if type(year) is not int or not first <= year <= last:
                self.err(
                    self.path("year"),
                    f"{_q(year)} must be a year {first}–{last} / 年度应在政策有效期内",
                )
            else:
                out["year"] = year
        if "title" in top:
            out["title"] = self.text(top["title"], self.path("title"))
        out["status"] = (
            self.choice(top["status"], self.path("status"), GuideStatus) if "status" in top else ""
        )
        out["note"] = self.text(top["note"], self.path("note")) if "note" in top else ""
        if "budget" in top:
            self.budget(top["budget"], out)
        if "window" in top:
            self.window(top["window"], out)
        if "public_notice_working_days" in top:
            days = top["public_notice_working_days"]
            if type(days) is not int or days < 1:
                self.err(
                    self.path("public_notice_working_days"),
                    f"{_q(days)} must be a whole number ≥ 1 / 应为不小于 1 的整数",
                )
            out["public_notice_working_days"] = days
        if "measures" in top:
            out["measures"] = self.measures(top["measures"])
        if "period" in top:
            self.period(top["period"], out)
        if "brand_top_up" in top:
            flag = top["brand_top_up"]
            if type(flag) is not bool:
                self.err(
                    self.path("brand_top_up"), f"{_q(flag)} must be true or false / 应为布尔值"
                )
            else:
                out["brand_top_up"] = flag
        return out

    def period(self, raw: object, out: dict[str, Any]) -> None:
        """The assessment period (考核期): within the policy's validity, ``from`` ≤ ``to``."""
        path = self.path("period")
        period = self.mapping(raw, path, {"from": True, "to": True})
        start = self.date(period["from"], f"{path}.from") if "from" in period else None
        end = self.date(period["to"], f"{path}.to") if "to" in period else None
        if start is None or end is None:
            return
        policy = self.cat.policy
        first, last = policy.window_start, policy.window_end
        if end < start:
            self.err(f"{path}.to", "is before period.from / 考核期截止日期早于开始日期")
        elif start < first or end > last:
            self.err(
                path,
                f"{start} to {end} leaves the policy's validity {first} to {last} / "
                f"考核期超出政策有效期（{first} 至 {last}，第{policy.window_article}）",
            )
        else:
            out["period"] = (start, end)

    def text(self, value: object, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.err(path, "must be non-empty text / 应为非空文本")
            return ""
        return value

    def choice(self, value: object, path: str, enum: type[StrEnum]) -> str:
        allowed = [e.value for e in enum]
        if value not in allowed:
            self.err(path, f"{_q(value)} is not one of {', '.join(allowed)} / 取值无效")
            return ""
        return str(value)

    def budget(self, raw: object, out: dict[str, Any]) -> None:
        path = self.path("budget")
        budget = self.mapping(raw, path, {"total": True, "mode": True})
        if "total" in budget:
            out["budget_total"] = self.amount(budget["total"], f"{path}.total")
        if "mode" in budget:
            out["budget_mode"] = self.choice(budget["mode"], f"{path}.mode", BudgetMode)

    def window(self, raw: object, out: dict[str, Any]) -> None:
        path = self.path("window")
        window = self.mapping(raw, path, {"opens": True, "closes": True})
        opens = self.date(window["opens"], f"{path}.opens") if "opens" in window else None
        closes = self.date(window["closes"], f"{path}.closes") if "closes" in window else None
        if opens and closes and closes < opens:
            self.err(f"{path}.closes", "is before window.opens / 截止日期早于开始日期")
        out["opens"], out["closes"] = opens, closes

    def measures(self, raw: object) -> dict[str, Terms]:
        path = self.path("measures")
        if not isinstance(raw, dict):
            self.err(path, "must be an object / 应为对象（措施编号 → 参数）")
            return {}
        out: dict[str, Terms] = {}
        for mid, spec in raw.items():
            measure = self.cat.get(str(mid))
            mpath = f"{path}.{mid}"
            if measure is None:
                self.err(mpath, "unknown measure / 未知的措施编号（见 ddt policy measures）")
                continue
            terms = self.terms(measure, spec, mpath)
            if terms is not None:
                out[measure.id] = terms
        return out

    def terms(self, measure: Measure, raw: object, path: str) -> Terms | None:
        spec = self.mapping(raw, path, {k.name: k.required for k in measure.keys.values()})
        before = len(self.problems)
        values: dict[str, Any] = {}
        for name, value in spec.items():
            key = measure.keys.get(name)
            if key is None:
                continue
            kpath = f"{path}.{name}"
            if key.type is KeyType.AMOUNT:
                parsed = self.amount(value, kpath)
            elif key.type is KeyType.RATE:
                parsed = self.rate(value, kpath)
            elif key.type is KeyType.TIERS:
                values[name] = self.tiers(measure, key, value, kpath)
                continue
            else:
                values[name] = self.levels(measure, key, value, kpath)
                continue
            if parsed is not None:
                self.ceiling(measure, key, parsed, kpath)
                values[name] = parsed
        if len(self.problems) > before:
            return None
        return Terms(**values)

    def tiers(
        self, measure: Measure, key: GuideKey, raw: object, path: str
    ) -> tuple[tuple[Decimal, Decimal], ...]:
        threshold = key.threshold or "min"
        if not isinstance(raw, list) or not raw:
            self.err(path, "must be a non-empty list / 应为非空列表")
            return ()
        tiers: list[tuple[Decimal, Decimal]] = []
        for i, item in enumerate(raw):
            tpath = f"{path}[{i}]"
            tier = self.mapping(item, tpath, {threshold: True, "amount": True})
            low = (
                self.amount(tier[threshold], f"{tpath}.{threshold}") if threshold in tier else None
            )
            amount = self.amount(tier["amount"], f"{tpath}.amount") if "amount" in tier else None
            if amount is not None:
                self.ceiling(measure, key, amount, f"{tpath}.amount")
            if low is not None and amount is not None:
                if tiers and low <= tiers[-1][0]:
                    self.err(
                        f"{tpath}.{threshold}", "tiers must ascend strictly / 各档门槛应严格递增"
                    )
                tiers.append((low, amount))
        return tuple(tiers)

    def levels(self, measure: Measure, key: GuideKey, raw: object, path: str) -> dict[str, Decimal]:
        levels = self.cat.policy.recognition_levels
        spec = self.mapping(raw, path, dict.fromkeys(levels, True))
        out: dict[str, Decimal] = {}
        for level in levels:
            if level in spec:
                amount = self.amount(spec[level], f"{path}.{level}")
                if amount is not None:
                    self.ceiling(measure, key, amount, f"{path}.{level}")
                    out[level] = amount
        return out


def _canonical_content(parsed: dict[str, Any]) -> dict[str, Any]:
    def terms(t: Terms) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("amount", "min_cbec_trade", "rate", "cap", "annual_cap"):
            value = getattr(t, name)
            if value is not None:
                out[name] = canonical(value)
        if t.tiers:
            out["tiers"] = [[canonical(lo), canonical(a)] for lo, a in t.tiers]
        if t.amounts:
            out["amounts"] = {k: canonical(v) for k, v in t.amounts.items()}
        return out

    return {
        "year": parsed["year"],
        "title": parsed["title"],
        "status": parsed["status"],
        "note": parsed["note"],
        "budget": {"total": canonical(parsed["budget_total"]), "mode": parsed["budget_mode"]},
        "window": {"opens": parsed["opens"].isoformat(), "closes": parsed["closes"].isoformat()},
        "public_notice_working_days": parsed["public_notice_working_days"],
        "measures": {mid: terms(t) for mid, t in sorted(parsed["measures"].items())},
        # only when given: the hash of a guide without them stays what it was
        **(
            {
                "period": {
                    "from": parsed["period"][0].isoformat(),
                    "to": parsed["period"][1].isoformat(),
                }
            }
            if "period" in parsed
            else {}
        ),
        **({"brand_top_up": parsed["brand_top_up"]} if "brand_top_up" in parsed else {}),
    }


def content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_guide(raw: object, *, prefix: str = "", cat: Catalogue | None = None) -> Guide:
    """A validated ``Guide`` from a decoded YAML/JSON object; ``GuideError`` lists every problem."""
    cat = cat or catalogue()
    parser = _Parser(cat, prefix)
    parsed = parser.guide(raw)
    if parser.problems:
        raise GuideError(parser.problems)
    year, policy = parsed["year"], cat.policy
    start, end = parsed.get("period") or (
        max(dt.date(year, 1, 1), policy.window_start),
        min(dt.date(year, 12, 31), policy.window_end),
    )
    return Guide(
        year=parsed["year"],
        title=parsed["title"],
        status=parsed["status"],
        note=parsed["note"],
        budget_total=parsed["budget_total"],
        budget_mode=BudgetMode(parsed["budget_mode"]),
        opens=parsed["opens"],
        closes=parsed["closes"],
        public_notice_working_days=parsed["public_notice_working_days"],
        measures=parsed["measures"],
        content_hash=content_hash(_canonical_content(parsed)),
        period_from=start,
        period_to=end,
        period_given="period" in parsed,
        brand_top_up=parsed.get("brand_top_up", True),
    )


def read_guide_text(text: str, *, name: str = "guide") -> object:
    """Decode YAML (or JSON, a subset) strictly; ``GuideError`` on syntax errors."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise GuideError([f"{name}: not valid YAML / YAML 格式错误: {exc}"]) from exc


def load_guide_file(path: str | Path) -> Guide:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GuideError([f"{path}: cannot read / 无法读取: {exc.strerror}"]) from exc
    return parse_guide(read_guide_text(text, name=str(path)))


def guides_dir() -> Path:
    return Path(os.environ.get(GUIDES_DIR_ENV) or SHIPPED_GUIDES_DIR)


def shipped_years() -> list[int]:
    return sorted(int(p.stem) for p in guides_dir().glob("[0-9][0-9][0-9][0-9].yaml"))


_SHIPPED: dict[tuple[str, int, int], Guide] = {}  # (path, mtime, size) → the parsed guide


def shipped_guide(year: int) -> Guide:
    """The guide shipped for ``year`` (``guides/<year>.yaml``).

    Parsed once and kept while the file is unchanged (same path, modification time and size).
    """
    path = guides_dir() / f"{year}.yaml"
    try:
        stat = path.stat()
    except OSError:
        stat = None
    if stat is None or not path.is_file():
        years = ", ".join(map(str, shipped_years())) or "-"
        raise GuideError(
            [f"no shipped guide for {year} / 没有 {year} 年度的指南（现有 available: {years}）"]
        )
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    guide = _SHIPPED.get(key)
    if guide is None:
        guide = _SHIPPED[key] = load_guide_file(path)
    return guide


def resolve_guide(ref: str) -> Guide:
    """A guide from a year ("2026", a shipped guide) or a file path."""
    if len(ref) == 4 and ref.isdigit():
        return shipped_guide(int(ref))
    return load_guide_file(ref)
