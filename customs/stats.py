"""Statistics of the customs-monitored CBEC trade ledger (released lines only), from the exact
pre-aggregate, and the engine fact ``cbec_trade(enterprise, year)``.

Amounts are integer fen in the database, so every total here is exact; they are returned as
``Decimal`` (selectors) or strings with two decimals (the JSON shape of ``ddt customs stats``).
Lines whose customs code matches no enterprise count in the totals, by mode, direction, month and
country, but not under ``by_county`` / ``by_enterprise`` (they have neither until an officer maps
the code).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from customs import reference
from customs.models import LedgerAggregate, LedgerLine, fen_to_yuan


def _money(fen: int | None) -> str:
    return f"{fen_to_yuan(fen):.2f}"


def _base(year: int, county: str | None) -> QuerySet[LedgerAggregate]:
    qs = LedgerAggregate.objects.filter(year=year)
    if county:
        qs = qs.filter(county__code=county)
    return qs


def _by(qs: QuerySet[LedgerAggregate], field: str) -> dict[str, int]:
    rows = qs.values_list(field).annotate(fen=Sum("amount_cny_fen")).order_by()
    return {str(key): int(fen or 0) for key, fen in rows if key is not None}


def customs_stats(*, year: int, county: str | None = None) -> dict[str, Any]:
    """The statistics of ``year`` (optionally one county code) in the documented JSON shape."""
    qs = _base(year, county)
    total = int(qs.aggregate(fen=Sum("amount_cny_fen"))["fen"] or 0)
    by_mode = dict.fromkeys(reference.CBEC_MODES, 0)
    by_mode.update(_by(qs, "mode"))
    by_direction = {"export": 0, "import": 0}
    by_direction.update(_by(qs, "direction"))
    months = _by(qs, "month")
    by_month = {f"{year}-{m:02d}": months.get(str(year * 100 + m), 0) for m in range(1, 13)}
    return {
        "year": year,
        "total_cny": _money(total),
        "by_mode": {k: _money(v) for k, v in sorted(by_mode.items())},
        "by_direction": {k: _money(v) for k, v in by_direction.items()},
        "by_month": {k: _money(v) for k, v in by_month.items()},
        "by_county": {k: _money(v) for k, v in sorted(_by(qs, "county__code").items())},
        "by_enterprise": {k: _money(v) for k, v in sorted(_by(qs, "enterprise__uscc").items())},
        "by_country": {k: _money(v) for k, v in sorted(_by(qs, "country").items())},
    }


def cbec_trade(enterprise: Any, year: int) -> Decimal:
    """Customs-monitored CBEC import + export of ``enterprise`` in ``year`` (CNY, released)."""
    pk = getattr(enterprise, "pk", enterprise)
    fen = LedgerAggregate.objects.filter(enterprise_id=pk, year=year).aggregate(
        fen=Sum("amount_cny_fen")
    )["fen"]
    return fen_to_yuan(fen)


def direct_total_fen(*, year: int) -> int:
    """The same total by a direct sum over released lines (for tests and audits)."""
    fen = LedgerLine.objects.filter(
        released=True, month__gte=year * 100, month__lt=(year + 1) * 100
    ).aggregate(fen=Sum("amount_cny_fen"))["fen"]
    return int(fen or 0)


def stats_table(data: dict[str, Any]) -> str:
    """A plain text table of the statistics (``--format table``)."""
    out = [f"年度 Year {data['year']}    合计 Total CNY {data['total_cny']}", ""]
    titles = {
        "by_mode": "监管方式 Mode",
        "by_direction": "进出口 Direction",
        "by_month": "月份 Month",
        "by_county": "县区 County",
        "by_enterprise": "企业 Enterprise (USCC)",
        "by_country": "国别 Country",
    }
    for key, title in titles.items():
        out.append(title)
        values = data[key]
        if not values:
            out.append("  —")
        width = max((len(k) for k in values), default=0)
        for name, amount in values.items():
            out.append(f"  {name.ljust(width)}  {amount:>20}")
        out.append("")
    return "\n".join(out)
