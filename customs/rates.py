"""Monthly exchange rates: the shipped reference table and the lookup used by the ledger."""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

# This module is imported by parse workers, which have no database: models load lazily.

DATA_FILE = Path(__file__).resolve().parent / "data" / "exchange_rates.csv"
ONE = Decimal(1)


class RateMissing(Exception):
    """No exchange rate for a currency and month: the file is refused until one is entered."""


def month_of(value: object) -> int:
    """``YYYYMM`` of a date."""
    return int(value.year) * 100 + int(value.month)  # type: ignore[attr-defined]


def to_fen(amount: Decimal, rate: Decimal) -> int:
    """CNY fen of ``amount`` at ``rate``, rounded half up to the fen (the one rounding place)."""
    return int((amount * rate * 100).quantize(ONE, rounding=ROUND_HALF_UP))


def read_rates_csv(path: Path) -> list[tuple[str, int, Decimal, bool]]:
    """(currency, month, rate, is_reference) rows of a rate file; ValueError with the line."""
    rows: list[tuple[str, int, Decimal, bool]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                currency = row["currency"].strip()
                month = int(row["month"])
                rate = Decimal(row["rate"].strip())
            except (KeyError, ValueError, InvalidOperation, AttributeError) as exc:
                raise ValueError(f"第 {number} 行格式错误：{exc}") from exc
            if len(currency) != 3 or not 190001 <= month <= 299912 or not 1 <= month % 100 <= 12:
                raise ValueError(f"第 {number} 行：币制或月份无效。")
            if rate <= 0:
                raise ValueError(f"第 {number} 行：汇率必须大于 0。")
            rows.append((currency, month, rate, (row.get("note") or "") == "reference"))
    return rows


@transaction.atomic
def load_shipped_rates() -> int:
    """Insert the shipped reference rates that are not in the table yet (never overwrites)."""
    from customs.models import ExchangeRate

    existing = set(ExchangeRate.objects.values_list("currency", "month"))
    new = [
        ExchangeRate(
            currency=c,
            month=m,
            rate=r,
            is_reference=True,
            source="随系统发布的参考值 shipped reference value",
        )
        for c, m, r, _ref in read_rates_csv(DATA_FILE)
        if (c, m) not in existing
    ]
    ExchangeRate.objects.bulk_create(new, batch_size=500)
    return len(new)


def rate_table() -> dict[tuple[str, int], Decimal]:
    """All rates, ``(currency, YYYYMM) → rate``, for one ingest run (a few thousand rows); the
    shipped reference rates are loaded first if the table is empty."""
    from customs.models import ExchangeRate

    if not ExchangeRate.objects.exists():
        load_shipped_rates()
    return {(c, m): r for c, m, r in ExchangeRate.objects.values_list("currency", "month", "rate")}
