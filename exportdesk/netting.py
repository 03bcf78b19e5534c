"""The figures of an FX netting statement (汇发〔2020〕11号: CBEC enterprises may net overseas
warehousing, logistics and tax costs against their export proceeds).

For an enterprise, a period of whole months and a currency:

* released export value — the customs ledger's released export lines (海关放行的跨境电商出口)
  declared in that currency, in the currency (``LedgerLine.amount``), and the released export
  value of all currencies in CNY from the ledger's pre-aggregate (``LedgerAggregate``, the same
  table the credit trade profile reads: ``credit.profile.trade``);
* overseas costs — what the enterprise entered or its warehouse / logistics partners reported,
  by kind, in that currency;
* proceeds received — what it entered or its bank partner reported, in that currency;
  a partner-reported item the enterprise excluded (``excluded_at``) is left out;
* net amount due = released export value − overseas costs; difference = proceeds − net due
  (negative: less received than the netted value; positive: more).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from exportdesk.models import CostKind, OverseasCost, ProceedsReceipt
from exportdesk.money import ZERO, money


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @classmethod
    def of_months(cls, start: int, end: int) -> Period:
        """From YYYYMM ``start`` to YYYYMM ``end``, both whole months."""
        y2, m2 = divmod(end, 100)
        last_day = calendar.monthrange(y2, m2)[1]
        return cls(dt.date(start // 100, start % 100, 1), dt.date(y2, m2, last_day))

    @property
    def month_from(self) -> int:
        return self.first.year * 100 + self.first.month

    @property
    def month_to(self) -> int:
        return self.last.year * 100 + self.last.month

    def label(self) -> str:
        return f"{self.first:%Y-%m} — {self.last:%Y-%m}"


def parse_month(text: str) -> int | None:
    """``2026-03`` → 202603; None when not a month of 2000–2100."""
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year * 100 + month


def customs_currency(iso_alpha: str) -> str:
    """The customs numeric currency code (502 for USD) of an ISO 4217 code, '' if unknown."""
    from codes.models import Currency

    row = Currency.objects.filter(iso_alpha=iso_alpha).values_list("customs_code", flat=True)
    return str(row.first() or "")


def currency_choices() -> list[tuple[str, str]]:
    from codes.models import Currency

    rows = Currency.objects.exclude(iso_alpha="").exclude(iso_alpha="CNY").order_by("iso_alpha")
    return [(c.iso_alpha, f"{c.iso_alpha} {c.label}") for c in rows]


def export_value_cny(enterprise_id: int, period: Period) -> Decimal:
    """Released exports of every currency in CNY, from the ledger's pre-aggregate."""
    from customs.models import Direction, LedgerAggregate, fen_to_yuan

    fen = LedgerAggregate.objects.filter(
        enterprise_id=enterprise_id,
        direction=Direction.EXPORT,
        month__gte=period.month_from,
        month__lte=period.month_to,
    ).aggregate(s=Sum("amount_cny_fen"))["s"]
    return money(fen_to_yuan(fen))


def export_value(enterprise_id: int, period: Period, currency: str) -> Decimal:
    """Released export lines declared in ``currency`` (ISO), summed in that currency."""
    from customs.models import Direction, LedgerLine

    code = customs_currency(currency)
    if not code:
        return ZERO
    total = LedgerLine.objects.filter(
        declaration__enterprise_id=enterprise_id,
        declaration__released=True,
        direction=Direction.EXPORT,
        month__gte=period.month_from,
        month__lte=period.month_to,
        currency=code,
    ).aggregate(s=Sum("amount"))["s"]
    return money(total or 0)


@dataclass
class Figures:
    currency: str
    period: Period
    export_value: Decimal
    export_value_cny: Decimal
    costs: dict[str, Decimal]
    proceeds: Decimal
    cost_lines: list[dict[str, Any]] = field(default_factory=list)
    proceeds_lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def costs_total(self) -> Decimal:
        return money(sum(self.costs.values(), ZERO))

    @property
    def net_due(self) -> Decimal:
        return money(self.export_value - self.costs_total)

    @property
    def difference(self) -> Decimal:
        return money(self.proceeds - self.net_due)


def figures(enterprise_id: int, period: Period, currency: str) -> Figures:
    costs = OverseasCost.objects.filter(
        enterprise_id=enterprise_id,
        currency=currency,
        incurred_on__gte=period.first,
        incurred_on__lte=period.last,
        excluded_at__isnull=True,
    ).order_by("incurred_on", "pk")
    receipts = ProceedsReceipt.objects.filter(
        enterprise_id=enterprise_id,
        currency=currency,
        received_on__gte=period.first,
        received_on__lte=period.last,
        excluded_at__isnull=True,
    ).order_by("received_on", "pk")
    by_kind = {kind: ZERO for kind in CostKind.values}
    for c in costs:
        by_kind[c.kind] = money(by_kind[c.kind] + c.amount)
    return Figures(
        currency=currency,
        period=period,
        export_value=export_value(enterprise_id, period, currency),
        export_value_cny=export_value_cny(enterprise_id, period),
        costs=by_kind,
        proceeds=money(sum((r.amount for r in receipts), ZERO)),
        cost_lines=[
            {
                "date": c.incurred_on.isoformat(),
                "kind": c.kind,
                "payee": c.payee,
                "description": c.description,
                "amount": str(money(c.amount)),
                "sha256": c.sha256,
                "source": c.source_name,
            }
            for c in costs
        ],
        proceeds_lines=[
            {
                "date": r.received_on.isoformat(),
                "bank": r.bank,
                "reference": r.reference,
                "amount": str(money(r.amount)),
                "source": r.source_name,
            }
            for r in receipts
        ],
    )
