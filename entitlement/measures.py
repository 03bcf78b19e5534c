"""The policy catalogue: every measure of the seed with its article, kind and ceilings.

The numbers live in ``data/catalogue.yaml`` (each measure quotes the sentence it implements);
this module only gives them types. Measure ids are fixed: guides, scenarios and tests use them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .money import parse_decimal

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.yaml"


class Kind(StrEnum):
    AWARD = "award"  # a fixed amount
    AWARD_TIERS = "award_tiers"  # the highest tier reached
    AWARD_LEVEL = "award_level"  # an amount per recognition level
    COST_SHARE = "cost_share"  # cost × rate, capped
    DISCRETIONARY = "discretionary"  # the guide or a reviewer sets the amount


class BeneficiaryKind(StrEnum):
    ENTERPRISE = "enterprise"
    PARK_OPERATOR = "park_operator"
    WAREHOUSE_OPERATOR = "warehouse_operator"
    ASSOCIATION = "association"  # 行业协会、社会团体 (the 单位 of (十二))


class KeyType(StrEnum):
    AMOUNT = "amount"
    RATE = "rate"
    TIERS = "tiers"
    LEVELS = "levels"


KIND_ZH = {
    Kind.AWARD: "定额奖励",
    Kind.AWARD_TIERS: "分档奖励",
    Kind.AWARD_LEVEL: "按级别奖励",
    Kind.COST_SHARE: "费用比例支持",
    Kind.DISCRETIONARY: "专项支持（金额另定）",
}
BENEFICIARY_ZH = {
    BeneficiaryKind.ENTERPRISE: "企业",
    BeneficiaryKind.PARK_OPERATOR: "园区运营主体",
    BeneficiaryKind.WAREHOUSE_OPERATOR: "海外仓运营主体",
    BeneficiaryKind.ASSOCIATION: "行业协会、社会团体",
}


def kinds_zh(kinds: tuple[BeneficiaryKind, ...]) -> str:
    """The beneficiary kinds of a measure in Chinese, e.g. ``企业、园区运营主体``."""
    return "、".join(BENEFICIARY_ZH[k] for k in kinds)


@dataclass(frozen=True, slots=True)
class GuideKey:
    """A key an annual guide may set for a measure, with the policy's ceiling if any."""

    name: str
    type: KeyType
    required: bool
    ceiling: Decimal | None
    threshold: str | None = None  # for tiers: the name of the threshold field


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    article: str
    title_zh: str
    title_en: str
    kind: Kind
    beneficiary: BeneficiaryKind  # the first of ``kinds`` (the usual one)
    one_off: bool
    basis: str
    keys: dict[str, GuideKey]
    recognition: str | None = None  # the recognition type the award needs
    top_up: bool = False  # pays the amount minus what this measure already paid
    # every beneficiary kind the seed lets claim the measure (only (八) and (十) restrict)
    kinds: tuple[BeneficiaryKind, ...] = ()
    brand_enterprise: bool = False  # (七) only 跨境电商品牌企业 (brand or brand_pool)
    first_listing: bool = False  # (八) only a first provincial-or-higher listing

    def accepts(self, kind: str) -> bool:
        """Whether a beneficiary of ``kind`` may claim the measure."""
        return kind in self.kinds

    @property
    def discretionary(self) -> bool:
        return self.kind is Kind.DISCRETIONARY

    def ceilings(self) -> dict[str, Decimal]:
        return {k.name: k.ceiling for k in self.keys.values() if k.ceiling is not None}


@dataclass(frozen=True, slots=True)
class Policy:
    title_zh: str
    title_en: str
    window_start: dt.date
    window_end: dt.date
    window_article: str
    duplication_article: str
    budget_article: str
    rounding_unit: Decimal
    recognition_levels: tuple[str, ...]  # lowest first


@dataclass(frozen=True, slots=True)
class Catalogue:
    policy: Policy
    measures: dict[str, Measure]

    def get(self, measure_id: str) -> Measure | None:
        return self.measures.get(measure_id)

    def __contains__(self, measure_id: object) -> bool:
        return measure_id in self.measures


def _key(name: str, raw: dict[str, Any]) -> GuideKey:
    ceiling = raw.get("ceiling")
    return GuideKey(
        name=name,
        type=KeyType(raw["type"]),
        required=bool(raw.get("required", False)),
        ceiling=parse_decimal(str(ceiling)) if ceiling is not None else None,
        threshold=raw.get("threshold"),
    )


def _measure(measure_id: str, raw: dict[str, Any]) -> Measure:
    given = raw["beneficiary"]
    kinds = tuple(BeneficiaryKind(k) for k in ([given] if isinstance(given, str) else given))
    return Measure(
        id=measure_id,
        article=str(raw["article"]),
        title_zh=str(raw["title_zh"]),
        title_en=str(raw["title_en"]),
        kind=Kind(raw["kind"]),
        beneficiary=kinds[0],
        kinds=kinds,
        one_off=bool(raw["one_off"]),
        basis=str(raw["basis"]),
        keys={name: _key(name, spec) for name, spec in raw["keys"].items()},
        recognition=raw.get("recognition"),
        top_up=bool(raw.get("top_up", False)),
        brand_enterprise=bool(raw.get("brand_enterprise", False)),
        first_listing=bool(raw.get("first_listing", False)),
    )


def parse_catalogue(raw: dict[str, Any]) -> Catalogue:
    p = raw["policy"]
    policy = Policy(
        title_zh=p["title_zh"],
        title_en=p["title_en"],
        window_start=dt.date.fromisoformat(p["window"]["start"]),
        window_end=dt.date.fromisoformat(p["window"]["end"]),
        window_article=str(p["window"]["article"]),
        duplication_article=str(p["duplication_article"]),
        budget_article=str(p["budget_article"]),
        rounding_unit=parse_decimal(str(p["rounding_unit"])),
        recognition_levels=tuple(p["recognition_levels"]),
    )
    measures = {mid: _measure(mid, spec) for mid, spec in raw["measures"].items()}
    return Catalogue(policy=policy, measures=measures)


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue (read once)."""
    with CATALOGUE_FILE.open(encoding="utf-8") as fh:
        return parse_catalogue(yaml.safe_load(fh))


def catalogue_as_json() -> list[dict[str, Any]]:
    """The catalogue for ``ddt policy measures --format json``."""
    return [
        {
            "id": m.id,
            "article": m.article,
            "title_zh": m.title_zh,
            "title_en": m.title_en,
            "kind": m.kind.value,
            "beneficiary": m.beneficiary.value,
            "beneficiaries": [k.value for k in m.kinds],
            "one_off": m.one_off,
            "ceilings": {k: f"{v:f}" for k, v in m.ceilings().items()},
            "guide_keys": {
                k.name: {"type": k.type.value, "required": k.required} for k in m.keys.values()
            },
            "basis": m.basis,
        }
        for m in catalogue().measures.values()
    ]
