"""Rules 1–5: what one claim is due, each rule a named function citing its article.

The ledger indexes money already paid (history and this run) the ways the rules ask for it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .explain import Reason
from .guide import Guide, Terms
from .measures import Catalogue, Kind, Measure, Policy
from .money import ZERO, round_down
from .scenario import Beneficiary, Claim, Payment

COST_SHARE, DISCRETIONARY, AWARD_TIERS, AWARD_LEVEL = (
    Kind.COST_SHARE,
    Kind.DISCRETIONARY,
    Kind.AWARD_TIERS,
    Kind.AWARD_LEVEL,
)


# --- the ledger: what has been paid, from history and from this evaluation ---------------


class Ledger:
    """Money paid so far, indexed the ways rules 4–6 ask for it."""

    def __init__(self, history: tuple[Payment, ...], cat: Catalogue) -> None:
        self.by_measure: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.by_measure_year: defaultdict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
        self.one_off: dict[tuple[str, str], int | str] = {}  # → the year or claim that paid it
        self.by_matter: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.by_matter_measure: defaultdict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
        for p in history:
            if p.measure in cat.measures:
                self.add(p.beneficiary, p.measure, p.year, p.amount, p.year)
            if p.matter is not None:
                self.by_matter[p.beneficiary, p.matter] += p.amount
                self.by_matter_measure[p.beneficiary, p.matter, p.measure] += p.amount

    def add(self, ben: str, measure: str, year: int, amount: Decimal, when: int | str) -> None:
        """Record a payment; ``when`` is the history year or the claim id that got it."""
        if amount <= ZERO:
            return
        self.by_measure[ben, measure] += amount
        self.by_measure_year[ben, measure, year] += amount
        self.one_off.setdefault((ben, measure), when)


# --- rules 1–5: what one claim is due ------------------------------------------------------


def rule_1_eligibility(
    claim: Claim, measure: Measure, ben: Beneficiary, guide: Guide, year: int, policy: Policy
) -> Reason | None:
    """Rule 1 (末段 and each measure's article): window, year, guide, disqualification, kind."""
    if not policy.window_start <= claim.date <= policy.window_end:
        return Reason(
            "outside_policy_window",
            policy.window_article,
            {"date": claim.date, "start": policy.window_start, "end": policy.window_end},
        )
    if claim.date.year != year:
        return Reason("wrong_year", policy.budget_article, {"date": claim.date, "year": year})
    if measure.id not in guide.measures:
        return Reason(
            "measure_not_open", policy.budget_article, {"measure": measure.id, "year": guide.year}
        )
    if ben.disqualified:
        return Reason("disqualified", measure.article, {"beneficiary": ben.id})
    if ben.kind != measure.beneficiary:
        return Reason(
            "wrong_beneficiary_kind",
            measure.article,
            {"expected": measure.beneficiary.value, "actual": ben.kind},
        )
    return None


def rule_2_conditions(
    claim: Claim,
    measure: Measure,
    ben: Beneficiary,
    terms: Terms,
    year: int,
    levels: tuple[str, ...],
    reasons: list[Reason],
) -> Decimal | None:
    """Rule 2 (articles 一–十一): the measure's conditions; the base amount, or None if unmet.

    The base is the award (fixed, tier or level amount), the cost of a cost share, or the
    amount set for a discretionary measure. Thresholds are inclusive.
    """
    art = measure.article
    mid = measure.id
    if mid == "a1.first_time":
        if ben.first_cbec_year != year:
            reasons.append(
                Reason(
                    "not_first_cbec_year", art, {"first": ben.first_cbec_year or "-", "year": year}
                )
            )
            return None
        if not _trade_reaches(ben, terms, year, art, reasons):
            return None
    elif mid == "a6.livestream":
        if not _trade_reaches(ben, terms, year, art, reasons):
            return None
    elif mid == "a5.exhibition":
        if not claim.in_plan:
            reasons.append(Reason("not_in_plan", art, {}))
            return None
    elif measure.kind is AWARD_TIERS:
        value = ben.independent_site_export.get(year, ZERO)
        reached = [t for t in terms.tiers if t[0] <= value]
        if not reached:
            reasons.append(
                Reason(
                    "tier_not_reached",
                    art,
                    {"year": year, "value": value, "threshold": terms.tiers[0][0]},
                )
            )
            return None
        low, amount = reached[-1]
        reasons.append(
            Reason(
                "tier_applied",
                art,
                {"year": year, "value": value, "threshold": low, "amount": amount},
            )
        )
        return amount
    elif measure.kind is AWARD_LEVEL:
        found = {
            r.level for r in ben.recognitions if r.type == measure.recognition and r.year == year
        }
        level = next((lv for lv in reversed(levels) if lv in found), None)
        if level is None:
            reasons.append(
                Reason("no_recognition", art, {"year": year, "recognition": measure.recognition})
            )
            return None
        amount = terms.amounts[level]
        reasons.append(
            Reason(
                "level_applied",
                art,
                {
                    "year": year,
                    "level": level,
                    "recognition": measure.recognition,
                    "amount": amount,
                },
            )
        )
        return amount
    if measure.recognition is not None:  # a2, a3, a10: a recognition of the type in the year
        years = [r.year for r in ben.recognitions if r.type == measure.recognition]
        if year not in years:
            reasons.append(
                Reason("no_recognition", art, {"year": year, "recognition": measure.recognition})
            )
            return None
        if measure.one_off and mid == "a3.benchmark" and min(years) < year:
            reasons.append(Reason("not_first_benchmark", art, {"first": min(years)}))
            return None
    if measure.kind is COST_SHARE:
        return claim.cost
    if measure.kind is DISCRETIONARY:
        given: Decimal | None = claim.amount if claim.amount is not None else terms.amount
        if given is None:
            reasons.append(Reason("amount_not_set", art, {}))
        else:
            reasons.append(Reason("amount_set", art, {"amount": given}))
        return given
    assert terms.amount is not None  # the guide schema requires it for awards
    reasons.append(Reason("award_applied", art, {"amount": terms.amount}))
    return terms.amount


def _trade_reaches(
    ben: Beneficiary, terms: Terms, year: int, art: str, reasons: list[Reason]
) -> bool:
    threshold = terms.min_cbec_trade or ZERO
    value = ben.cbec_trade.get(year, ZERO)
    params = {"year": year, "value": value, "threshold": threshold}
    if value < threshold:
        reasons.append(Reason("threshold_not_met", art, params))
        return False
    reasons.append(Reason("threshold_met", art, params))
    return True


def rule_3_cost_share(
    cost: Decimal, measure: Measure, terms: Terms, unit: Decimal, reasons: list[Reason]
) -> Decimal:
    """Rule 3 (each cost share's article): cost × rate, the per-claim cap, rounded down (舍尾)."""
    assert terms.rate is not None
    exact = cost * terms.rate
    amount = round_down(exact, unit)
    reasons.append(
        Reason(
            "rate_applied", measure.article, {"cost": cost, "rate": terms.rate, "amount": amount}
        )
    )
    if terms.cap is not None and amount > terms.cap:
        amount = round_down(terms.cap, unit)
        reasons.append(Reason("cap_applied", measure.article, {"cap": terms.cap, "amount": amount}))
    return amount


def rule_4_annual_cap(
    amount: Decimal,
    claim: Claim,
    measure: Measure,
    terms: Terms,
    ledger: Ledger,
    unit: Decimal,
    reasons: list[Reason],
) -> Decimal:
    """Rule 4 (七, 十一 …): per beneficiary, measure and year, counting history and this run."""
    cap = terms.annual_cap
    if cap is None:
        return amount
    year = claim.date.year
    used = ledger.by_measure_year.get((claim.beneficiary, measure.id, year), ZERO)
    left = round_down(cap - used, unit)
    if left <= ZERO:
        reasons.append(
            Reason("annual_cap_reached", measure.article, {"year": year, "cap": cap, "used": used})
        )
        return ZERO
    if amount > left:
        reasons.append(
            Reason(
                "annual_cap_applied",
                measure.article,
                {"year": year, "cap": cap, "used": used, "amount": left},
            )
        )
        return left
    return amount


def rule_5_one_off(claim: Claim, measure: Measure, ledger: Ledger) -> Reason | None:
    """Rule 5 (一, 二, 三, 六, 八, 十): a one-off measure pays at most once per beneficiary."""
    if not measure.one_off:
        return None
    when = ledger.one_off.get((claim.beneficiary, measure.id))
    if when is None:
        return None
    if isinstance(when, int):
        return Reason("one_off_paid", measure.article, {"year": when})
    return Reason("one_off_paid_here", measure.article, {"claim": when})


def rule_5_top_up(
    amount: Decimal,
    claim: Claim,
    measure: Measure,
    ledger: Ledger,
    unit: Decimal,
    reasons: list[Reason],
) -> Decimal:
    """Rule 5 (七): a brand recognised at a higher level is topped up by the difference."""
    if not measure.top_up:
        return amount
    paid = ledger.by_measure.get((claim.beneficiary, measure.id), ZERO)
    if paid <= ZERO:
        return amount
    left = round_down(amount - paid, unit)
    code = "topped_up" if left > ZERO else "top_up_nothing_left"
    reasons.append(
        Reason(code, measure.article, {"level_amount": amount, "paid": paid, "amount": left})
    )
    return left
