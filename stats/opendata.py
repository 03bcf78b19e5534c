"""Open data (公开统计): aggregated figures for the public pages and the open API.

No enterprise-level figure is ever published. Every published number is a *cell* built by
:func:`suppress`, the one rule of disclosure control: a cell built from fewer than
``MIN_ENTERPRISES`` distinct enterprises is published as suppressed (no value). Trade cells count
enterprises by e-commerce enterprise customs code (so unmapped codes count too).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from stats import sources
from stats.cache import cached
from stats.targets import load_targets

MIN_ENTERPRISES = 3
OPEN_COUNTY_TARGETS = ("cbec_trade", "new_cbec_enterprises", "enterprises_in_parks")


def suppress(value: Decimal | int | None, enterprises: int, **key: Any) -> dict[str, Any]:
    """The one suppression function of every open-data cell.

    ``key`` names the cell (dimension → value). The cell's value is published only when it was
    built from at least ``MIN_ENTERPRISES`` distinct enterprises.
    """
    shown = enterprises >= MIN_ENTERPRISES and value is not None
    return {
        "key": {k: v for k, v in key.items()},
        "value": str(value) if shown else None,
        "suppressed": not shown,
    }


def _cells(
    rows: Any, dim: str, *, year: int, convert: Any = sources.fen_to_yuan
) -> list[dict[str, Any]]:
    return [
        suppress(convert(fen), int(n or 0), year=year, **{dim: key})
        for key, fen, n in rows
        if key is not None
    ]


TRADE_DIMENSIONS = (
    # (published name, queryset field, SQL column of the grouping-sets query)
    ("month", "month", "a.month"),
    ("mode", "mode", "a.mode"),
    ("direction", "direction", "a.direction"),
    ("county", "county__code", "c.code"),
    ("country", "country", "a.country"),
)

TradeRows = dict[str, list[tuple[Any, Any, Any]]]


def _trade_rows_portable(*, year: int) -> tuple[tuple[Any, Any], TradeRows]:
    """Total and grouped rows ``(key, fen, enterprises)`` of ``year``: one query per dimension."""
    qs = sources.trade_aggregates(year=year, county=None)
    total = qs.aggregate(f=Sum("amount_cny_fen"), n=Count("ebc_code", distinct=True))
    rows: TradeRows = {}
    for name, field, _column in TRADE_DIMENSIONS:
        rows[name] = list(
            qs.values_list(field)
            .annotate(f=Sum("amount_cny_fen"), n=Count("ebc_code", distinct=True))
            .order_by(field)
        )
    return (total["f"], total["n"]), rows


def _trade_rows_grouping_sets(*, year: int) -> tuple[tuple[Any, Any], TradeRows]:
    """The same rows as :func:`_trade_rows_portable` from one ``GROUPING SETS`` query
    (PostgreSQL): one scan of the year's pre-aggregate instead of six."""
    from django.db import connection

    from codes.models import County
    from customs.models import LedgerAggregate

    columns = [column for _name, _field, column in TRADE_DIMENSIONS]
    flags = [f"g{i}" for i in range(len(columns))]
    keys = [f"k{i}" for i in range(len(columns))]
    inner_flags = ", ".join(f"GROUPING({c}) AS {g}" for c, g in zip(columns, flags, strict=True))
    inner_keys = ", ".join(f"{c} AS {k}" for c, k in zip(columns, keys, strict=True))
    sets = ", ".join(["(a.ebc_code)", *(f"({c}, a.ebc_code)" for c in columns)])
    outer = ", ".join([*flags, *keys])
    # Inner: every cell's amount per enterprise code (hashed grouping sets); outer: the cell's
    # sum and its number of codes. Same figures as COUNT(DISTINCT), without one sort per cell.
    # Only constant identifiers are interpolated; the year is a parameter.
    sql = (
        f"SELECT {outer}, SUM(f), COUNT(*) FROM ("  # noqa: S608
        f"SELECT {inner_flags}, {inner_keys}, SUM(a.amount_cny_fen) AS f "
        f"FROM {LedgerAggregate._meta.db_table} a "
        f"LEFT JOIN {County._meta.db_table} c ON c.id = a.county_id "
        f"WHERE a.year = %s GROUP BY GROUPING SETS ({sets})"
        f") g GROUP BY {outer} ORDER BY {outer}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        result = cursor.fetchall()
    k = len(columns)
    total: tuple[Any, Any] = (None, 0)
    rows: TradeRows = {name: [] for name, _field, _column in TRADE_DIMENSIONS}
    for row in result:
        grouped = [i for i in range(k) if not row[i]]  # GROUPING() = 0: grouped by that column
        fen, n = row[2 * k], row[2 * k + 1]
        if not grouped:
            total = (fen, n)
        else:
            i = grouped[0]
            rows[TRADE_DIMENSIONS[i][0]].append((row[k + i], fen, n))
    return total, rows


def _trade_rows(*, year: int) -> tuple[tuple[Any, Any], TradeRows]:
    from django.db import connection

    if connection.vendor == "postgresql":
        return _trade_rows_grouping_sets(year=year)
    return _trade_rows_portable(year=year)


def _open_trade(*, year: int) -> dict[str, Any]:
    """City trade of ``year``: total and by month, mode, direction, county and country."""
    (fen, n), rows = _trade_rows(year=year)
    out: dict[str, Any] = {
        "year": year,
        "unit": "CNY",
        "total": suppress(sources.fen_to_yuan(fen), int(n or 0), year=year),
    }
    for name, _field, _column in TRADE_DIMENSIONS:
        out[f"by_{name}"] = _cells(rows[name], name, year=year)
    return out


def _open_targets(*, year: int) -> dict[str, Any]:
    """City figures of every 2027 target in ``year`` (each a suppressed-or-not cell)."""
    cells = []
    for target in load_targets():
        m = target.measure(year=year, county=None)
        cell = suppress(m.value, m.enterprises, year=year, target=target.id)
        cell["target_value"] = str(target.value)
        cell["name"] = target.text("name")
        cell["unit"] = target.text("unit")
        cells.append(cell)
    return {"year": year, "targets": cells}


def _open_counties(*, year: int) -> dict[str, Any]:
    """Per county: the figures of a few targets of ``year``."""
    from codes.models import County

    counties = []
    for county in County.objects.all():
        cells = []
        for target in load_targets():
            if target.id not in OPEN_COUNTY_TARGETS:
                continue
            m = target.measure(year=year, county=county)
            cells.append(
                suppress(m.value, m.enterprises, year=year, county=county.code, target=target.id)
            )
        counties.append({"code": county.code, "name": county.name, "cells": cells})
    return {"year": year, "counties": counties}


def default_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def valid_year(year: int | None) -> int:
    """A year in the policy's range (2024 … 2027); anything else is refused."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if year is None:
        return min(default_year(), 2027)
    if not 2024 <= year <= 2027:
        raise ValidationError(_("年度须在2024至2027之间。"))
    return year


def open_trade(*, year: int) -> dict[str, Any]:
    return cached(("open_trade", year), lambda: _open_trade(year=year))


def open_targets(*, year: int) -> dict[str, Any]:
    return cached(("open_targets", year), lambda: _open_targets(year=year))


def open_counties(*, year: int) -> dict[str, Any]:
    return cached(("open_counties", year), lambda: _open_counties(year=year))
