"""A slow, straightforward reference evaluator of rules 1–8, in ``Decimal``.

Written from the rules of issue 3 / docs/policy-engine.md for clarity, not speed: no
compiled rules, no integer fen, no columns, no caches. The optimised engine must agree with
it on every claim (status, amounts, reason codes, winner); see ``test_reference.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from entitlement.matter import matter_key
from entitlement.measures import Kind, catalogue
from entitlement.records import Claim, Scenario

ONE = Decimal(1)


def floor(amount: Decimal) -> Decimal:
    """Round down to a whole yuan (舍尾); nothing below zero."""
    return max(amount.quantize(ONE, rounding=ROUND_DOWN), Decimal(0))


@dataclass
class Outcome:
    claim: Claim
    status: str = "ineligible"
    computed: Decimal = Decimal(0)
    due: Decimal = Decimal(0)
    granted: Decimal = Decimal(0)
    codes: list[str] = field(default_factory=list)
    superseded_by: str | None = None


def reference(sc: Scenario) -> list[Outcome]:
    cat, guide, year = catalogue(), sc.guide, sc.year
    pol = cat.policy
    start, end = guide.period_from, guide.period_to
    paid: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
    first: dict[tuple[str, str], object] = {}
    matter_paid: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
    matter_measure: defaultdict[tuple[str, str, str], Decimal] = defaultdict(Decimal)

    paid_year_of: defaultdict[tuple[str, str, int], Decimal] = defaultdict(Decimal)

    def pay(ben: str, mid: str, y: int, amount: Decimal, when: object) -> None:
        if amount > 0:
            paid[ben, mid] += amount
            paid_year_of[ben, mid, y] += amount  # "每年": by calendar year
            first.setdefault((ben, mid), when)

    def in_period(r: object) -> bool:
        d = r.date  # type: ignore[attr-defined]
        if d is not None:
            return bool(start <= d <= end)
        return bool(start.year <= r.year <= end.year)  # type: ignore[attr-defined]

    def earlier(r: object) -> bool:
        d = r.date  # type: ignore[attr-defined]
        return bool(d < start) if d is not None else bool(r.year < start.year)  # type: ignore[attr-defined]

    top_up_on = guide.brand_top_up

    for h in sc.history:
        if h.measure in cat.measures:
            pay(h.beneficiary, h.measure, h.year, h.amount, h.year)
        if h.matter is not None and matter_key(h.matter):  # rule 6: the matter's identity
            matter_paid[h.beneficiary, matter_key(h.matter)] += h.amount
            matter_measure[h.beneficiary, matter_key(h.matter), h.measure] += h.amount

    def due(c: Claim, out: Outcome) -> Decimal:
        m, b = cat.measures[c.measure], sc.beneficiaries[c.beneficiary]
        codes = out.codes
        cy = c.date.year  # facts and "每年" caps: the claim's calendar year
        one_off = m.one_off or (m.top_up and not top_up_on)
        top_up = m.top_up and top_up_on
        # rule 1
        if not pol.window_start <= c.date <= pol.window_end:
            codes.append("outside_policy_window")
        elif guide.period_given and not start <= c.date <= end:
            codes.append("outside_period")
        elif not guide.period_given and c.date.year != year:
            codes.append("wrong_year")
        elif m.id not in guide.measures:
            codes.append("measure_not_open")
        elif b.disqualified:
            codes.append("disqualified")
        elif b.kind not in m.kinds:
            codes.append("wrong_beneficiary_kind")
        elif one_off and (b.id, m.id) in first:  # rule 5
            paid_in_history = isinstance(first[b.id, m.id], int)
            codes.append("one_off_paid" if paid_in_history else "one_off_paid_here")
        if codes:
            return Decimal(0)
        t = guide.measures[m.id]
        # rule 2
        trade = b.cbec_trade.get(cy, Decimal(0))
        if m.id == "a1.first_time" and b.first_cbec_year != cy:
            codes.append("not_first_cbec_year")
            return Decimal(0)
        if m.id in ("a1.first_time", "a6.livestream"):
            met = trade >= (t.min_cbec_trade or 0)
            codes.append("threshold_met" if met else "threshold_not_met")
            if not met:
                return Decimal(0)
        if m.id == "a5.exhibition" and not c.in_plan:
            codes.append("not_in_plan")
            return Decimal(0)
        if m.brand_enterprise:  # (七) a brand or brand_pool recognition by the claim's date
            since = [
                r.date or dt.date(r.year, 1, 1)
                for r in b.recognitions
                if r.type in ("brand", "brand_pool")
            ]
            if not since or min(since) > c.date:
                codes.append("not_brand_enterprise")
                return Decimal(0)
        base: Decimal | None
        if m.kind is Kind.AWARD_TIERS:
            export = b.independent_site_export.get(cy, Decimal(0))
            reached = [amount for low, amount in t.tiers if low <= export]
            codes.append("tier_applied" if reached else "tier_not_reached")
            if not reached:
                return Decimal(0)
            base = reached[-1]
        elif m.kind is Kind.AWARD_LEVEL:
            found = {r.level for r in b.recognitions if r.type == m.recognition and in_period(r)}
            levels = [lv for lv in pol.recognition_levels if lv in found]
            if not levels:
                codes.append("no_recognition")
                return Decimal(0)
            if m.first_listing and any(
                r.type == m.recognition and earlier(r) for r in b.recognitions
            ):
                codes.append("not_first_listing")
                return Decimal(0)
            codes.append("level_applied")
            base = t.amounts[levels[-1]]
        else:
            if m.recognition is not None:
                mine = [r for r in b.recognitions if r.type == m.recognition]
                if not any(in_period(r) for r in mine):
                    codes.append("no_recognition")
                    return Decimal(0)
                if m.id == "a3.benchmark" and any(earlier(r) for r in mine):
                    codes.append("not_first_benchmark")
                    return Decimal(0)
            if m.kind is Kind.COST_SHARE:
                base = c.cost
            elif m.kind is Kind.DISCRETIONARY:
                base = c.amount if c.amount is not None else t.amount
                codes.append("amount_not_set" if base is None else "amount_set")
                if base is None:
                    return Decimal(0)
            else:
                base = t.amount
                codes.append("award_applied")
        assert base is not None
        # rule 3
        if m.kind is Kind.COST_SHARE:
            assert t.rate is not None
            amount = floor(base * t.rate)
            codes.append("rate_applied")
            if t.cap is not None and amount > t.cap:
                amount = floor(t.cap)
                codes.append("cap_applied")
        else:
            amount = floor(base)
            if m.kind is Kind.DISCRETIONARY and t.cap is not None and amount > t.cap:
                amount = floor(t.cap)
                codes.append("cap_applied")
            elif amount != base:
                codes.append("rounded_down")
        # rule 5: top-up
        if top_up and paid[b.id, m.id] > 0:
            amount = floor(amount - paid[b.id, m.id])
            codes.append("topped_up" if amount > 0 else "top_up_nothing_left")
        # rule 4: annual cap
        if t.annual_cap is not None:
            left = floor(t.annual_cap - paid_year_of[b.id, m.id, cy])
            if left <= 0:
                codes.append("annual_cap_reached")
                return Decimal(0)
            if amount > left:
                codes.append("annual_cap_applied")
                amount = left
        return amount

    outcomes = {id(c): Outcome(c) for c in sc.claims}
    ordered = sorted(sc.claims, key=lambda c: (c.submitted_at, c.id))  # rule 7
    groups: dict[tuple[str, str], list[Claim]] = {}
    for c in ordered:
        key = matter_key(c.matter) if c.matter is not None else ""
        groups.setdefault((c.beneficiary, key or "\x00" + c.id), []).append(c)
    remaining = guide.budget_total
    for members in groups.values():  # rule 6
        for c in members:
            outcomes[id(c)].computed = due(c, outcomes[id(c)])
        best = None
        for c in members:
            o = outcomes[id(c)]
            if o.computed > 0 and (best is None or o.computed > best.computed):
                best = o
        if best is None:
            continue
        for c in members:
            o = outcomes[id(c)]
            if o is not best and o.computed > 0:
                o.status, o.superseded_by = "superseded", best.claim.id
                o.codes.append("superseded")
        c = best.claim
        payable = best.computed
        if c.matter is not None:
            before = matter_paid[c.beneficiary, matter_key(c.matter)]
            if cat.measures[c.measure].top_up and top_up_on:
                before -= matter_measure[c.beneficiary, matter_key(c.matter), c.measure]
            if before > 0:
                payable = floor(best.computed - before)
                codes = best.codes
                codes.append("matter_deducted" if payable > 0 else "matter_already_paid")
                if payable <= 0:
                    best.status = "superseded"
                    continue
        best.status, best.due = "granted", payable
        best.granted = payable
        if guide.budget_mode == "first_come":  # rule 8, first come
            if payable > remaining:
                best.granted = floor(remaining)
                best.status = "partially_granted" if best.granted > 0 else "unfunded"
                best.codes.append("budget_crossing" if best.granted > 0 else "budget_exhausted")
            remaining -= best.granted
        pay(c.beneficiary, c.measure, c.date.year, best.granted, c.id)
    results = [outcomes[id(c)] for c in sc.claims]
    total = sum((o.due for o in results), Decimal(0))
    if guide.budget_mode == "pro_rata" and total > guide.budget_total:  # rule 8, pro rata
        for o in results:
            if o.due > 0:
                o.granted = floor((o.due * guide.budget_total) // total)  # exact
                if o.granted < o.due:
                    o.status = "partially_granted"
                    o.codes.append("budget_pro_rata")
    return results
