"""Claim evaluation: rules 1–8 of the policy, each a named function citing its article.

``evaluate(scenario)`` returns an ``Evaluation``: per claim a status, the amount computed
after conditions and caps (rules 1–5), the amount granted (after 就高不重复 and the budget,
rules 6–8), and the reasons. No number of the policy appears here: ceilings come from the
catalogue, working values from the guide.

The run keeps its outcomes in columns (``Outcomes``: amounts in fen, statuses, one list
each; the reason records of all claims in one flat list) rather than objects per claim;
``Evaluation.results`` builds the ``ClaimResult`` objects the first time it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from operator import itemgetter
from typing import Any

from . import ENGINE_VERSION
from .batch import no_gc
from .explain import Reason, Record, Why, reasons, reasons_json
from .guide import BudgetMode, Guide
from .matter import matter_key, matter_keys
from .measures import Catalogue, Policy, catalogue
from .money import (
    floor_cents,
    fmt,
    fmt_cents,
    from_cents,
    ratio,
    scale_all_cents,
    to_cents,
    unit_cents,
)
from .records import Beneficiary, Claim, Row, Scenario, claim_rows, history_fen
from .rules import PAID, PAID_IN_YEAR, Context, Ledger, compile_rules, paid_rule


class Status(StrEnum):
    """A claim's outcome (the output contract)."""

    GRANTED = "granted"
    PARTIALLY_GRANTED = "partially_granted"  # reduced by the budget
    SUPERSEDED = "superseded"  # 就高不重复
    INELIGIBLE = "ineligible"  # nothing due for any other reason
    UNFUNDED = "unfunded"  # budget exhausted (first come)


# Enum members looked up once (class attribute access on an Enum is slow in hot loops).
GRANTED, PARTIALLY_GRANTED, SUPERSEDED, INELIGIBLE, UNFUNDED = (
    Status.GRANTED,
    Status.PARTIALLY_GRANTED,
    Status.SUPERSEDED,
    Status.INELIGIBLE,
    Status.UNFUNDED,
)


class ClaimResult:
    """The outcome for one claim.

    Amounts are kept in fen (``computed_cents``, ``due_cents``, ``granted_cents``) and the
    reasons as compact records (``why``); ``computed``, ``due``, ``granted`` and ``reasons``
    give them as ``Decimal`` and ``Reason`` objects.
    """

    __slots__ = (
        "claim",
        "computed_cents",
        "due_cents",
        "granted_cents",
        "status",
        "superseded_by",
        "why",
    )

    def __init__(
        self,
        claim: Claim,
        status: Status,
        computed: int,
        due: int,
        granted: int,
        why: Why,
        superseded_by: str | None,
    ) -> None:
        self.claim = claim
        self.status = status
        self.computed_cents = computed  # after conditions and caps (rules 1–5)
        self.due_cents = due  # after 就高不重复, before the budget (rule 6): the budget needed
        self.granted_cents = granted  # what is paid (rule 8)
        self.why = why
        self.superseded_by = superseded_by

    @property
    def computed(self) -> Decimal:
        return from_cents(self.computed_cents)

    @property
    def due(self) -> Decimal:
        return from_cents(self.due_cents)

    @property
    def granted(self) -> Decimal:
        return from_cents(self.granted_cents)

    @property
    def reasons(self) -> list[Reason]:
        return reasons(self.why)

    def __repr__(self) -> str:
        return f"<ClaimResult {self.claim.id} {self.status} {self.computed} {self.granted}>"

    def as_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "id": self.claim.id,
            "measure": self.claim.measure,
            "status": self.status.value,
            "computed": fmt_cents(self.computed_cents),
            "granted": fmt_cents(self.granted_cents),
            "reasons": reasons_json(self.why, lang),
        }


class Outcomes:
    """The outcomes of a run as columns indexed like the scenario's claims (amounts in fen).

    Reasons: ``records`` holds the records of rules 1–5 of every claim, one flat list for the
    run in processing order (``sequence``, the groups of rule 6): claim ``i``'s records start
    at ``start[i]`` and end where the next claim's begin (no list per claim); ``later`` holds
    the few records added afterwards (rule 6, money already paid for the matter). Reasons
    that are a decision of rule 6 or 8 are kept as that decision: the winner of a superseded
    claim (``winner``), and the budget's effect (``status``, ``granted`` and the run's
    ``partial``/``unfunded`` records). ``why(i)`` writes a claim's reasons out in full, in the
    order the rules apply.
    """

    __slots__ = (
        "claims",
        "computed",
        "due",
        "duplication_article",
        "ends",
        "granted",
        "later",
        "paid",
        "partial",
        "records",
        "sequence",
        "start",
        "status",
        "unfunded",
        "winner",
    )

    def __init__(self, claims: tuple[Claim, ...], records: Why, policy: Policy) -> None:
        n = len(claims)
        self.claims = claims
        self.computed = [0] * n  # after conditions and caps (rules 1–5)
        self.due = [0] * n  # after 就高不重复, before the budget (rule 6)
        self.granted = [0] * n  # what is paid (rule 8)
        self.status = [INELIGIBLE] * n
        self.records = records  # rules 1–5, every claim's records one after the other
        self.start = [0] * n  # where claim i's records start in `records`
        self.sequence: list[int | list[int]] = []  # the claims in processing order (groups)
        self.ends: list[int] | None = None  # where they end: built when first read
        self.later: dict[int, Why] = {}  # rule 6: money already paid for the matter
        self.winner: dict[int, int] = {}  # rule 6: superseded claim → the group's winner
        self.duplication_article = policy.duplication_article
        # rule 8: the record of a partially granted claim, less its amount; of an unfunded one
        self.partial: Record = ()
        self.unfunded: Record = ()
        self.paid: list[int] = []  # the claims with something due, in processing order

    def why(self, i: int) -> Why:
        """Claim ``i``'s reasons as flat records: rules 1–5, then rule 6, then rule 8."""
        if self.ends is None:
            self.ends = self.record_ends()
        why = self.records[self.start[i] : self.ends[i]]
        winner = self.winner.get(i)
        if winner is not None:  # rule_6_supersede
            best = self.claims[winner]
            matter = self.claims[i].matter
            why += ("superseded", self.duplication_article, matter, best.id, best.measure)
        later = self.later.get(i)
        if later is not None:  # rule_6_deduct_matter
            why += later
        status = self.status[i]
        if status is PARTIALLY_GRANTED:  # rule_8_pro_rata, rule_8_first_come
            why += (*self.partial, self.granted[i])
        elif status is UNFUNDED:  # rule_8_first_come
            why += self.unfunded
        return why

    def record_ends(self) -> list[int]:
        """Where each claim's records end: where the next claim processed starts."""
        ends, start, previous = [0] * len(self.start), self.start, -1
        for group in self.sequence:
            for i in (group,) if isinstance(group, int) else group:
                if previous >= 0:
                    ends[previous] = start[i]
                previous = i
        if previous >= 0:
            ends[previous] = len(self.records)
        return ends

    def superseded_by(self, i: int) -> str | None:
        """The id of the claim that superseded claim ``i`` (rule 6), if any."""
        winner = self.winner.get(i)
        return None if winner is None else self.claims[winner].id


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


class Evaluation:
    """The result of a run; ``results`` (one ``ClaimResult`` per claim, in the scenario's
    order) is built from the outcome columns the first time it is read."""

    __slots__ = ("_results", "beneficiaries", "claims", "guide", "outcomes", "totals", "year")
    engine_version = ENGINE_VERSION

    def __init__(
        self,
        year: int,
        guide: Guide,
        claims: tuple[Claim, ...],
        outcomes: Outcomes,
        totals: Totals,
        beneficiaries: dict[str, Beneficiary],
    ) -> None:
        self.year = year
        self.guide = guide
        self.claims = claims
        self.outcomes = outcomes
        self.totals = totals
        self.beneficiaries = beneficiaries
        self._results: list[ClaimResult] | None = None

    @property
    def results(self) -> list[ClaimResult]:
        if self._results is None:
            o = self.outcomes
            status, computed, due, granted, why = o.status, o.computed, o.due, o.granted, o.why
            superseded_by = o.superseded_by
            self._results = [
                ClaimResult(
                    claim, status[i], computed[i], due[i], granted[i], why(i), superseded_by(i)
                )
                for i, claim in enumerate(self.claims)
            ]
        return self._results

    def as_json(self, lang: str = "zh") -> dict[str, Any]:
        o = self.outcomes  # straight from the columns (the same as ClaimResult.as_json)
        return {
            "year": self.year,
            "guide": self.guide.title,
            "engine": self.engine_version,
            "guide_hash": self.guide.content_hash,
            "claims": [
                {
                    "id": claim.id,
                    "measure": claim.measure,
                    "status": status.value,
                    "computed": fmt_cents(computed),
                    "granted": fmt_cents(granted),
                    "reasons": reasons_json(o.why(i), lang),
                }
                for i, (claim, status, computed, granted) in enumerate(
                    zip(self.claims, o.status, o.computed, o.granted, strict=True)
                )
            ],
            "totals": self.totals.as_json(),
        }


class _Run:
    """One evaluation: the scenario, the compiled rules, the ledger and the outcomes."""

    def __init__(self, scenario: Scenario, cat: Catalogue, *, fast: bool = True) -> None:
        self.scenario = scenario
        self.policy = cat.policy
        self.unit = unit_cents(cat.policy.rounding_unit)
        self.guide = scenario.guide
        self.year = scenario.year
        self.ledger = Ledger(scenario.history, cat, scenario.year, history_fen(scenario))
        ctx = Context(self.year, self.guide, self.policy, self.unit)
        self.rules = compile_rules(cat, ctx, self.ledger, fast=fast)
        self.top_up = frozenset(
            mid for mid, m in cat.measures.items() if paid_rule(m, self.guide)[1]
        )
        self.budget = to_cents(scenario.guide.budget_total)
        self.remaining = self.budget  # first come: what is left of the budget
        self.first_come = scenario.guide.budget_mode is BudgetMode.FIRST_COME
        self.out = Outcomes(scenario.claims, ctx.records, self.policy)
        self.keys: dict[str, str] = {}  # rule 6: matter label → matter_key (set by run)
        if self.first_come:
            art = self.policy.budget_article
            self.out.partial = ("budget_crossing", art, self.budget)
            self.out.unfunded = ("budget_exhausted", art, self.budget)

    def run(self) -> Evaluation:
        claims, out = self.scenario.claims, self.out
        rows = claim_rows(self.scenario)  # the claims as plain tuples: fast indexing
        # rule 6: each distinct matter label's identity (matter_key), computed once per run
        labels = {row[3] for row in rows}
        labels.discard(None)
        self.keys = keys = matter_keys(labels)
        rules, bens, pay = self.rules, self.scenario.beneficiaries, self.payer()
        computed, records, start = out.computed, out.records, out.start
        out.sequence = groups = rule_6_groups(rows, rule_7_processing_order(rows), keys)
        for group in groups:
            if isinstance(group, int):  # a group of one claim (the common case)
                row = rows[group]
                start[group] = len(records)
                # row[2], row[1]: the claim's measure and beneficiary
                amount = rules[row[2]](row, bens[row[1]])
                if amount > 0:
                    computed[group] = amount
                    pay(group, row, amount)
                continue
            for i in group:  # rules 1–5 for every member, against the same ledger
                row = rows[i]
                start[i] = len(records)
                computed[i] = rules[row[2]](row, bens[row[1]])
            best = rule_6_highest(group, computed)
            if best is None:
                continue  # all ineligible
            for i in group:
                if i != best and computed[i] > 0:
                    rule_6_supersede(i, best, out)
            pay(best, rows[best], computed[best])
        scale = Decimal(1)
        if not self.first_come:
            scale = rule_8_pro_rata(out, self.budget, self.unit, self.policy)
        totals = Totals(
            computed=from_cents(sum(computed)),
            due=from_cents(sum(out.due)),
            granted=from_cents(sum(out.granted)),
            budget=self.guide.budget_total,
            scale=scale,
        )
        sc = self.scenario
        return Evaluation(sc.year, self.guide, claims, out, totals, sc.beneficiaries)

    def payer(self) -> Callable[[int, Row, int], None]:
        """Pay a group's winner: rule 6 (money paid for the matter), rule 8 (first come)."""
        out, ledger, unit, policy, top_ups = (
            self.out,
            self.ledger,
            self.unit,
            self.policy,
            self.top_up,
        )
        status, due, granted, later, paid = out.status, out.due, out.granted, out.later, out.paid
        first_come, by_matter, accounts = self.first_come, ledger.by_matter, ledger.accounts
        keys = self.keys
        paid_keys = {key for _, key in by_matter}
        # a first check without a tuple key: the labels whose matter has history
        matters = {label for label, key in keys.items() if key in paid_keys}
        claims = out.claims

        def pay(i: int, row: Row, computed: int) -> None:
            payable = computed
            # row[1], row[2], row[3]: the claim's beneficiary, measure and matter
            if row[3] in matters and (row[1], keys[row[3]]) in by_matter:
                top_up = row[2] in top_ups
                why: Why = []
                payable = rule_6_deduct_matter(
                    claims[i], computed, why, top_up, ledger, unit, policy
                )
                later[i] = why
                if payable <= 0:
                    status[i] = SUPERSEDED  # the matter is already paid in full
                    return
            due[i] = granted[i] = payable
            status[i] = GRANTED
            paid.append(i)
            if first_come:
                self.remaining = rule_8_first_come(i, out, self.remaining, unit)
                payable = granted[i]
            if payable > 0:  # Ledger.add written out
                book = accounts[row[2]]
                account = book.get(row[1])
                year = row[5].year  # "每年" caps count by the calendar year of the date
                if account is None:
                    book[row[1]] = [payable, {year: payable}, row[0]]  # row[0]: the claim's id
                else:
                    account[PAID] += payable
                    by_year = account[PAID_IN_YEAR]
                    by_year[year] = by_year.get(year, 0) + payable

        return pay


def group_key(claim: Claim) -> tuple[str, str]:
    """Rule 6: one beneficiary's claims for one matter (``matter_key`` of the label) form a
    group; no matter (or a label with no letter or digit), no group."""
    key = matter_key(claim.matter) if claim.matter is not None else ""
    return (claim.beneficiary, key or "\x00" + claim.id)


def rule_6_groups(
    claims: Sequence[Row], order: list[int], keys: dict[str, str] | None = None
) -> list[int | list[int]]:
    """Rule 6/7: the groups (``group_key``) in the order their earliest claim comes up.

    ``keys``: each matter label's ``matter_key`` (``matter_keys`` of the labels; computed
    here when not given).

    A group is the index of its one claim, or the list of its claims' indices in processing
    order (most groups have one claim: no list is built for them). Group keys are read in
    the scenario's order (memory order, cache friendly); the processing order then only
    handles small integers. ``claims``: ``Claim`` records or their plain rows (faster).
    """
    if keys is None:
        keys = matter_keys(c[3] for c in claims if c[3] is not None)
    get = keys.get
    index: dict[tuple[str, str], int] = {}
    setdefault = index.setdefault
    # group_key: c[1] the beneficiary, c[3] the matter label (None: no matter), c[0] the id
    gids = [setdefault((c[1], get(c[3]) or "\x00" + c[0]), len(index)) for c in claims]
    members: list[int | list[int] | None] = [None] * len(index)
    firsts: list[int] = []
    for i in order:
        g = gids[i]
        group = members[g]
        if group is None:
            members[g] = i
            firsts.append(g)
        elif isinstance(group, int):
            members[g] = [group, i]
        else:
            group.append(i)
    return [members[g] for g in firsts]  # type: ignore[misc]


def rule_6_highest(group: list[int], computed: list[int]) -> int | None:
    """Rule 6 (末段, 就高不重复): the claim with the highest amount due wins.

    Ties go to the earlier ``submitted_at``, then the smaller id: ``group`` is already in
    that order (rule 7), so the first of the highest wins.
    """
    winner, highest = None, 0
    for i in group:
        if computed[i] > highest:
            winner, highest = i, computed[i]
    return winner


def rule_6_supersede(i: int, winner: int, out: Outcomes) -> None:
    """Rule 6: a claim of the group other than the winner is superseded by it.

    The reason, ``("superseded", article, matter, winner id, winner measure)``, is the
    decision itself: ``Outcomes.why`` writes it out from ``winner``.
    """
    out.status[i] = SUPERSEDED
    out.winner[i] = winner


def rule_6_deduct_matter(
    claim: Claim,
    computed: int,
    why: Why,
    top_up: bool,
    ledger: Ledger,
    unit: int,
    policy: Policy,
) -> int:
    """Rule 6 (末段): money already paid for the same matter (any measure, any policy) is deducted.

    A top-up measure (rule 5) has already deducted its own payments; they are not counted twice.
    Returns what is payable; 0 when the matter is already paid in full (superseded).
    """
    if claim.matter is None:
        return computed
    key = matter_key(claim.matter)  # the label is kept as typed for the reasons
    paid = ledger.by_matter.get((claim.beneficiary, key), 0) if key else 0
    if paid <= 0:
        return computed
    if top_up:
        paid -= ledger.by_matter_measure.get((claim.beneficiary, key, claim.measure), 0)
        if paid <= 0:
            return computed
    left = floor_cents(computed - paid, unit)
    art = policy.duplication_article
    if left <= 0:
        why += ("matter_already_paid", art, claim.matter, paid, computed)
        return 0
    why += ("matter_deducted", art, claim.matter, paid, left)
    return left


def rule_7_processing_order(claims: Sequence[Row]) -> list[int]:
    """Rule 7: claims are processed in order of ``submitted_at``, then id (their indices).

    ``claims``: ``Claim`` records or their plain rows (``itemgetter`` is faster on those).

    Two stable sorts (by id, then by time) give the order of (time, id) and are cheaper than
    one sort on (time, id) tuples.
    """
    ids = list(map(_ID, claims))
    order = sorted(range(len(ids)), key=ids.__getitem__)
    order.sort(key=list(map(_SUBMITTED_AT, claims)).__getitem__)
    return order


_ID, _SUBMITTED_AT = itemgetter(0), itemgetter(6)  # Claim.id, Claim.submitted_at


def rule_8_first_come(i: int, out: Outcomes, remaining: int, unit: int) -> int:
    """Rule 8 (末段, 总量控制), first come: pay in order until the budget runs out.

    The claim that crosses the budget gets what is left (``partially_granted``, reason
    ``budget_crossing``), later ones nothing (``unfunded``, ``budget_exhausted``); the
    reasons are written out by ``Outcomes.why`` from the status.
    """
    due = out.due[i]
    if due <= remaining:
        return remaining - due
    left = floor_cents(remaining, unit)
    if left <= 0:
        out.status[i], out.granted[i] = UNFUNDED, 0
        return remaining
    out.status[i], out.granted[i] = PARTIALLY_GRANTED, left
    return remaining - left


def rule_8_pro_rata(out: Outcomes, budget: int, unit: int, policy: Policy) -> Decimal:
    """Rule 8 (末段, 总量控制), pro rata: scale every grant by budget/total, rounded down.

    Only the claims with something due (``out.paid``) are scaled: every other grant is 0. A
    reduced claim is ``partially_granted``, reason ``("budget_pro_rata", article, total,
    budget, scale, amount)``: the run's part is kept once (``out.partial``) and
    ``Outcomes.why`` adds the claim's amount.
    """
    due, granted, status = out.due, out.granted, out.status
    total = sum(due)
    if total <= budget:
        return Decimal(1)
    scale = ratio(from_cents(budget), from_cents(total))
    out.partial = ("budget_pro_rata", policy.budget_article, total, budget, scale)
    paid = out.paid
    scaled = scale_all_cents([due[i] for i in paid], budget, total, unit)
    for i, amount in zip(paid, scaled, strict=True):
        granted[i] = amount
        if amount < due[i]:
            status[i] = PARTIALLY_GRANTED
    return scale


def evaluate(scenario: Scenario, *, cat: Catalogue | None = None, fast: bool = True) -> Evaluation:
    """Evaluate every claim of a validated scenario (rules 1–8).

    ``fast=False`` uses the reference rule functions for every measure (``rules.compile_rule``)
    instead of the written-out cost shares; the result is the same (tests compare both).
    """
    with no_gc():
        return _Run(scenario, cat or catalogue(), fast=fast).run()
