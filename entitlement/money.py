"""Money helpers: parsing, rounding down (舍尾) to whole yuan and formatting.

The one place where amounts are quantised. At the edges amounts are ``Decimal``; inputs are
strings with at most two decimals ("12000", "12000.5", "12000.50"); outputs are strings with
two decimals. Inside the engine's hot path amounts are exact integers of fen (cents): every
amount of the contract has at most two decimals, so integer arithmetic is exact, and it is
several times faster than ``Decimal``. Rates (at most four decimals) are integers of 1/10,000.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")
RATE_SCALE = 10_000  # a rate as an integer of 1/10,000: "0.70" → 7000

# A non-negative amount with at most two decimals, as written in guides and scenarios.
_AMOUNT_RE = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,2})?")
# A rate: 0 … 1 with at most four decimals ("0.5", "0.70", "0.02").
_RATE_RE = re.compile(r"(?:0(?:\.[0-9]{1,4})?|1(?:\.0{1,4})?)")


class AmountError(ValueError):
    """The text is not an amount (or not a rate)."""


def parse_amount(text: object) -> Decimal:
    """A non-negative amount from a string with at most two decimals; else ``AmountError``."""
    if type(text) is not str or _AMOUNT_RE.fullmatch(text) is None:
        raise AmountError(text)
    return Decimal(text)


def cents_of(text: str) -> int:
    """Fen of an amount text that ``_AMOUNT_RE`` matched: "12000.5" → 1200050."""
    dot = text.find(".")
    if dot < 0:
        return int(text) * 100
    digits = int(text.replace(".", ""))
    return digits if len(text) - dot == 3 else digits * 10


def fen_of(text: object) -> int | None:
    """Fen of an amount text (what ``_AMOUNT_RE`` matches), ``None`` if it is not one.

    The common form, two decimals ("12000.50"), is checked with str methods, which accept the
    same texts as the regex there (a test fuzzes both) at half the cost; other forms take the
    regex.
    """
    if type(text) is not str:
        return None
    if 3 < len(text) < 19 and text[-3] == "." and (text[0] != "0" or len(text) == 4):
        digits = text.replace(".", "", 1)  # a second "." stays and fails isdecimal()
        if digits.isdecimal() and digits.isascii():  # ASCII 0-9 only
            return int(digits)
    if _AMOUNT_RE.fullmatch(text) is None:
        return None
    return cents_of(text)


def parse_cents(text: object) -> int:
    """Fen of a non-negative amount string with at most two decimals; else ``AmountError``."""
    if type(text) is not str or _AMOUNT_RE.fullmatch(text) is None:
        raise AmountError(text)
    return cents_of(text)


def to_cents(amount: Decimal) -> int:
    """Exact fen of a ``Decimal`` with at most two decimals; ``AmountError`` otherwise."""
    scaled = amount.scaleb(2)
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise AmountError(amount)
    return int(scaled)


def from_cents(cents: int) -> Decimal:
    """The ``Decimal`` of an amount in fen (two decimal places): 4000000 → Decimal("40000.00")."""
    return Decimal(cents).scaleb(-2)


def rate_units(rate: Decimal) -> int:
    """A rate as an exact integer of 1/10,000 (``RATE_SCALE``): Decimal("0.7") → 7000."""
    scaled = rate * RATE_SCALE
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise AmountError(rate)
    return int(scaled)


def unit_cents(unit: Decimal) -> int:
    """The rounding unit in fen (1 yuan → 100); it must be a positive whole number of fen."""
    cents = to_cents(unit)
    if cents <= 0:
        raise AmountError(unit)
    return cents


def floor_cents(cents: int, unit: int) -> int:
    """Round down (舍尾) an amount in fen to a multiple of ``unit`` fen; nothing below zero.

    The integer twin of ``round_down``: ``floor_cents(to_cents(a), unit_cents(u))`` equals
    ``to_cents(round_down(a, u))``.
    """
    if cents <= 0:
        return 0
    return cents // unit * unit


def share_cents(cost: int, rate: int, unit: int) -> int:
    """``cost × rate`` rounded down (舍尾) to ``unit``: fen × (1/10,000) → fen, exactly."""
    if cost <= 0 or rate <= 0:
        return 0
    return cost * rate // (RATE_SCALE * unit) * unit


def scale_cents(cents: int, numerator: int, denominator: int, unit: int) -> int:
    """``cents × numerator / denominator`` rounded down to ``unit`` fen (pro-rata budget)."""
    if denominator <= 0:
        return 0
    return cents * numerator // denominator // unit * unit


def scale_all_cents(amounts: list[int], numerator: int, denominator: int, unit: int) -> list[int]:
    """``scale_cents`` of every amount (the pro-rata budget for a whole run at once)."""
    if denominator <= 0:
        return [0] * len(amounts)
    per = denominator * unit  # a // d // u == a // (d * u) for positive d and u
    return [a * numerator // per * unit for a in amounts]


def fmt_cents(cents: int) -> str:
    """Two-decimal string for output from fen: 4000000 → "40000.00" (same as ``fmt``)."""
    if cents < 0:
        return "-" + fmt_cents(-cents)
    return f"{cents // 100}.{cents % 100:02d}"


def fmt_grouped_cents(cents: int) -> str:
    """Two decimals with thousands separators from fen (same as ``fmt_grouped``)."""
    if cents < 0:
        return "-" + fmt_grouped_cents(-cents)
    return f"{cents // 100:,}.{cents % 100:02d}"


def is_amount_text(text: object) -> bool:
    return type(text) is str and _AMOUNT_RE.fullmatch(text) is not None


def parse_rate(text: object) -> Decimal:
    """A rate between 0 and 1 with at most four decimals; else ``AmountError``."""
    if type(text) is not str or _RATE_RE.fullmatch(text) is None:
        raise AmountError(text)
    return Decimal(text)


def parse_decimal(text: str) -> Decimal:
    """A trusted decimal (catalogue data); raises ``AmountError`` on malformed text."""
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - catalogue data is checked by tests
        raise AmountError(text) from exc


def round_down(amount: Decimal, unit: Decimal) -> Decimal:
    """Round down (舍尾) to a multiple of ``unit`` (the catalogue's rounding unit, 1 yuan)."""
    if amount <= ZERO:
        return ZERO
    return amount // unit * unit  # // truncates toward zero: the floor for positive amounts


def fmt(amount: Decimal) -> str:
    """Two-decimal string for output: Decimal("40000") → "40000.00"."""
    return str(amount.quantize(CENT, rounding=ROUND_DOWN))


def fmt_rate(rate: Decimal) -> str:
    """A rate as a percentage for messages: Decimal("0.5") → "50%"."""
    pct = (rate * 100).normalize()
    return f"{pct:f}%"


def fmt_grouped(amount: Decimal) -> str:
    """Two decimals with thousands separators, for reports: "1,200,000.00"."""
    return f"{amount.quantize(CENT, rounding=ROUND_DOWN):,}"


def canonical(amount: Decimal) -> str:
    """A canonical plain-number string (no exponent, no trailing zeros) for hashing."""
    text = f"{amount.normalize():f}"
    return text


class Scaler:
    """``amount × numerator / denominator`` rounded down to ``unit``, in exact integer cents."""

    def __init__(self, numerator: Decimal, denominator: Decimal, unit: Decimal) -> None:
        self.num = int(numerator * 100)
        self.den = int(denominator * 100)
        self.unit = int(unit * 100)

    def __call__(self, amount: Decimal) -> Decimal:
        if self.den <= 0:
            return ZERO
        return from_cents(scale_cents(int(amount * 100), self.num, self.den, self.unit))


def ratio(numerator: Decimal, denominator: Decimal, places: int = 6) -> Decimal:
    """A ratio rounded down to ``places`` decimals (for display: the pro-rata scale)."""
    if denominator <= ZERO:
        return ZERO
    exp = Decimal(1).scaleb(-places)
    return (numerator / denominator).quantize(exp, rounding=ROUND_DOWN)
