"""The one place the export desk quantises money: two places, half up (the project's cent,
:data:`entitlement.money.CENT`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from entitlement.money import CENT

ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
