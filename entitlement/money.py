"""Money helpers: parsing, rounding down (舍尾) to whole yuan and formatting.

The one place where amounts are quantised. Amounts are ``Decimal``; inputs are strings with at
most two decimals ("12000", "12000.5", "12000.50"); outputs are strings with two decimals.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")

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
        cents = int(amount * 100) * self.num // self.den
        return Decimal(cents // self.unit * self.unit).scaleb(-2)


def ratio(numerator: Decimal, denominator: Decimal, places: int = 6) -> Decimal:
    """A ratio rounded down to ``places`` decimals (for display: the pro-rata scale)."""
    if denominator <= ZERO:
        return ZERO
    exp = Decimal(1).scaleb(-places)
    return (numerator / denominator).quantize(exp, rounding=ROUND_DOWN)
