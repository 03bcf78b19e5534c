"""Fast paths of the scenario reader: well-formed items read without per-field bookkeeping.

Each reader accepts only items the detailed reader (``scenario._Reader``) accepts and builds
the same record; on anything else it returns ``None`` (or calls ``on_problem``) and the
detailed reader runs to describe the problem with its JSON path. A test checks the two agree
on random, mostly malformed input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

from .money import _AMOUNT_RE, fen_of
from .records import Beneficiary, BeneficiaryFields, Claim, Payment, Recognition, Row

_amount = _AMOUNT_RE.fullmatch

RECOGNITION_TYPES = (
    "benchmark",
    "brand",
    "brand_pool",
    "park",
    "public_warehouse",
    "regional_center",
)
LEVELLED_RECOGNITIONS = ("brand", "park")

# The keys of each object of a scenario: name → required. Unknown keys are errors.
BENEFICIARY_KEYS = {"id": True, "kind": True, "county": False, "name": False, "facts": False}
FACT_KEYS = {
    "first_cbec_year": False,
    "cbec_trade": False,
    "independent_site_export": False,
    "recognitions": False,
    "disqualified": False,
}
RECOGNITION_KEYS = {"type": True, "level": False, "year": True, "date": False}
HISTORY_KEYS = {
    "beneficiary": True,
    "measure": True,
    "year": True,
    "amount": True,
    "matter": False,
    "note": False,
}
CLAIM_KEYS = {
    "id": True,
    "beneficiary": True,
    "measure": True,
    "matter": False,
    "cost": False,
    "date": True,
    "submitted_at": True,
    "attributes": False,
}
ATTRIBUTE_KEYS = {"in_plan": False, "amount": False, "note": False}
# The fast paths check the allowed keys with a set and reach every required key with [] (a
# missing one raises KeyError) or .get() (None fails a type check).
_BENEFICIARY, _FACT, _RECOGNITION, _HISTORY, _CLAIM, _ATTRIBUTE = map(
    frozenset,
    (BENEFICIARY_KEYS, FACT_KEYS, RECOGNITION_KEYS, HISTORY_KEYS, CLAIM_KEYS, ATTRIBUTE_KEYS),
)


def _year(value: object) -> bool:
    return type(value) is int and 1900 <= value <= 2100


_ABSENT: Any = object()  # a key not in the object (a JSON null is None)

_YEARS = {str(year): year for year in range(1900, 2101)}  # the usual keys of a by-year fact


def _by_year(raw: object) -> dict[int, Decimal] | None:
    if type(raw) is not dict:
        return None
    out: dict[int, Decimal] = {}
    for key, value in raw.items():
        year = _YEARS.get(key)
        if year is None:  # any other four digits are a year too
            if not (type(key) is str and len(key) == 4 and key.isdigit()):
                return None
            year = int(key)
        if type(value) is not str or _amount(value) is None:
            return None
        out[year] = Decimal(value)
    return out


def read_beneficiary(
    b: Any,
    kinds: Collection[str],
    types: Collection[str],
    levelled: Collection[str],
    levels: Collection[str],
) -> Beneficiary | None:
    """A well-formed beneficiary, or ``None`` (the detailed reader then explains why)."""
    if type(b) is not dict:
        return None
    bid, kind = b.get("id"), b.get("kind")
    county, name = b.get("county", _ABSENT), b.get("name", _ABSENT)
    facts = b.get("facts", _ABSENT)
    # no unknown key: the keys read are all there is (a missing required key fails its type
    # check below), or the allowed set holds them all (no set is built in the common case)
    if len(b) != 2 + (county is not _ABSENT) + (name is not _ABSENT) + (
        facts is not _ABSENT
    ) and not _BENEFICIARY.issuperset(b):
        return None
    if county is _ABSENT:
        county = ""
    if name is _ABSENT:
        name = ""
    if facts is _ABSENT:
        facts = {}
    if (
        type(bid) is not str
        or not bid
        or type(kind) is not str
        or kind not in kinds
        or type(county) is not str
        or type(name) is not str
        or type(facts) is not dict
    ):
        return None
    first = facts.get("first_cbec_year", _ABSENT)
    raw_trade = facts.get("cbec_trade", _ABSENT)
    raw_export = facts.get("independent_site_export", _ABSENT)
    raw_recognitions = facts.get("recognitions", _ABSENT)
    disqualified = facts.get("disqualified", _ABSENT)
    if len(facts) != (first is not _ABSENT) + (raw_trade is not _ABSENT) + (
        raw_export is not _ABSENT
    ) + (raw_recognitions is not _ABSENT) + (disqualified is not _ABSENT) and not _FACT.issuperset(
        facts
    ):
        return None
    if first is _ABSENT:
        first = None
    trade = {} if raw_trade is _ABSENT else _by_year(raw_trade)
    export = {} if raw_export is _ABSENT else _by_year(raw_export)
    if raw_recognitions is _ABSENT:
        raw_recognitions = []
    if disqualified is _ABSENT:
        disqualified = False
    if (
        (first is not None and not _year(first))
        or trade is None
        or export is None
        or type(raw_recognitions) is not list
        or type(disqualified) is not bool
    ):
        return None
    recognitions = []
    for r in raw_recognitions:
        if type(r) is not dict:
            return None
        rtype, level, year = r.get("type"), r.get("level"), r.get("year")
        day = r.get("date")
        if len(r) != 2 + (level is not None) + (day is not None) and not _RECOGNITION.issuperset(r):
            return None
        if type(rtype) is not str or rtype not in types or not _year(year):
            return None
        if (level not in levels) if rtype in levelled else (level is not None):
            return None
        if day is not None:
            day = recognition_date(day, year)  # type: ignore[arg-type]
            if day is None:
                return None
        recognitions.append(Recognition(rtype, level, year, day))  # type: ignore[arg-type]
    ben = BeneficiaryFields(
        bid, kind, county, name, first, trade, export, tuple(recognitions), disqualified
    )
    ben.__class__ = Beneficiary  # Beneficiary(...) at a quarter of the cost (records.py)
    return ben


def recognition_date(raw: object, year: int) -> dt.date | None:
    """A recognition's ``date``: ISO text whose year is the recognition's ``year``."""
    if type(raw) is not str or len(raw) != 10:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return None
    return day if day.year == year else None


new_payment = tuple.__new__  # Payment(...) without the NamedTuple __new__ wrapper


def read_payment(h: Any, known: Collection[str], fen: list[int] | None = None) -> Payment | None:
    """A well-formed history entry, or ``None`` (the detailed reader then explains why).

    ``fen``, when given, receives the amount in fen (for the engine's ledger), read from the
    text like ``money.fen_of`` (the two-decimal form by str methods)."""
    if type(h) is not dict:
        return None
    ben, measure, year = h.get("beneficiary"), h.get("measure"), h.get("year")
    amount, matter, note = h.get("amount"), h.get("matter"), h.get("note")
    if (len(h) != 4 + (matter is not None) + (note is not None) and not _HISTORY.issuperset(h)) or (
        type(ben) is not str
        or not ben
        or ben not in known
        or type(measure) is not str
        or not measure
        or not _year(year)
        or type(amount) is not str
        or (matter is not None and (type(matter) is not str or not matter))
        or (note is not None and not isinstance(note, str))
    ):
        return None
    if (
        3 < len(amount) < 19
        and amount[-3] == "."
        and (amount[0] != "0" or len(amount) == 4)
        and (digits := amount.replace(".", "", 1)).isdecimal()
        and digits.isascii()
    ):
        cents = int(digits)
    else:
        cents = fen_of(amount)  # type: ignore[assignment]
        if cents is None:  # not an amount
            return None
    if fen is not None:
        fen.append(cents)
    return new_payment(Payment, (ben, measure, year, Decimal(amount), matter))


_UNSEEN = object()


def _offset(text: str) -> dt.timedelta | None:
    """The UTC offset of a time-zone suffix ("+08:00"), or ``None`` if it is not one.

    ``read_claims`` parses a stamp written "YYYY-MM-DDTHH:MM:SS+08:00" as its first 19
    characters at UTC minus this offset, which is ``fromisoformat(stamp).astimezone(UTC)``
    exactly (same instant, same ``UTC`` tzinfo) and about half the cost; the same stamps
    are accepted and refused (``test_fastread_stamps`` checks it on fuzzed stamps).
    """
    try:
        return dt.datetime.fromisoformat("2000-01-01T00:00:00" + text).utcoffset()
    except ValueError:
        return None


_PLANNED, _UNPLANNED = {"in_plan": True}, {"in_plan": False}  # a claim's common attributes


def read_claims(
    items: list[Any],
    known: Collection[str],
    measures: Collection[str],
    cost_share: Collection[str],
    on_problem: Callable[[object, str, set[str]], None],
    rows: list[Row] | None = None,
) -> list[Claim]:
    """Well-formed claims; ``on_problem(item, path, seen_ids)`` describes any other item.

    ``rows``, when given, receives each claim's fields as the plain tuple it was made from
    (``records.Row``, for the engine).

    A claim's beneficiary and measure are the strings of ``known`` and ``measures`` (equal
    text, one object each: the engine's look-ups then compare pointers, not characters).
    """
    out: list[Claim] = []
    seen: set[str] = set()
    bens = {b: b for b in known}
    mids = {m: m for m in measures}
    date_parse = dt.date.fromisoformat
    stamp_parse = dt.datetime.fromisoformat
    dates: dict[str, dt.date] = {}
    offsets: dict[str, Any] = {}  # "+08:00" → its timedelta (None: not an offset)
    # the zone of the last stamp on the offset path and its offset (None: no stamp yet; a
    # string here would match a 20-character stamp ending with it)
    suffix: str | None = None
    offset = dt.timedelta(0)
    utc = dt.UTC
    new_claim = tuple.__new__  # Claim(...) without the NamedTuple __new__ wrapper
    keep: Callable[[Row], None] = ([] if rows is None else rows).append
    for i, c in enumerate(items):
        try:
            if type(c) is not dict:
                raise ValueError
            cid = c["id"]  # a missing required key raises KeyError: the detailed path
            ben = c["beneficiary"]
            mid = c["measure"]
            matter = c.get("matter")
            cost = c.get("cost")
            attrs = c.get("attributes")
            if (
                # no unknown key: the keys read are all there is, or the allowed set holds
                len(c) != 5 + (matter is not None) + (cost is not None) + (attrs is not None)
                and not _CLAIM.issuperset(c)
            ) or (
                type(cid) is not str
                or not cid
                or cid in seen
                or type(ben) is not str
                or (ben := bens.get(ben)) is None
                or type(mid) is not str
                or (mid := mids.get(mid)) is None
                or (matter is not None and (type(matter) is not str or not matter))
            ):
                raise ValueError
            if cost is not None:
                # money.fen_of written out: the two-decimal form by str methods, any other
                # form by the call (the same texts and fen: test_fast_cost_equals_fen_of)
                if (
                    type(cost) is str
                    and 3 < len(cost) < 19
                    and cost[-3] == "."
                    and (cost[0] != "0" or len(cost) == 4)
                    and (digits := cost.replace(".", "", 1)).isdecimal()
                    and digits.isascii()
                ):
                    cost = int(digits)
                else:
                    cost = fen_of(cost)  # None: not an amount
                    if cost is None:
                        raise ValueError
            elif mid in cost_share:
                raise ValueError
            raw_date = c["date"]
            day = dates.get(raw_date)  # only text is cached; unhashable: TypeError
            if day is None:
                if type(raw_date) is not str or len(raw_date) != 10:
                    raise ValueError
                day = dates[raw_date] = date_parse(raw_date)
            stamp = c["submitted_at"]
            if type(stamp) is not str:
                raise ValueError
            if stamp[19:] == suffix:  # 25 characters ending with the last stamp's offset
                submitted = stamp_parse(stamp[:19] + "+00:00") - offset
            elif len(stamp) == 25 and stamp[19] in "+-":  # "YYYY-MM-DDTHH:MM:SS+08:00"
                found = offsets.get(stamp[19:], _UNSEEN)
                if found is _UNSEEN:
                    found = offsets[stamp[19:]] = _offset(stamp[19:])
                if found is None:
                    raise ValueError
                submitted = stamp_parse(stamp[:19] + "+00:00") - found  # tzinfo is dt.UTC
                suffix, offset = stamp[19:], found
            else:
                submitted = stamp_parse(stamp)
                if submitted.tzinfo is None:
                    raise ValueError
                submitted = submitted.astimezone(utc)
            in_plan, amount = False, None
            if attrs == _PLANNED and attrs["in_plan"] is True:  # not 1 (== True)
                in_plan = True
            elif attrs == _UNPLANNED and attrs["in_plan"] is False:  # not 0 (== False)
                pass
            elif attrs:
                if type(attrs) is not dict or not _ATTRIBUTE.issuperset(attrs):
                    raise ValueError
                in_plan = attrs.get("in_plan", False)
                amount = attrs.get("amount")
                if type(in_plan) is not bool:
                    raise ValueError
                if amount is not None:
                    amount = fen_of(amount)  # None: not an amount
                    if amount is None:
                        raise ValueError
            elif attrs is not None and attrs != {}:
                raise ValueError
        except (ValueError, TypeError, KeyError):
            on_problem(c, f"claims[{i}]", seen)
            continue
        seen.add(cid)
        row = (cid, ben, mid, matter, cost, day, submitted, in_plan, amount)
        out.append(new_claim(Claim, row))
        keep(row)
    return out
