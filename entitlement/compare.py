"""What-if: totals by measure and by county under the scenario's guide and another guide."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import ENGINE_VERSION
from .engine import Evaluation, evaluate
from .guide import Guide
from .measures import catalogue
from .money import ZERO, fmt
from .scenario import Scenario

UNKNOWN_COUNTY = ""


@dataclass(frozen=True, slots=True)
class Amounts:
    computed: Decimal = ZERO
    due: Decimal = ZERO  # the budget this needs
    granted: Decimal = ZERO
    claims: int = 0

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(
            self.computed + other.computed,
            self.due + other.due,
            self.granted + other.granted,
            self.claims + other.claims,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "computed": fmt(self.computed),
            "due": fmt(self.due),
            "granted": fmt(self.granted),
        }


def summarise(ev: Evaluation) -> tuple[dict[str, Amounts], dict[str, Amounts]]:
    """Totals by measure and by county (beneficiary's county; "" when unknown)."""
    by_measure: defaultdict[str, Amounts] = defaultdict(Amounts)
    by_county: defaultdict[str, Amounts] = defaultdict(Amounts)
    for r in ev.results:
        amounts = Amounts(r.computed, r.due, r.granted, 1)
        by_measure[r.claim.measure] += amounts
        ben = ev.beneficiaries[r.claim.beneficiary]
        by_county[ben.county or UNKNOWN_COUNTY] += amounts
    return dict(by_measure), dict(by_county)


@dataclass(frozen=True, slots=True)
class Comparison:
    base: Evaluation
    other: Evaluation
    by_measure: list[tuple[str, Amounts, Amounts]]
    by_county: list[tuple[str, Amounts, Amounts]]

    def as_json(self) -> dict[str, Any]:
        def side(ev: Evaluation) -> dict[str, Any]:
            return {
                "guide": ev.guide.title,
                "guide_year": ev.guide.year,
                "guide_hash": ev.guide.content_hash,
                "budget_mode": ev.guide.budget_mode.value,
                "totals": {**ev.totals.as_json(), "due": fmt(ev.totals.due)},
            }

        def rows(items: list[tuple[str, Amounts, Amounts]], key: str) -> list[dict[str, Any]]:
            return [
                {
                    key: name,
                    "base": a.as_json(),
                    "other": b.as_json(),
                    "difference": {
                        "due": fmt(b.due - a.due),
                        "granted": fmt(b.granted - a.granted),
                    },
                }
                for name, a, b in items
            ]

        return {
            "year": self.base.year,
            "engine": ENGINE_VERSION,
            "base": side(self.base),
            "other": side(self.other),
            "by_measure": rows(self.by_measure, "measure"),
            "by_county": rows(self.by_county, "county"),
        }


def compare(scenario: Scenario, other_guide: Guide) -> Comparison:
    """Evaluate ``scenario`` under its own guide and under ``other_guide``."""
    base = evaluate(scenario)
    other = evaluate(
        Scenario(
            scenario.year,
            other_guide,
            scenario.beneficiaries,
            scenario.history,
            scenario.claims,
            scenario.rows,
        )
    )
    bm_a, bc_a = summarise(base)
    bm_b, bc_b = summarise(other)
    order = list(catalogue().measures)
    measures = sorted(set(bm_a) | set(bm_b), key=order.index)
    counties = sorted(set(bc_a) | set(bc_b))
    empty = Amounts()
    return Comparison(
        base,
        other,
        [(m, bm_a.get(m, empty), bm_b.get(m, empty)) for m in measures],
        [(c, bc_a.get(c, empty), bc_b.get(c, empty)) for c in counties],
    )
