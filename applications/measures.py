"""Which measures an enterprise may apply for in a round, and which fields each one needs.

Reads the catalogue (entitlement.measures) and the round's guide (guides/<year>.yaml); no legal
number is written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy

from entitlement.explain import article_en
from entitlement.guide import Guide, shipped_guide
from entitlement.measures import BeneficiaryKind, Kind, Measure, catalogue

# The catalogue's kinds and beneficiaries as the pages name them (entitlement keeps Chinese only).
KIND_LABELS = {
    Kind.AWARD: gettext_lazy("定额奖励"),
    Kind.AWARD_TIERS: gettext_lazy("分档奖励"),
    Kind.AWARD_LEVEL: gettext_lazy("按级别奖励"),
    Kind.COST_SHARE: gettext_lazy("费用比例支持"),
    Kind.DISCRETIONARY: gettext_lazy("专项支持（金额另定）"),
}
BENEFICIARY_LABELS = {
    BeneficiaryKind.ENTERPRISE: gettext_lazy("企业"),
    BeneficiaryKind.PARK_OPERATOR: gettext_lazy("园区运营主体"),
    BeneficiaryKind.WAREHOUSE_OPERATOR: gettext_lazy("海外仓运营主体"),
    BeneficiaryKind.ASSOCIATION: gettext_lazy("行业协会、社会团体"),
}

# Enterprise.kind → the catalogue's beneficiary kind (a8.* park operators, a10.* warehouse
# operators, every other kind is an "enterprise").
BENEFICIARY_OF_KIND = {
    "park_operator": BeneficiaryKind.PARK_OPERATOR,
    "warehouse_operator": BeneficiaryKind.WAREHOUSE_OPERATOR,
    "association": BeneficiaryKind.ASSOCIATION,
}

IN_PLAN_MEASURES = frozenset({"a5.exhibition"})  # (五) needs the fair to be in the plan
# (四) the belt subsidy goes to the operating body of a belt of the county, or the platform
# cooperation the county names: the application names the belt, the county officer confirms.
BELT_MEASURES = frozenset({"a4.industry_belt"})


def beneficiary_kind(enterprise_kind: str) -> BeneficiaryKind:
    return BENEFICIARY_OF_KIND.get(enterprise_kind, BeneficiaryKind.ENTERPRISE)


@lru_cache(maxsize=16)
def _guide(year: str, guide_hash: str) -> Guide:
    # guide_hash is part of the key so an edited guide file is read again
    return shipped_guide(int(year))


def round_guide(rnd: object) -> Guide:
    return _guide(str(rnd.guide_year), str(rnd.guide_hash))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MeasureFields:
    """The application fields a measure needs."""

    cost: bool  # cost shares: the cost claimed (and its documents)
    matter_required: bool  # invoice or contract number
    in_plan: bool  # a5.exhibition: the fair is in the plan
    dated: bool = False  # cost shares: the day the cost arose (within the guide's period)
    belt: bool = False  # (四): the industry belt (of the enterprise's county) the subsidy is for


def fields_for(measure: Measure) -> MeasureFields:
    cost_share = measure.kind is Kind.COST_SHARE
    return MeasureFields(
        cost=cost_share,
        matter_required=cost_share,
        in_plan=measure.id in IN_PLAN_MEASURES,
        dated=cost_share,
        belt=measure.id in BELT_MEASURES,
    )


def measures_open_for(*, rnd: object, enterprise_kind: str) -> list[Measure]:
    """Measures open in the round's guide that fit the enterprise's kind, in catalogue order."""
    guide = round_guide(rnd)
    kind = beneficiary_kind(enterprise_kind)
    return [
        m for mid, m in catalogue().measures.items() if mid in guide.measures and m.accepts(kind)
    ]


def _english() -> bool:
    return (get_language() or "").startswith("en")


def article_label(article: str) -> str:
    """The article as the page's language writes it: "(五)" in Chinese, "(5)" in English."""
    return article_en(article) if _english() else article


def measure_name(measure: Measure) -> str:
    """The measure's title in the page's language."""
    return measure.title_en if _english() else measure.title_zh


def measure_title(measure_id: str) -> str:
    """ "(五) 参加境内外展会…" / "(5) Exhibitions …": article and title, never the internal id."""
    m = catalogue().get(measure_id)
    return f"{article_label(m.article)} {measure_name(m)}" if m else measure_id
