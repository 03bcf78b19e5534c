"""Rules 1–5: what one claim is due, each rule a named step citing its article.

``compile_rules`` builds, once per evaluation, one function per measure of the catalogue from
the measure's kind and the guide's terms: the conditions it checks (rule 2), how the amount is
shaped (rule 3), whether it is a one-off or a top-up (rule 5) and its annual cap (rule 4) are
chosen once, not looked up again for every claim. A rule function takes a claim and its
beneficiary (it reads the ledger it was compiled with), returns the amount due in fen and
appends the reasons, compact records (``explain.Record``), to the run's one flat list of
records (``Context.records``); the ``Reason`` objects and messages are only built for output.

``compile_rule`` composes the named rule functions (``rule_1_date`` … ``rule_5_top_up``): it is
the reference. Cost shares, most claims of a year, get ``compile_cost_share`` instead: the same
rules written out in one function (no call per rule); a test checks both give the same
amounts and records on random scenarios (``evaluate(..., fast=False)`` runs the reference).

The ledger indexes money already paid (history and this run) the ways the rules ask for it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .explain import Record, Why
from .guide import Guide, Terms
from .matter import matter_keys
from .measures import Catalogue, Kind, Measure, Policy
from .money import RATE_SCALE, floor_cents, rate_units, share_cents, to_cents
from .records import Beneficiary, Claim, Payment, Row

COST_SHARE, DISCRETIONARY, AWARD, AWARD_TIERS, AWARD_LEVEL = (
    Kind.COST_SHARE,
    Kind.DISCRETIONARY,
    Kind.AWARD,
    Kind.AWARD_TIERS,
    Kind.AWARD_LEVEL,
)

# a claim's row (its fields as a plain tuple) and beneficiary → the amount in fen; the
# records go to Context.records
RuleFn = Callable[[Row, Beneficiary], int]
Check = Callable[[Claim, Beneficiary, Why], bool]
Base = Callable[[Claim, Beneficiary, Why], "int | None"]


# --- the ledger: what has been paid, from history and from this evaluation ---------------


# the fields of an account: [paid, {calendar year: paid in that year}, first payment]
PAID, PAID_IN_YEAR, FIRST_PAID = 0, 1, 2
Account = list[Any]


class Ledger:
    """Money paid so far in fen, indexed the ways rules 4–6 ask for it.

    ``accounts`` maps a measure to its book, beneficiary → account, ``[paid, paid_in_year,
    first_paid]``: all paid over the policy life, paid per calendar year (``{year: fen}``:
    "每年" caps count by the calendar year of a claim's date, a history entry by its
    ``year``; a guide's period may span two years), and the history year or claim id of the
    first payment. One look-up serves rules 4 and 5 (a rule function holds its measure's book).
    ``by_matter`` and ``by_matter_measure`` hold history only (rule 6), keyed by ``matter_key``.
    """

    __slots__ = ("accounts", "by_matter", "by_matter_measure", "year")

    def __init__(
        self,
        history: tuple[Payment, ...],
        cat: Catalogue,
        year: int,
        fen: list[int] | None = None,
    ) -> None:
        """``fen``: the history's amounts in fen, if the reader kept them (else computed)."""
        self.year = year
        self.accounts: dict[str, dict[str, Account]] = {mid: {} for mid in cat.measures}
        self.by_matter: dict[tuple[str, str], int] = {}
        self.by_matter_measure: dict[tuple[str, str, str], int] = {}
        by_matter, by_matter_measure = self.by_matter, self.by_matter_measure
        if fen is None:
            fen = [to_cents(payment.amount) for payment in history]
        # rule 6 matches matters by their identity (matter_key), not the label as typed
        keys = matter_keys(payment[4] for payment in history if payment[4] is not None)
        for (beneficiary, measure, paid_in, _, matter), cents in zip(history, fen, strict=True):
            if measure in self.accounts:
                self.add(beneficiary, measure, paid_in, cents, paid_in)
            if matter is not None and keys[matter]:
                key = (beneficiary, keys[matter])
                by_matter[key] = by_matter.get(key, 0) + cents
                mkey = (beneficiary, keys[matter], measure)
                by_matter_measure[mkey] = by_matter_measure.get(mkey, 0) + cents

    def add(self, beneficiary: str, measure: str, year: int, amount: int, when: int | str) -> None:
        """Record a payment for (beneficiary, measure); ``when`` is a history year or claim id."""
        if amount <= 0:
            return
        book = self.accounts[measure]
        account = book.get(beneficiary)
        if account is None:
            book[beneficiary] = [amount, {year: amount}, when]
            return
        account[PAID] += amount
        by_year = account[PAID_IN_YEAR]
        by_year[year] = by_year.get(year, 0) + amount


# --- rules 1–5 ----------------------------------------------------------------------------


class Context:
    """What every rule of one evaluation shares: year, guide, policy, unit, the records of
    the reasons (one flat list for the run: a claim's records follow one another) and small
    caches."""

    __slots__ = (
        "brands",
        "dates",
        "end",
        "export",
        "guide",
        "levels",
        "period",
        "policy",
        "records",
        "start",
        "trade",
        "unit",
        "year",
    )

    def __init__(self, year: int, guide: Guide, policy: Policy, unit: int) -> None:
        self.year = year
        self.guide = guide
        self.policy = policy
        self.unit = unit  # the rounding unit in fen
        self.levels = policy.recognition_levels
        # the assessment period (考核期); ``period`` only when the guide states one (rule 1
        # then says outside_period, else wrong_year as before periods existed)
        self.start, self.end = guide.period_from, guide.period_to
        self.period = (self.start, self.end) if guide.period_given else None
        self.records: Why = []  # every claim's records (rules 1–5), in processing order
        self.dates: dict[dt.date, Record | None] = {}  # rule 1 by claim date
        self.trade: dict[int, dict[str, int]] = {}  # year → beneficiary → cbec_trade in fen
        self.export: dict[int, dict[str, int]] = {}  # year → beneficiary → site export in fen
        self.brands: dict[str, dt.date] = {}  # beneficiary → first day it is a brand enterprise


def rule_1_date(
    date: dt.date, year: int, policy: Policy, period: tuple[dt.date, dt.date] | None = None
) -> Record | None:
    """Rule 1 (末段): the claim date is in the policy window and in the guide's assessment
    period (考核期): ``period`` when the guide states one (``outside_period``), else the
    scenario's calendar year (``wrong_year``)."""
    if not policy.window_start <= date <= policy.window_end:
        art = policy.window_article
        return ("outside_policy_window", art, date, policy.window_start, policy.window_end)
    if period is not None:
        if not period[0] <= date <= period[1]:
            return ("outside_period", policy.budget_article, date, period[0], period[1])
        return None
    if date.year != year:
        return ("wrong_year", policy.budget_article, date, year)
    return None


def _fact(
    caches: dict[int, dict[str, int]], ben: Beneficiary, facts: dict[int, Decimal], year: int
) -> int:
    """A fact kept by year (trade, site export) of the claim's year, in fen (cached)."""
    cache = caches.get(year)
    if cache is None:
        cache = caches[year] = {}
    value = cache.get(ben.id)
    if value is None:
        amount = facts.get(year)
        value = cache[ben.id] = 0 if amount is None else to_cents(amount)
    return value


BRAND_TYPES = ("brand", "brand_pool")  # (七) 跨境电商品牌企业: a brand, or in the 培育库
_NEVER = dt.date.max


def brand_since(cache: dict[str, dt.date], ben: Beneficiary) -> dt.date:
    """The first day ``ben`` is a brand enterprise (a ``brand`` of any level or a
    ``brand_pool`` recognition; its date, else 1 January of its year); ``date.max``: never."""
    found = cache.get(ben.id)
    if found is None:
        found = _NEVER
        for r in ben.recognitions:
            if r.type in BRAND_TYPES:
                day = r.effective()
                if day < found:
                    found = day
        cache[ben.id] = found
    return found


def expected_kinds(measure: Measure) -> str:
    """The kinds a measure takes, as the ``expected`` value of ``wrong_beneficiary_kind``."""
    return "|".join(k.value for k in measure.kinds)


def paid_rule(measure: Measure, guide: Guide) -> tuple[bool, bool]:
    """(one-off, top-up) of a measure under the guide: a guide may switch the brand top-up
    off (``brand_top_up: false``), the award is then paid once."""
    if measure.top_up and not guide.brand_top_up:
        return True, False
    return measure.one_off, measure.top_up


def rule_2_condition_names(measure: Measure) -> tuple[str, ...]:
    """The conditions rule 2 checks for a measure, in order (its base amount aside)."""
    if measure.kind is AWARD_TIERS or measure.kind is AWARD_LEVEL:
        return ()  # the tier or level is the base amount
    names = CONDITIONS.get(measure.id, ())
    if measure.recognition is not None:  # a2, a3, a10: a recognition of the type in the year
        names += ("recognised",)
    return names


CONDITIONS = {  # measure → its conditions besides a recognition (rule 2)
    "a1.first_time": ("first_year", "trade"),
    "a6.livestream": ("trade",),
    "a5.exhibition": ("in_plan",),
    "a7.brand_promotion": ("brand_enterprise",),
}


def rule_2_conditions(measure: Measure, terms: Terms, ctx: Context) -> tuple[list[Check], Base]:
    """Rule 2 (articles 一–十一): the measure's conditions and its base amount, chosen once.

    The base is the award (fixed, tier or level amount), the cost of a cost share, or the
    amount set for a discretionary measure; ``None`` when a condition is unmet. Thresholds
    are inclusive.
    """
    art, mid, year, rec = measure.article, measure.id, ctx.year, measure.recognition
    start, end = ctx.start, ctx.end

    def first_year(claim: Claim, ben: Beneficiary, why: Why) -> bool:
        if ben.first_cbec_year != claim.date.year:
            why += ("not_first_cbec_year", art, ben.first_cbec_year or "-", claim.date.year)
            return False
        return True

    threshold = to_cents(terms.min_cbec_trade) if terms.min_cbec_trade else 0
    trade_cache = ctx.trade

    def trade(claim: Claim, ben: Beneficiary, why: Why) -> bool:
        y = claim.date.year
        value = _fact(trade_cache, ben, ben.cbec_trade, y)
        if value < threshold:
            why += ("threshold_not_met", art, y, value, threshold)
            return False
        why += ("threshold_met", art, y, value, threshold)
        return True

    brands = ctx.brands

    def brand_enterprise(claim: Claim, ben: Beneficiary, why: Why) -> bool:
        if brand_since(brands, ben) > claim.date:
            why += ("not_brand_enterprise", art, claim.date)
            return False
        return True

    def in_plan(claim: Claim, ben: Beneficiary, why: Why) -> bool:
        if not claim.in_plan:
            why += ("not_in_plan", art)
            return False
        return True

    tiers = [(to_cents(low), to_cents(amount)) for low, amount in terms.tiers]
    export_cache = ctx.export

    def tier(claim: Claim, ben: Beneficiary, why: Why) -> int | None:
        y = claim.date.year
        value = _fact(export_cache, ben, ben.independent_site_export, y)
        reached = [t for t in tiers if t[0] <= value]
        if not reached:
            why += ("tier_not_reached", art, y, value, tiers[0][0])
            return None
        low, amount = reached[-1]
        why += ("tier_applied", art, y, value, low, amount)
        return amount

    levels, amounts = ctx.levels, {lv: to_cents(a) for lv, a in terms.amounts.items()}
    first_listing = measure.first_listing

    def level(claim: Claim, ben: Beneficiary, why: Why) -> int | None:
        found = {r.level for r in ben.recognitions if r.type == rec and r.counts_in(start, end)}
        got = next((lv for lv in reversed(levels) if lv in found), None)
        if got is None:
            why += ("no_recognition", art, year, rec)
            return None
        if first_listing:  # (八) a first provincial-or-higher listing only
            earlier = [r.year for r in ben.recognitions if r.type == rec and r.before(start)]
            if earlier:
                why += ("not_first_listing", art, min(earlier))
                return None
        amount = amounts[got]
        why += ("level_applied", art, year, got, rec, amount)
        return amount

    first_only = measure.one_off and mid == "a3.benchmark"

    def recognised(claim: Claim, ben: Beneficiary, why: Why) -> bool:
        mine = [r for r in ben.recognitions if r.type == rec]
        if not any(r.counts_in(start, end) for r in mine):
            why += ("no_recognition", art, year, rec)
            return False
        earlier = [r.year for r in mine if r.before(start)]
        if first_only and earlier:
            why += ("not_first_benchmark", art, min(earlier))
            return False
        return True

    def cost(claim: Claim, ben: Beneficiary, why: Why) -> int | None:
        return claim.cost_cents

    preset = to_cents(terms.amount) if terms.amount is not None else None

    def discretionary(claim: Claim, ben: Beneficiary, why: Why) -> int | None:
        given = claim.amount_cents if claim.amount_cents is not None else preset
        if given is None:
            why += ("amount_not_set", art)
        else:
            why += ("amount_set", art, given)
        return given

    def award(claim: Claim, ben: Beneficiary, why: Why) -> int | None:
        assert preset is not None  # the guide schema requires it for awards
        why += ("award_applied", art, preset)
        return preset

    named: dict[str, Check] = {
        "first_year": first_year,
        "trade": trade,
        "in_plan": in_plan,
        "recognised": recognised,
        "brand_enterprise": brand_enterprise,
    }
    checks = [named[name] for name in rule_2_condition_names(measure)]
    if measure.kind is AWARD_TIERS:
        return checks, tier
    if measure.kind is AWARD_LEVEL:
        return checks, level
    if measure.kind is COST_SHARE:
        return checks, cost
    if measure.kind is DISCRETIONARY:
        return checks, discretionary
    return checks, award


def rule_3_amount(measure: Measure, terms: Terms, base_of: Base, unit: int) -> Base:
    """Rule 3 (五 六 七 十一): cost × rate and the per-claim cap; every amount rounded down (舍尾).

    Awards and discretionary amounts are rounded down too; a discretionary amount is capped.
    Returns the function giving a claim's amount after rules 2–3 (``None``: a condition is
    unmet).
    """
    art = measure.article
    cap = to_cents(terms.cap) if terms.cap is not None else None
    if measure.kind is COST_SHARE:
        assert terms.rate is not None
        rate, units = terms.rate, rate_units(terms.rate)

        def cost_share(claim: Claim, ben: Beneficiary, why: Why) -> int | None:
            cost = claim.cost_cents  # the base of a cost share (rule 2)
            amount = share_cents(cost, units, unit)  # type: ignore[arg-type]
            why += ("rate_applied", art, cost, rate, amount)
            if cap is not None and amount > cap:
                amount = floor_cents(cap, unit)
                why += ("cap_applied", art, cap, amount)
            return amount

        return cost_share
    capped = cap if measure.kind is DISCRETIONARY else None

    def whole(claim: Claim, ben: Beneficiary, why: Why) -> int | None:
        base = base_of(claim, ben, why)
        if base is None:
            return None
        amount = floor_cents(base, unit)
        if capped is not None and amount > capped:
            amount = floor_cents(capped, unit)
            why += ("cap_applied", art, capped, amount)
        elif amount != base:
            why += ("rounded_down", art, amount)
        return amount

    return whole


def rule_4_annual_cap(
    amount: int, account: Account | None, cap: int, art: str, year: int, unit: int, why: Why
) -> int:
    """Rule 4 (七, 十一 …): per beneficiary, measure and calendar year (of the claim's date),
    counting history and this run."""
    used = 0 if account is None else account[PAID_IN_YEAR].get(year, 0)
    left = floor_cents(cap - used, unit)
    if left <= 0:
        why += ("annual_cap_reached", art, year, cap, used)
        return 0
    if amount > left:
        why += ("annual_cap_applied", art, year, cap, used, left)
        return left
    return amount


def rule_5_one_off(account: Account | None, art: str) -> Record | None:
    """Rule 5 (一, 二, 三, 六, 八, 十): a one-off measure pays at most once per beneficiary."""
    if account is None:
        return None
    when = account[FIRST_PAID]
    if isinstance(when, int):
        return ("one_off_paid", art, when)
    return ("one_off_paid_here", art, when)


def rule_5_top_up(amount: int, account: Account | None, art: str, unit: int, why: Why) -> int:
    """Rule 5 (七): a brand recognised at a higher level is topped up by the difference."""
    paid = 0 if account is None else account[PAID]
    if paid <= 0:
        return amount
    left = floor_cents(amount - paid, unit)
    why += ("topped_up" if left > 0 else "top_up_nothing_left", art, amount, paid, left)
    return left


_UNSEEN = ("",)  # not yet in the date cache


def rule_1_cached(ctx: Context) -> Callable[[dt.date], Record | None]:
    """``rule_1_date`` of the evaluation's year, cached per date in ``ctx.dates``."""
    year, policy, dates, period = ctx.year, ctx.policy, ctx.dates, ctx.period

    def by_date(date: dt.date) -> Record | None:
        found = dates.get(date, _UNSEEN)
        if found is _UNSEEN:
            found = dates[date] = rule_1_date(date, year, policy, period)
        return found

    return by_date


def compile_rule(measure: Measure, terms: Terms | None, ctx: Context, ledger: Ledger) -> RuleFn:
    """Rules 1–5 for one measure: a function (claim's row, beneficiary) → fen, the reasons
    appended to ``ctx.records``. The named rule functions read the ``Claim`` record."""
    mid, art, _year, policy, dates, unit, records = (
        measure.id,
        measure.article,
        ctx.year,
        ctx.policy,
        ctx.dates,
        ctx.unit,
        ctx.records,
    )
    by_date = rule_1_cached(ctx)
    new_claim = tuple.__new__  # Claim(*row) without the NamedTuple __new__ wrapper

    if terms is None:  # rule 1: the measure is not open in this year's guide
        closed = ("measure_not_open", policy.budget_article, mid, ctx.guide.year)

        def not_open(row: Row, ben: Beneficiary) -> int:
            records.extend(by_date(row[5]) or closed)  # row[5]: the claim's date
            return 0

        return not_open

    kinds, expected = frozenset(k.value for k in measure.kinds), expected_kinds(measure)
    one_off, top_up = paid_rule(measure, ctx.guide)
    annual_cap = to_cents(terms.annual_cap) if terms.annual_cap is not None else None
    checks, base_of = rule_2_conditions(measure, terms, ctx)
    amount_of = rule_3_amount(measure, terms, base_of, unit)
    paid = one_off or top_up or annual_cap is not None  # rules 4–5 read the ledger
    book = ledger.accounts[mid]

    def due(row: Row, ben: Beneficiary) -> int:
        claim: Claim = new_claim(Claim, row)  # the record the named rules read
        first = dates.get(claim.date, _UNSEEN)
        if first is _UNSEEN:
            first = by_date(claim.date)
        if first is None:  # rule 1, then rule 5 (one-off)
            account = book.get(claim.beneficiary) if paid else None
            if ben.disqualified:
                first = ("disqualified", art, ben.id)
            elif ben.kind not in kinds:
                first = ("wrong_beneficiary_kind", art, expected, ben.kind)
            elif one_off:
                first = rule_5_one_off(account, art)
            if first is None:
                for check in checks:  # rule 2
                    if not check(claim, ben, records):
                        return 0
                amount = amount_of(claim, ben, records)  # rules 2–3
                if amount is None:
                    return 0
                if top_up:
                    amount = rule_5_top_up(amount, account, art, unit, records)
                if annual_cap is not None:
                    amount = rule_4_annual_cap(
                        amount, account, annual_cap, art, claim.date.year, unit, records
                    )
                return amount
        records.extend(first)
        return 0

    return due


FAST_CONDITIONS = ((), ("in_plan",), ("trade",), ("brand_enterprise",))  # compile_cost_share


def fast_cost_share(measure: Measure, terms: Terms | None) -> bool:
    """Whether ``compile_cost_share`` handles the measure (else ``compile_rule`` does)."""
    return (
        terms is not None
        and measure.kind is COST_SHARE
        and not measure.top_up
        and rule_2_condition_names(measure) in FAST_CONDITIONS
    )


def compile_cost_share(measure: Measure, terms: Terms, ctx: Context, ledger: Ledger) -> RuleFn:
    """Rules 1–5 for a cost share in one function: the hot path (most claims are cost shares).

    The decisions and records of ``compile_rule`` in the same order, written out: rule 1
    (date, disqualified, kind), rule 5 (one-off), rule 2 (in plan, or the trade threshold),
    rule 3 (``share_cents``, the per-claim cap), rule 4 (``rule_4_annual_cap``). A test checks
    both agree on random scenarios.
    """
    mid, art, unit, dates = measure.id, measure.article, ctx.unit, ctx.dates
    records, by_date = ctx.records, rule_1_cached(ctx)
    kinds, expected = frozenset(k.value for k in measure.kinds), expected_kinds(measure)
    one_off = measure.one_off
    conditions = rule_2_condition_names(measure)
    planned, traded = "in_plan" in conditions, "trade" in conditions
    branded, brands = "brand_enterprise" in conditions, ctx.brands
    threshold = to_cents(terms.min_cbec_trade) if terms.min_cbec_trade else 0
    trade_cache = ctx.trade
    assert terms.rate is not None  # the guide schema requires it for cost shares
    rate, units, per = terms.rate, rate_units(terms.rate), RATE_SCALE * unit
    # cost × units // per with the fraction reduced (7000/1,000,000 → 7/1,000): the same
    # quotient, and the product stays a one-digit int (CPython divides those fast)
    reduced = math.gcd(units, per)
    units, per = units // reduced, per // reduced
    cap = to_cents(terms.cap) if terms.cap is not None else None
    capped = 0 if cap is None else floor_cents(cap, unit)
    annual = to_cents(terms.annual_cap) if terms.annual_cap is not None else None
    book = ledger.accounts[mid] if one_off or annual is not None else {}

    def due(row: Row, ben: Beneficiary) -> int:  # the claim's row: fast tuple indexing
        first = dates.get(row[5], _UNSEEN)  # the claim's date
        if first is _UNSEEN:
            first = by_date(row[5])
        if first is not None:
            records.extend(first)
            return 0
        if ben.disqualified:
            records.extend(("disqualified", art, ben.id))
            return 0
        if ben.kind not in kinds:
            records.extend(("wrong_beneficiary_kind", art, expected, ben.kind))
            return 0
        account = book.get(row[1])  # the claim's beneficiary
        if one_off and account is not None:
            records.extend(rule_5_one_off(account, art) or ())
            return 0
        if planned and not row[7]:  # the claim's in_plan
            records.extend(("not_in_plan", art))
            return 0
        if branded and brand_since(brands, ben) > row[5]:  # a brand enterprise by the date
            records.extend(("not_brand_enterprise", art, row[5]))
            return 0
        cost: int = row[4]  # the claim's cost_cents, set for cost shares
        amount = cost * units // per * unit if cost > 0 else 0  # share_cents(cost, rate, unit)
        if traded:
            year = row[5].year  # facts kept by year: the claim's year
            value = _fact(trade_cache, ben, ben.cbec_trade, year)
            if value < threshold:
                records.extend(("threshold_not_met", art, year, value, threshold))
                return 0
            records.extend(("threshold_met", art, year, value, threshold))
        records.extend(("rate_applied", art, cost, rate, amount))
        if cap is not None and amount > cap:
            amount = capped
            records.extend(("cap_applied", art, cap, capped))
        if annual is not None:  # rule_4_annual_cap, by the calendar year of the claim's date
            year = row[5].year
            used = 0 if account is None else account[PAID_IN_YEAR].get(year, 0)
            if 0 < amount <= annual - used:  # whole units: floor(annual - used) >= amount
                return amount
            left = (annual - used) // unit * unit if annual > used else 0
            if left <= 0:
                records.extend(("annual_cap_reached", art, year, annual, used))
                return 0
            if amount > left:
                records.extend(("annual_cap_applied", art, year, annual, used, left))
                return left
        return amount

    return due


AWARDS = (AWARD, AWARD_TIERS, AWARD_LEVEL)
FAST_AWARD_CONDITIONS = ((), ("first_year", "trade"), ("recognised",))  # compile_award's
CHECKED_BY_AWARDS = ("first_year", "trade", "recognised")  # the conditions it writes out


def fast_award(measure: Measure, terms: Terms | None, levels: tuple[str, ...]) -> bool:
    """Whether ``compile_award`` handles the measure (else ``compile_rule`` does): an award
    open in the guide, with no annual cap, and the terms its kind needs (an amount, tiers, an
    amount for every level)."""
    if terms is None or measure.kind not in AWARDS or terms.annual_cap is not None:
        return False
    if rule_2_condition_names(measure) not in FAST_AWARD_CONDITIONS:
        return False
    if measure.kind is AWARD_TIERS:
        return bool(terms.tiers)
    if measure.kind is AWARD_LEVEL:
        return all(level in terms.amounts for level in levels)
    return terms.amount is not None


def compile_award(measure: Measure, terms: Terms, ctx: Context, ledger: Ledger) -> RuleFn:
    """Rules 1–5 for an award (fixed, tier or level amount) in one function.

    The decisions and records of ``compile_rule`` in the same order, written out: rule 1
    (date, disqualified, kind), rule 5 (one-off), rule 2 (first CBEC year and trade
    threshold, or a recognition in the year, first time for the benchmark list), the base
    amount (the award, the highest tier reached, the highest level recognised), rule 3
    (rounded down), rule 5 (top-up). What does not depend on the claim (an award's records,
    a level's) is built once. A test checks both agree on random scenarios.
    """
    mid, art, year, unit, dates = measure.id, measure.article, ctx.year, ctx.unit, ctx.dates
    records, by_date = ctx.records, rule_1_cached(ctx)
    kinds, expected = frozenset(k.value for k in measure.kinds), expected_kinds(measure)
    (one_off, top_up), rec = paid_rule(measure, ctx.guide), measure.recognition
    start, end, first_listing = ctx.start, ctx.end, measure.first_listing
    conditions = rule_2_condition_names(measure)
    first_year, traded, recognised = (name in conditions for name in CHECKED_BY_AWARDS)
    first_only = measure.one_off and mid == "a3.benchmark"  # as rule_2_conditions
    threshold = to_cents(terms.min_cbec_trade) if terms.min_cbec_trade else 0
    trade_cache, export_cache = ctx.trade, ctx.export
    book = ledger.accounts[mid] if one_off or top_up else {}
    shape = measure.kind

    def rounded(amount: int) -> tuple[int, Record]:
        """The amount after rule 3 (rounded down) and its record, if any (``whole``)."""
        floored = floor_cents(amount, unit)
        return floored, (("rounded_down", art, floored) if floored != amount else ())

    preset_why: Record = ()  # AWARD: the award's records, and its amount rounded down
    preset = 0
    if shape is AWARD:
        assert terms.amount is not None  # fast_award checks it
        preset, rounding = rounded(to_cents(terms.amount))
        preset_why = ("award_applied", art, to_cents(terms.amount), *rounding)
    # AWARD_TIERS: (threshold, amount, amount rounded down, its record)
    tiers = [(to_cents(low), to_cents(a), *rounded(to_cents(a))) for low, a in terms.tiers]
    # AWARD_LEVEL: a level's rank (higher is better), then per rank the amount and records
    levels = ctx.levels
    rank = {level: k for k, level in enumerate(levels)}
    by_rank: list[tuple[int, Record]] = []
    if shape is AWARD_LEVEL:
        for level in levels:
            amount = to_cents(terms.amounts[level])
            floored, rounding = rounded(amount)
            by_rank.append((floored, ("level_applied", art, year, level, rec, amount, *rounding)))

    def due(row: Row, ben: Beneficiary) -> int:  # the claim's row: fast tuple indexing
        first = dates.get(row[5], _UNSEEN)  # the claim's date
        if first is _UNSEEN:
            first = by_date(row[5])
        if first is not None:
            records.extend(first)
            return 0
        if ben.disqualified:
            records.extend(("disqualified", art, ben.id))
            return 0
        if ben.kind not in kinds:
            records.extend(("wrong_beneficiary_kind", art, expected, ben.kind))
            return 0
        account = book.get(row[1])  # the claim's beneficiary
        if one_off and account is not None:
            records.extend(rule_5_one_off(account, art) or ())
            return 0
        at = row[5].year  # facts kept by year: the claim's year
        if first_year and ben.first_cbec_year != at:
            records.extend(("not_first_cbec_year", art, ben.first_cbec_year or "-", at))
            return 0
        if traded:
            value = _fact(trade_cache, ben, ben.cbec_trade, at)
            if value < threshold:
                records.extend(("threshold_not_met", art, at, value, threshold))
                return 0
            records.extend(("threshold_met", art, at, value, threshold))
        if recognised:  # a recognition of the type in the period (first time: benchmark)
            found, earliest = False, None
            for r in ben.recognitions:
                if r.type == rec:
                    if r.counts_in(start, end):
                        found = True
                    if r.before(start) and (earliest is None or r.year < earliest):
                        earliest = r.year
            if not found:
                records.extend(("no_recognition", art, year, rec))
                return 0
            if first_only and earliest is not None:
                records.extend(("not_first_benchmark", art, earliest))
                return 0
        if shape is AWARD:
            records.extend(preset_why)
            amount = preset
        elif shape is AWARD_TIERS:
            value = _fact(export_cache, ben, ben.independent_site_export, at)
            reached = None
            for tier in tiers:
                if tier[0] <= value:
                    reached = tier
            if reached is None:
                records.extend(("tier_not_reached", art, at, value, tiers[0][0]))
                return 0
            low, base, amount, rounding = reached
            records.extend(("tier_applied", art, at, value, low, base))
            records.extend(rounding)
        else:  # AWARD_LEVEL: the highest level recognised in the period
            best, earliest = -1, None
            for r in ben.recognitions:
                if r.type == rec:
                    if r.counts_in(start, end):
                        k = rank.get(r.level, -1)  # type: ignore[arg-type]
                        if k > best:
                            best = k
                    if r.before(start) and (earliest is None or r.year < earliest):
                        earliest = r.year
            if best < 0:
                records.extend(("no_recognition", art, year, rec))
                return 0
            if first_listing and earliest is not None:  # (八) first listing only
                records.extend(("not_first_listing", art, earliest))
                return 0
            amount, why = by_rank[best]
            records.extend(why)
        if top_up:
            amount = rule_5_top_up(amount, account, art, unit, records)
        return amount

    return due


def compile_rules(
    cat: Catalogue, ctx: Context, ledger: Ledger, *, fast: bool = True
) -> dict[str, RuleFn]:
    """One rule function per measure of the catalogue, for this evaluation's guide and year.

    ``fast=False`` compiles every measure with the reference ``compile_rule`` (tests).
    """
    terms = ctx.guide.measures
    rules: dict[str, RuleFn] = {}
    for mid, m in cat.measures.items():
        t = terms.get(mid)
        if fast and t is not None and fast_cost_share(m, t):
            rules[mid] = compile_cost_share(m, t, ctx, ledger)
        elif fast and t is not None and fast_award(m, t, ctx.levels):
            rules[mid] = compile_award(m, t, ctx, ledger)
        else:
            rules[mid] = compile_rule(m, t, ctx, ledger)
    return rules
