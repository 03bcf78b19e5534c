"""Claim evaluation: rules 1–8 of the policy, each a named function citing its article.

``evaluate(scenario)`` returns an ``Evaluation``: per claim a status, the amount computed
after conditions and caps (rules 1–5), the amount granted (after 就高不重复 and the budget,
rules 6–8), and the reasons. No number of the policy appears here: ceilings come from the
catalogue, working values from the guide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from . import ENGINE_VERSION
from .batch import no_gc
from .explain import Reason
from .guide import BudgetMode, Guide
from .measures import Catalogue, Measure, Policy, catalogue
from .money import ZERO, Scaler, fmt, ratio, round_down
from .rules import (
    COST_SHARE,
    DISCRETIONARY,
    Ledger,
    rule_1_eligibility,
    rule_2_conditions,
    rule_3_cost_share,
    rule_4_annual_cap,
    rule_5_one_off,
    rule_5_top_up,
)
from .scenario import Beneficiary, Claim, Scenario


class Status(StrEnum):
    """A claim's outcome (the output contract)."""

    GRANTED = "granted"
    PARTIALLY_GRANTED = "partially_granted"  # reduced by the budget
    SUPERSEDED = "superseded"  # 就高不重复
    INELIGIBLE = "ineligible"  # nothing due for any other reason
    UNFUNDED = "unfunded"  # budget exhausted (first come)


class ClaimResult:
    """The outcome for one claim (mutable while the run decides it)."""

    __slots__ = ("claim", "computed", "due", "granted", "reasons", "status", "superseded_by")

    def __init__(self, claim: Claim, computed: Decimal, reasons: list[Reason]) -> None:
        self.claim = claim
        self.status = INELIGIBLE
        self.computed = computed  # after conditions and caps (rules 1–5)
        self.due = ZERO  # after 就高不重复, before the budget (rule 6): the budget needed
        self.granted = ZERO  # what is paid (rule 8)
        self.reasons = reasons
        self.superseded_by: str | None = None

    def __repr__(self) -> str:
        return f"<ClaimResult {self.claim.id} {self.status} {self.computed} {self.granted}>"

    def as_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "id": self.claim.id,
            "measure": self.claim.measure,
            "status": self.status.value,
            "computed": fmt(self.computed),
            "granted": fmt(self.granted),
            "reasons": [r.as_json(lang) for r in self.reasons],
        }


# Enum members looked up once (class attribute access on an Enum is slow in hot loops).
GRANTED, PARTIALLY_GRANTED, SUPERSEDED, INELIGIBLE, UNFUNDED = (
    Status.GRANTED,
    Status.PARTIALLY_GRANTED,
    Status.SUPERSEDED,
    Status.INELIGIBLE,
    Status.UNFUNDED,
)


@dataclass(frozen=True, slots=True)
class Totals:
    computed: Decimal
    due: Decimal  # what the claims would get without the budget limit (the budget needed)
    granted: Decimal
    budget: Decimal
    scale: Decimal

    def as_json(self) -> dict[str, str]:
        scale = "1" if self.scale == 1 else f"{self.scale:f}"
        return {
            "computed": fmt(self.computed),
            "granted": fmt(self.granted),
            "budget": fmt(self.budget),
            "scale": scale,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    year: int
    guide: Guide
    results: list[ClaimResult]  # in the scenario's order
    totals: Totals
    beneficiaries: dict[str, Beneficiary]
    engine_version: str = ENGINE_VERSION

    def as_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "year": self.year,
            "guide": self.guide.title,
            "engine": self.engine_version,
            "guide_hash": self.guide.content_hash,
            "claims": [r.as_json(lang) for r in self.results],
            "totals": self.totals.as_json(),
        }


class _Run:
    """One evaluation: the scenario, the ledger and the results."""

    def __init__(self, scenario: Scenario, cat: Catalogue) -> None:
        self.scenario = scenario
        self.cat = cat
        self.policy = cat.policy
        self.unit = cat.policy.rounding_unit
        self.guide = scenario.guide
        self.ledger = Ledger(scenario.history, cat)
        self.remaining = scenario.guide.budget_total  # first come: what is left of the budget
        self.first_come = scenario.guide.budget_mode is BudgetMode.FIRST_COME
        self.measures = cat.measures
        self.beneficiaries = scenario.beneficiaries

    def due(self, claim: Claim) -> tuple[Decimal, list[Reason]]:
        """Rules 1–5: the amount computed for one claim, given what is paid so far."""
        measure = self.measures[claim.measure]
        ben = self.beneficiaries[claim.beneficiary]
        year = self.scenario.year
        reason = rule_1_eligibility(claim, measure, ben, self.guide, year, self.policy)
        if reason is None:
            reason = rule_5_one_off(claim, measure, self.ledger)
        if reason is not None:
            return ZERO, [reason]
        terms = self.guide.measures[measure.id]
        reasons: list[Reason] = []
        base = rule_2_conditions(
            claim, measure, ben, terms, year, self.policy.recognition_levels, reasons
        )
        if base is None:
            return ZERO, reasons
        unit = self.unit
        if measure.kind is COST_SHARE:
            amount = rule_3_cost_share(base, measure, terms, unit, reasons)
        else:
            amount = round_down(base, unit)
            if measure.kind is DISCRETIONARY and terms.cap is not None and amount > terms.cap:
                amount = round_down(terms.cap, unit)
                reasons.append(
                    Reason("cap_applied", measure.article, {"cap": terms.cap, "amount": amount})
                )
            elif amount != base:
                reasons.append(Reason("rounded_down", measure.article, {"amount": amount}))
        amount = rule_5_top_up(amount, claim, measure, self.ledger, unit, reasons)
        amount = rule_4_annual_cap(amount, claim, measure, terms, self.ledger, unit, reasons)
        return amount, reasons

    # --- rules 6–8 ---

    def decide(self, group: list[Claim], results: dict[str, ClaimResult]) -> None:
        """Rules 1–6 for one group (one beneficiary, one matter), then rule 8 (first come)."""
        members = []
        for claim in group:
            amount, reasons = self.due(claim)
            res = results[claim.id] = ClaimResult(claim, amount, reasons)
            members.append(res)
        winner = members[0] if len(members) == 1 else rule_6_highest(members)
        if winner is None or winner.computed <= ZERO:
            return  # all ineligible
        if len(members) > 1:
            for res in members:
                if res is not winner and res.computed > ZERO:
                    rule_6_supersede(res, winner, self.policy)
        measure = self.measures[winner.claim.measure]
        payable = rule_6_deduct_matter(winner, measure, self.ledger, self.unit, self.policy)
        if payable <= ZERO:
            return
        winner.due = winner.granted = payable
        winner.status = GRANTED
        if self.first_come:
            self.remaining = rule_8_first_come(
                winner, self.remaining, self.guide, self.unit, self.policy
            )
        if winner.granted > ZERO:
            claim = winner.claim
            self.ledger.add(
                claim.beneficiary, claim.measure, claim.date.year, winner.granted, claim.id
            )

    def run(self) -> Evaluation:
        claims = self.scenario.claims
        results: dict[str, ClaimResult] = {}
        # Rule 7: a group is decided when its earliest claim comes up. Groups are keyed in
        # processing order, so iterating the dict decides them in that order.
        groups: dict[tuple[str, str], list[Claim]] = {}
        for claim in rule_7_processing_order(claims):
            key = (claim.beneficiary, claim.matter or "\x00" + claim.id)  # rule 6: group_key
            group = groups.get(key)
            if group is None:
                groups[key] = [claim]
            else:
                group.append(claim)
        decide = self.decide
        for group in groups.values():
            decide(group, results)
        out = [results[c.id] for c in claims]
        scale = Decimal(1)
        if not self.first_come:
            scale = rule_8_pro_rata(out, self.guide, self.unit, self.policy)
        totals = Totals(
            computed=sum([r.computed for r in out], ZERO),
            due=sum([r.due for r in out], ZERO),
            granted=sum([r.granted for r in out], ZERO),
            budget=self.guide.budget_total,
            scale=scale,
        )
        return Evaluation(self.scenario.year, self.guide, out, totals, self.scenario.beneficiaries)


def group_key(claim: Claim) -> tuple[str, str]:
    """Rule 6: one beneficiary's claims for one matter form a group; no matter, no group."""
    if claim.matter is None:
        return (claim.beneficiary, "\x00" + claim.id)
    return (claim.beneficiary, claim.matter)


def rule_6_highest(members: list[ClaimResult]) -> ClaimResult | None:
    """Rule 6 (末段, 就高不重复): the claim with the highest amount due wins.

    Ties go to the earlier ``submitted_at``, then the smaller id: ``members`` is already in
    that order (rule 7), so the first of the highest wins.
    """
    winner: ClaimResult | None = None
    for res in members:
        if res.computed > ZERO and (winner is None or res.computed > winner.computed):
            winner = res
    return winner


def rule_6_supersede(res: ClaimResult, winner: ClaimResult, policy: Policy) -> None:
    res.status = SUPERSEDED
    res.superseded_by = winner.claim.id
    res.reasons.append(
        Reason(
            "superseded",
            policy.duplication_article,
            {
                "matter": res.claim.matter,
                "winner": winner.claim.id,
                "winner_measure": winner.claim.measure,
            },
        )
    )


def rule_6_deduct_matter(
    winner: ClaimResult, measure: Measure, ledger: Ledger, unit: Decimal, policy: Policy
) -> Decimal:
    """Rule 6 (末段): money already paid for the same matter (any measure, any policy) is deducted.

    A top-up measure (rule 5) has already deducted its own payments; they are not counted twice.
    """
    claim = winner.claim
    if claim.matter is None:
        return winner.computed
    paid = ledger.by_matter.get((claim.beneficiary, claim.matter), ZERO)
    if measure.top_up:
        paid -= ledger.by_matter_measure.get((claim.beneficiary, claim.matter, measure.id), ZERO)
    if paid <= ZERO:
        return winner.computed
    left = round_down(winner.computed - paid, unit)
    art = policy.duplication_article
    if left <= ZERO:
        winner.status = SUPERSEDED
        winner.reasons.append(
            Reason(
                "matter_already_paid",
                art,
                {"matter": claim.matter, "paid": paid, "computed": winner.computed},
            )
        )
        return ZERO
    winner.reasons.append(
        Reason("matter_deducted", art, {"matter": claim.matter, "paid": paid, "amount": left})
    )
    return left


def rule_7_processing_order(claims: tuple[Claim, ...]) -> list[Claim]:
    """Rule 7: claims are processed in order of ``submitted_at``, then id."""
    return sorted(claims, key=_order)


def _order(claim: Claim) -> tuple[dt.datetime, str]:
    return (claim.submitted_at, claim.id)


def rule_8_first_come(
    res: ClaimResult, remaining: Decimal, guide: Guide, unit: Decimal, policy: Policy
) -> Decimal:
    """Rule 8 (末段, 总量控制), first come: pay in order until the budget runs out."""
    if res.due <= remaining:
        return remaining - res.due
    left = round_down(remaining, unit)
    art = policy.budget_article
    if left <= ZERO:
        res.status, res.granted = UNFUNDED, ZERO
        res.reasons.append(Reason("budget_exhausted", art, {"budget": guide.budget_total}))
        return remaining
    res.status, res.granted = PARTIALLY_GRANTED, left
    res.reasons.append(
        Reason("budget_crossing", art, {"budget": guide.budget_total, "amount": left})
    )
    return remaining - left


def rule_8_pro_rata(
    results: list[ClaimResult], guide: Guide, unit: Decimal, policy: Policy
) -> Decimal:
    """Rule 8 (末段, 总量控制), pro rata: scale every grant by budget/total, rounded down."""
    budget = guide.budget_total
    total = sum((r.due for r in results), ZERO)
    if total <= budget:
        return Decimal(1)
    scale = ratio(budget, total)
    art = policy.budget_article
    scaled = Scaler(budget, total, unit)
    for res in results:
        if res.due > ZERO:
            res.granted = scaled(res.due)
            if res.granted < res.due:
                res.status = PARTIALLY_GRANTED
                res.reasons.append(
                    Reason(
                        "budget_pro_rata",
                        art,
                        {
                            "total": total,
                            "budget": budget,
                            "scale": scale,
                            "amount": res.granted,
                        },
                    )
                )
    return scale


def evaluate(scenario: Scenario, *, cat: Catalogue | None = None) -> Evaluation:
    """Evaluate every claim of a validated scenario (rules 1–8)."""
    with no_gc():
        return _Run(scenario, cat or catalogue()).run()
