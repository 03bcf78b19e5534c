"""The typed records of a scenario: beneficiaries, payments (history) and claims."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, make_dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from .guide import Guide
from .money import AmountError, from_cents, to_cents


@dataclass(frozen=True, slots=True)
class Recognition:
    type: str
    level: str | None
    year: int
    date: dt.date | None = None  # the day of the decision, when known (its year is ``year``)

    def counts_in(self, start: dt.date, end: dt.date) -> bool:
        """Whether the recognition lies within the period: its date, else its year (a year
        lies within the period when the period touches it)."""
        if self.date is not None:
            return start <= self.date <= end
        return start.year <= self.year <= end.year

    def before(self, start: dt.date) -> bool:
        """Whether the recognition was made before the period starts (an earlier listing)."""
        if self.date is not None:
            return self.date < start
        return self.year < start.year

    def effective(self) -> dt.date:
        """The first day the recognition holds: its date, else 1 January of its year."""
        return self.date if self.date is not None else dt.date(self.year, 1, 1)


@dataclass(frozen=True, slots=True)
class Beneficiary:
    id: str
    kind: str
    county: str
    name: str
    first_cbec_year: int | None
    cbec_trade: dict[int, Decimal]
    independent_site_export: dict[int, Decimal]
    recognitions: tuple[Recognition, ...]
    disqualified: bool


def _unfrozen_twin(cls: type) -> type:
    """A plain slotted dataclass with the fields and slots of the frozen ``cls``.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (a call
    per field: ≈2.6 µs for a ``Beneficiary``); the twin's ``__init__`` stores its slots
    directly (≈0.4 µs). The reader builds a twin and gives it the frozen class
    (``obj.__class__ = cls``, ≈0.6 µs in all): the same object ``cls(*values)`` builds —
    CPython refuses the assignment unless both classes have the same slots in the same
    layout (a test checks the result equals ``cls(*values)`` and stays frozen).
    """
    names = [(f.name, f.type) for f in fields(cls)]
    return make_dataclass(f"_{cls.__name__}Fields", names, slots=True, eq=False, repr=False)


BeneficiaryFields = _unfrozen_twin(Beneficiary)  # BeneficiaryFields(...), then __class__


class Payment(NamedTuple):
    """Money already paid (history): counts for caps, one-offs and 就高不重复."""

    beneficiary: str
    measure: str
    year: int
    amount: Decimal
    matter: str | None


class Claim(NamedTuple):
    """One claim. A tuple rather than a dataclass: tens of thousands are built per run.

    Amounts are kept as exact integers of fen (what the engine computes with); ``cost`` and
    ``amount`` give them as ``Decimal``.
    """

    id: str
    beneficiary: str
    measure: str
    matter: str | None
    cost_cents: int | None
    date: dt.date
    submitted_at: dt.datetime  # in UTC: one tzinfo for all, so comparisons are fast
    in_plan: bool
    amount_cents: int | None  # attributes.amount: a reviewer-set amount (discretionary)

    @property
    def cost(self) -> Decimal | None:
        return None if self.cost_cents is None else from_cents(self.cost_cents)

    @property
    def amount(self) -> Decimal | None:
        return None if self.amount_cents is None else from_cents(self.amount_cents)


Row = tuple[Any, ...]
"""A claim's fields as a plain tuple, in ``Claim``'s order (``Claim`` is one too).

The engine's hot paths index rows, not ``Claim`` records: CPython 3.11 specialises
``row[i]`` (and ``itemgetter``) only for an exact ``tuple``; on a ``NamedTuple`` subclass
each index takes the generic path (≈1 µs per claim over the run).
"""


def claim_rows(scenario: Scenario) -> list[Row]:
    """The scenario's claims as plain tuples: the ones the reader kept, else copies."""
    kept = scenario.rows
    if kept is not None and kept[0] is scenario.claims:  # kept for these very claims
        return kept[1]
    return [claim[:] for claim in scenario.claims]  # a tuple subclass slices to a tuple


def history_fen(scenario: Scenario) -> list[int] | None:
    """The history's amounts in fen as the reader kept them (``None``: not kept for it)."""
    kept = scenario.history_fen
    if kept is not None and kept[0] is scenario.history:  # kept for this very history
        return kept[1]
    return None


def make_claim(
    id: str,
    beneficiary: str,
    measure: str,
    date: dt.date,
    submitted_at: dt.datetime,
    *,
    matter: str | None = None,
    cost: Decimal | None = None,
    in_plan: bool = False,
    amount: Decimal | None = None,
) -> Claim:
    """A ``Claim`` built in code (the workflow, tests); ``submitted_at`` must be aware.

    Amounts must be non-negative with at most two decimals (``AmountError`` otherwise).
    """
    if submitted_at.tzinfo is None:
        raise ValueError("submitted_at must be timezone-aware")
    return Claim(
        id,
        beneficiary,
        measure,
        matter,
        _cents(cost),
        date,
        submitted_at.astimezone(dt.UTC),
        in_plan,
        _cents(amount),
    )


def _cents(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    cents = to_cents(amount)
    if cents < 0:
        raise AmountError(amount)
    return cents


@dataclass(frozen=True, slots=True)
class Scenario:
    year: int
    guide: Guide
    beneficiaries: dict[str, Beneficiary]
    history: tuple[Payment, ...]
    claims: tuple[Claim, ...]
    # the claims as plain tuples (``Row``), kept by the reader for the engine, with the
    # claims they were made for (used only while ``claims`` is that very tuple)
    rows: tuple[tuple[Claim, ...], list[Row]] | None = field(
        default=None, repr=False, compare=False
    )
    # the history's amounts in fen, kept by the reader for the ledger, with the history they
    # were read for (used only while ``history`` is that very tuple)
    history_fen: tuple[tuple[Payment, ...], list[int]] | None = field(
        default=None, repr=False, compare=False
    )
