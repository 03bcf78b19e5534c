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

from django.db import connection
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


# (key of the JSON, aggregate column, column of the related code) — the breakdowns of ``stats``.
_BREAKDOWNS = (
    ("by_mode", "mode", None),
    ("by_direction", "direction", None),
    ("by_month", "month", None),
    ("by_county", "county_id", "county__code"),
    ("by_enterprise", "enterprise_id", "enterprise__uscc"),
    ("by_country", "country", None),
)


def _sums_portable(year: int, county: str | None) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and every breakdown from two grouped queries (any database): one by month,
    mode, direction and country (a few hundred rows), one by enterprise and county (one row per
    enterprise); the breakdowns are summed from those in Python."""
    qs = _base(year, county)
    trade = qs.values_list("month", "mode", "direction", "country").annotate(
        fen=Sum("amount_cny_fen")
    )
    owners = qs.values_list("enterprise_id", "county_id").annotate(fen=Sum("amount_cny_fen"))
    sums: dict[str, dict[str, int]] = {key: {} for key, _c, _r in _BREAKDOWNS}
    total = 0
    for month, mode, direction, country, fen in trade.order_by():
        fen = int(fen or 0)
        total += fen
        for key, value in (
            ("by_month", month),
            ("by_mode", mode),
            ("by_direction", direction),
            ("by_country", country),
        ):
            if value is not None:
                bucket = sums[key]
                bucket[str(value)] = bucket.get(str(value), 0) + fen
    by_owner = list(owners.order_by())
    _name_owners(sums, [(e, c, int(fen or 0)) for e, c, fen in by_owner])
    return total, sums


def _name_owners(sums: dict[str, dict[str, int]], rows: list[tuple[Any, Any, int]]) -> None:
    """Add (enterprise id, county id, fen) rows to ``by_enterprise`` (USCC) and ``by_county``
    (county code): the ids are named with two small look-ups instead of joins over every row."""
    from codes.models import County
    from enterprises import selectors as registry

    usccs = {
        pk: uscc
        for pk, (uscc,) in registry.enterprise_values(
            {e for e, _c, _f in rows if e is not None}, "uscc"
        ).items()
    }
    codes = dict(
        County.objects.filter(pk__in={c for _e, c, _f in rows if c is not None}).values_list(
            "pk", "code"
        )
    )
    for enterprise, county, fen in rows:
        for key, name in (
            ("by_enterprise", usccs.get(enterprise)),
            ("by_county", codes.get(county)),
        ):
            if name is not None:
                bucket = sums[key]
                bucket[name] = bucket.get(name, 0) + fen


def _sums_grouping_sets(year: int, county: str | None) -> tuple[int, dict[str, dict[str, int]]]:
    """The same from one scan of the year's aggregate rows (PostgreSQL ``GROUPING SETS``);
    enterprise and county ids become USCC and county codes afterwards (small look-ups)."""
    from codes.models import County

    qn = connection.ops.quote_name
    table = qn(LedgerAggregate._meta.db_table)
    columns = [column for _key, column, _related in _BREAKDOWNS]
    flags = ", ".join(f"GROUPING({qn(c)})" for c in columns)
    sets = ", ".join(["()", *(f"({qn(c)})" for c in columns)])
    where = f"{table}.{qn('year')} = %s"
    params: list[Any] = [year]
    if county:
        county_ids = list(County.objects.filter(code=county).values_list("pk", flat=True))
        where += f" AND {table}.{qn('county_id')} = ANY(%s)"
        params.append(county_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(qn(c) for c in columns)}, {flags}, SUM({qn('amount_cny_fen')}) "  # noqa: S608 - names from model metadata
            f"FROM {table} WHERE {where} GROUP BY GROUPING SETS ({sets})",
            params,
        )
        rows = cursor.fetchall()
    n = len(columns)
    total = 0
    raw: dict[str, dict[Any, int]] = {key: {} for key, _c, _r in _BREAKDOWNS}
    for row in rows:
        fen = int(row[-1] or 0)
        grouped = [i for i in range(n) if not row[n + i]]
        if not grouped:
            total = fen
            continue
        (i,) = grouped
        if row[i] is not None:
            raw[_BREAKDOWNS[i][0]][row[i]] = fen
    sums = {
        key: {str(value): fen for value, fen in values.items()}
        for key, values in raw.items()
        if key not in ("by_county", "by_enterprise")
    }
    sums["by_county"], sums["by_enterprise"] = {}, {}
    _name_owners(
        sums,
        [(e, None, fen) for e, fen in raw["by_enterprise"].items()]
        + [(None, c, fen) for c, fen in raw["by_county"].items()],
    )
    return total, sums


def customs_stats(*, year: int, county: str | None = None) -> dict[str, Any]:
    """The statistics of ``year`` (optionally one county code) in the documented JSON shape."""
    if connection.vendor == "postgresql":
        total, sums = _sums_grouping_sets(year, county)
    else:
        total, sums = _sums_portable(year, county)
    by_mode = dict.fromkeys(reference.CBEC_MODES, 0)
    by_mode.update(sums["by_mode"])
    by_direction = {"export": 0, "import": 0}
    by_direction.update(sums["by_direction"])
    months = sums["by_month"]
    by_month = {f"{year}-{m:02d}": months.get(str(year * 100 + m), 0) for m in range(1, 13)}
    return {
        "year": year,
        "total_cny": _money(total),
        "by_mode": {k: _money(v) for k, v in sorted(by_mode.items())},
        "by_direction": {k: _money(v) for k, v in by_direction.items()},
        "by_month": {k: _money(v) for k, v in by_month.items()},
        "by_county": {k: _money(v) for k, v in sorted(sums["by_county"].items())},
        "by_enterprise": {k: _money(v) for k, v in sorted(sums["by_enterprise"].items())},
        "by_country": {k: _money(v) for k, v in sorted(sums["by_country"].items())},
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
        declaration__released=True, month__gte=year * 100 + 1, month__lte=year * 100 + 12
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
