"""Reasons: why a claim got what it got, as codes with Chinese and English messages.

The engine keeps each reason as a compact *record*, ``(code, article, *values)`` with the
values in the order ``PARAMS[code]`` names them and amounts in fen (``MONEY``); a claim's
records are kept one after the other in one flat list (``Why``). ``reasons(why)`` turns them
into ``Reason`` objects (code, article, parameters as ``Decimal``) and the message is
rendered only when output is produced, in the language asked for. Every message cites its
article.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from .money import fmt_grouped, fmt_grouped_cents, fmt_rate, from_cents


class Reason(NamedTuple):
    """Why: a code, the article it applies, and the numbers for the message."""

    code: str
    article: str
    params: dict[str, Any]

    def message(self, lang: str = "zh") -> str:
        return render(self, lang)

    def as_json(self, lang: str = "zh") -> dict[str, str]:
        return {"code": self.code, "article": self.article, "message": render(self, lang)}


LEVEL = {
    "zh": {"provincial": "省级", "national": "国家级"},
    "en": {"provincial": "provincial", "national": "national"},
}
RECOGNITION = {
    "zh": {
        "benchmark": "标杆跨境电商企业",
        "brand": "跨境电商品牌",
        "park": "跨境电商产业园",
        "public_warehouse": "市级公共海外仓",
        "regional_center": "区域中心",
        "brand_pool": "重点品牌企业培育库",
    },
    "en": {
        "benchmark": "benchmark enterprise",
        "brand": "CBEC brand",
        "park": "CBEC park",
        "public_warehouse": "municipal public overseas warehouse",
        "regional_center": "regional centre",
        "brand_pool": "key brand enterprise pool",
    },
}
KIND = {
    "zh": {
        "enterprise": "企业",
        "park_operator": "园区运营主体",
        "warehouse_operator": "海外仓运营主体",
        "association": "行业协会、社会团体",
    },
    "en": {
        "enterprise": "enterprises",
        "park_operator": "park operators",
        "warehouse_operator": "warehouse operators",
        "association": "associations and social organisations",
    },
}

# code → (Chinese, English). Placeholders are filled by ``render``; amounts get separators.
MESSAGES: dict[str, tuple[str, str]] = {
    # rule 1: eligibility
    "outside_policy_window": (
        "事项日期 {date} 不在政策有效期（{start} 至 {end}）内",
        "the claim date {date} is outside the policy window {start} to {end}",
    ),
    "wrong_year": ("事项日期 {date} 不属于 {year} 年度", "the claim date {date} is not in {year}"),
    "outside_period": (
        "事项日期 {date} 不在本指南考核期（{start} 至 {end}）内",
        "the claim date {date} is outside the guide's assessment period {start} to {end}",
    ),
    "measure_not_open": (
        "{measure} 未列入 {year} 年度资金申报指南，本年度不受理",
        "{measure} is not open in the {year} guide",
    ),
    "disqualified": (
        "申报主体已被取消申报资格",
        "the beneficiary is disqualified",
    ),
    "wrong_beneficiary_kind": (
        "该措施支持{expected}，申报主体为{actual}",
        "the measure supports {expected}; the beneficiary is one of the {actual}",
    ),
    # rule 2: conditions
    "not_first_cbec_year": (
        "首次开展跨境电商业务年度为 {first}，不是 {year} 年",
        "the first CBEC year is {first}, not {year}",
    ),
    "threshold_not_met": (
        "{year} 年跨境电商交易额 {value} 元，低于指南规定的 {threshold} 元",
        "CBEC trade in {year} is {value} yuan, below the guide's {threshold} yuan",
    ),
    "threshold_met": (
        "{year} 年跨境电商交易额 {value} 元，达到指南规定的 {threshold} 元",
        "CBEC trade in {year} is {value} yuan, reaching the guide's {threshold} yuan",
    ),
    "tier_not_reached": (
        "{year} 年独立站出口额 {value} 元，未达到最低档 {threshold} 元",
        "independent-site export in {year} is {value} yuan, below the lowest tier {threshold} yuan",
    ),
    "tier_applied": (
        "{year} 年独立站出口额 {value} 元，达到 {threshold} 元档，奖励 {amount} 元",
        "independent-site export in {year} is {value} yuan, tier {threshold} yuan: {amount} yuan",
    ),
    "no_recognition": ("{year} 年无{recognition}认定", "no {recognition} recognition in {year}"),
    "not_first_listing": (
        "{first} 年已进入省级以上名单，不是首次进入",
        "already on a provincial-or-higher list in {first}: not the first listing",
    ),
    "not_brand_enterprise": (
        "截至 {date} 未被认定为跨境电商品牌或列入重点品牌企业培育库，不是跨境电商品牌企业",
        "not a CBEC brand enterprise by {date} (no brand recognition, not in the key brand pool)",
    ),
    "not_first_benchmark": (
        "{first} 年已进入标杆企业名单，不是首次进入",
        "already on the benchmark list in {first}: not the first time",
    ),
    "award_applied": ("定额奖励 {amount} 元", "fixed award of {amount} yuan"),
    "level_applied": (
        "{year} 年认定为{level}{recognition}，奖励 {amount} 元",
        "recognised as {level} {recognition} in {year}: {amount} yuan",
    ),
    "not_in_plan": (
        "不属于省市贸促计划内展会或市县组团开拓市场活动",
        "not a planned fair or a city/county mission",
    ),
    # rule 3: cost shares
    "rate_applied": (
        "费用 {cost} 元 × {rate} = {amount} 元",
        "cost {cost} yuan × {rate} = {amount} yuan",
    ),
    "cap_applied": (
        "单笔最高 {cap} 元，核定为 {amount} 元",
        "capped at {cap} yuan per claim: {amount} yuan",
    ),
    "amount_set": ("专项支持金额 {amount} 元", "discretionary amount of {amount} yuan"),
    "amount_not_set": (
        "专项支持金额未确定（指南未定额，申报也未填写金额）",
        "no amount set (the guide sets none and the application gives none)",
    ),
    "rounded_down": ("舍尾取整为 {amount} 元", "rounded down to {amount} yuan"),
    # rule 4: annual caps
    "annual_cap_applied": (
        "{year} 年度每家最高 {cap} 元，已获 {used} 元，核定为 {amount} 元",
        "annual cap {cap} yuan for {year}, {used} yuan already paid: {amount} yuan",
    ),
    "annual_cap_reached": (
        "{year} 年度每家最高 {cap} 元，已获 {used} 元，额度已用完",
        "annual cap {cap} yuan for {year} reached ({used} yuan already paid)",
    ),
    # rule 5: one-offs and top-ups
    "one_off_paid": (
        "一次性奖励，已于 {year} 年获得，不再支持",
        "one-off award already paid in {year}",
    ),
    "one_off_paid_here": (
        "一次性奖励，已由本批申报 {claim} 获得，不再支持",
        "one-off award already paid to claim {claim} of this evaluation",
    ),
    "topped_up": (
        "该级别奖励 {level_amount} 元，本措施已获 {paid} 元，补差 {amount} 元",
        "level award {level_amount} yuan, {paid} yuan already paid: top-up of {amount} yuan",
    ),
    "top_up_nothing_left": (
        "该级别奖励 {level_amount} 元，本措施已获 {paid} 元，无差额可补",
        "level award {level_amount} yuan, {paid} yuan already paid: nothing to top up",
    ),
    # rule 6: 就高不重复
    "superseded": (
        "同一事项「{matter}」就高不重复，按申报 {winner}（{winner_measure}）支持",
        "same matter '{matter}': only the highest claim {winner} ({winner_measure}) is paid",
    ),
    "matter_deducted": (
        "同一事项「{matter}」已获 {paid} 元，只补差额 {amount} 元",
        "{paid} yuan already paid for matter '{matter}': only the difference {amount} yuan is paid",
    ),
    "matter_already_paid": (
        "同一事项「{matter}」已获 {paid} 元，不低于本次核定的 {computed} 元，不再支持",
        "{paid} yuan already paid for matter '{matter}', not less than {computed} yuan: nothing due",  # noqa: E501
    ),
    # rule 8: budget total control
    "budget_pro_rata": (
        "核定总额 {total} 元超过预算 {budget} 元，按比例 {scale} 核减为 {amount} 元",
        "total {total} yuan exceeds the budget {budget} yuan: scaled by {scale} to {amount} yuan",
    ),
    "budget_crossing": (
        "预算 {budget} 元按申报先后拨付，本笔仅余 {amount} 元",
        "the budget {budget} yuan is paid first come, first served: {amount} yuan left for this claim",  # noqa: E501
    ),
    "budget_exhausted": (
        "预算 {budget} 元按申报先后拨付，已用完",
        "the budget {budget} yuan is paid first come, first served and is exhausted",
    ),
}


# code → the names of a record's values, in order.
PARAMS: dict[str, tuple[str, ...]] = {
    "outside_policy_window": ("date", "start", "end"),
    "wrong_year": ("date", "year"),
    "outside_period": ("date", "start", "end"),
    "not_first_listing": ("first",),
    "not_brand_enterprise": ("date",),
    "measure_not_open": ("measure", "year"),
    "disqualified": ("beneficiary",),
    "wrong_beneficiary_kind": ("expected", "actual"),
    "not_first_cbec_year": ("first", "year"),
    "threshold_not_met": ("year", "value", "threshold"),
    "threshold_met": ("year", "value", "threshold"),
    "tier_not_reached": ("year", "value", "threshold"),
    "tier_applied": ("year", "value", "threshold", "amount"),
    "no_recognition": ("year", "recognition"),
    "not_first_benchmark": ("first",),
    "award_applied": ("amount",),
    "level_applied": ("year", "level", "recognition", "amount"),
    "not_in_plan": (),
    "rate_applied": ("cost", "rate", "amount"),
    "cap_applied": ("cap", "amount"),
    "amount_set": ("amount",),
    "amount_not_set": (),
    "rounded_down": ("amount",),
    "annual_cap_applied": ("year", "cap", "used", "amount"),
    "annual_cap_reached": ("year", "cap", "used"),
    "one_off_paid": ("year",),
    "one_off_paid_here": ("claim",),
    "topped_up": ("level_amount", "paid", "amount"),
    "top_up_nothing_left": ("level_amount", "paid", "amount"),
    "superseded": ("matter", "winner", "winner_measure"),
    "matter_deducted": ("matter", "paid", "amount"),
    "matter_already_paid": ("matter", "paid", "computed"),
    "budget_pro_rata": ("total", "budget", "scale", "amount"),
    "budget_crossing": ("budget", "amount"),
    "budget_exhausted": ("budget",),
}
# Values that are amounts: kept in fen in records, given as Decimal in a Reason.
MONEY = frozenset(
    {
        "value",
        "threshold",
        "amount",
        "cost",
        "cap",
        "used",
        "level_amount",
        "paid",
        "computed",
        "total",
        "budget",
    }
)

Record = tuple[Any, ...]  # (code, article, *values)
# A claim's reasons: its records one after the other in one flat list (one object per claim
# rather than one per reason): [code, article, *values, code, article, *values, …].
Why = list[Any]


def reason(record: Record) -> Reason:
    """The ``Reason`` of a compact record (amounts back to ``Decimal``)."""
    code, article, *values = record
    params = {
        name: from_cents(value) if name in MONEY else value
        for name, value in zip(PARAMS[code], values, strict=True)
    }
    return Reason(code, article, params)


def reasons(why: Why) -> list[Reason]:
    """The ``Reason`` objects of a flat list of records."""
    out, at = [], 0
    while at < len(why):
        end = at + 2 + len(PARAMS[why[at]])
        out.append(reason(tuple(why[at:end])))
        at = end
    return out


def reasons_json(why: Why, lang: str = "zh") -> list[dict[str, str]]:
    """The output form of a flat list of records, rendered straight from the records.

    The same text as ``Reason.as_json`` (a test checks it), without building the ``Reason``
    and ``Decimal`` objects: amounts are formatted from fen.
    """
    out, at, n, en = [], 0, len(why), lang == "en"
    while at < n:
        code, article = why[at], why[at + 1]
        names = PARAMS[code]
        end = at + 2 + len(names)
        params = {
            name: fmt_grouped_cents(value) if name in MONEY else _value(name, value, lang)
            for name, value in zip(names, why[at + 2 : end], strict=True)
        }
        text = MESSAGES[code][1 if en else 0].format(**params)
        message = f"{text} (article {article_en(article)})" if en else f"{text}（{_cite(article)}）"
        out.append({"code": code, "article": article, "message": message})
        at = end
    return out


def _value(key: str, value: Any, lang: str) -> str:
    if isinstance(value, Decimal):
        if key == "rate":
            return fmt_rate(value)
        return f"{value:f}" if key == "scale" else fmt_grouped(value)
    if key == "level":
        return LEVEL[lang].get(value, value)
    if key == "recognition":
        return RECOGNITION[lang].get(value, value)
    if key == "measure":  # the measure's title, not its id
        from .measures import catalogue

        measure = catalogue().get(str(value))
        if measure is not None:
            return measure.title_en if lang == "en" else f"“{measure.title_zh}”"
    if key in {"expected", "actual"}:  # several kinds: "enterprise|park_operator"
        names = KIND[lang]
        return ("、" if lang != "en" else " or ").join(
            names.get(kind, kind) for kind in str(value).split("|")
        )
    return str(value)


def render(reason: Reason, lang: str = "zh") -> str:
    zh, en = MESSAGES[reason.code]
    template = en if lang == "en" else zh
    params = {k: _value(k, v, lang) for k, v in reason.params.items()}
    text = template.format(**params)
    article = reason.article
    if lang == "en":
        return f"{text} (article {article_en(article)})"
    return f"{text}（{_cite(article)}）"


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_PARTS_EN = {"序言": "preamble", "末段": "final paragraph"}


def _chinese_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十八 → 18, 二十一 → 21 (the article numbers of the policy)."""
    if not text or any(c not in _DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)


def article_en(article: str) -> str:
    """An article as English writes it: "(七)" → "(7)", "末段" → "final paragraph"."""
    if article in _PARTS_EN:
        return _PARTS_EN[article]
    inner = article[1:-1] if article[:1] in "(（" and article[-1:] in ")）" else ""
    number = _chinese_number(inner)
    return f"({number})" if number is not None else article


def _cite(article: str) -> str:
    """ "(七)" → "第（七）条"; cross-cutting paragraphs are cited by name ("末段")."""
    if article.startswith("(") and article.endswith(")"):
        return f"第（{article[1:-1]}）条"
    return f"实施意见{article}"
