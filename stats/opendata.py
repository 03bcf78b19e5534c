"""Open data (公开统计): aggregated figures for the public pages and the open API.

No enterprise-level figure is ever published. Every published number is a *cell* built by
:func:`suppress`. Primary rule: a cell built from fewer than ``MIN_ENTERPRISES`` distinct
enterprises is published as suppressed (no value). Complementary rule (:func:`protect`): in every
trade dimension the suppressed cells, taken together, must pass the same rule, so that no
suppressed cell is the published total minus published cells. The ``cbec_trade`` target cells
repeat the trade total and county cells and follow their decision. Trade cells count enterprises
by e-commerce enterprise customs code (so unmapped codes count too). See docs/statistics.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

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


TRADE_DIMENSIONS = (
    # (published name, queryset field, SQL column of the grouping-sets query)
    ("month", "month", "a.month"),
    ("mode", "mode", "a.mode"),
    ("direction", "direction", "a.direction"),
    ("county", "county__code", "c.code"),
    ("country", "country", "a.country"),
)

TradeRows = dict[str, list[tuple[Any, Any, Any]]]
# Who is behind a cell: e-commerce enterprise customs code -> fen.
Contributions = dict[str, int]
# The year's contributions: the total's, and per dimension per key (None: rows without a key).
TradeContributions = tuple[Contributions, dict[str, dict[Any, Contributions]]]


def _trade_contributions_portable(*, year: int) -> TradeContributions:
    """Every cell's amount per enterprise code: one query per dimension."""
    qs = sources.trade_aggregates(year=year, county=None)
    total: Contributions = {}
    cells: dict[str, dict[Any, Contributions]] = {}
    for name, field, _column in TRADE_DIMENSIONS:
        by_key: dict[Any, Contributions] = {}
        for key, code, fen in (
            qs.values_list(field, "ebc_code")
            .annotate(f=Sum("amount_cny_fen"))
            .order_by()
            .values_list(field, "ebc_code", "f")
        ):
            by_key.setdefault(key, {})[code] = int(fen or 0)
        cells[name] = by_key
    for code, fen in (
        qs.values_list("ebc_code")
        .annotate(f=Sum("amount_cny_fen"))
        .order_by()
        .values_list("ebc_code", "f")
    ):
        total[code] = int(fen or 0)
    return total, cells


def _trade_contributions_grouping_sets(*, year: int) -> TradeContributions:
    """The same contributions from one ``GROUPING SETS`` query (PostgreSQL): one scan of the
    year's pre-aggregate instead of six."""
    from django.db import connection

    from codes.models import County
    from customs.models import LedgerAggregate

    columns = [column for _name, _field, column in TRADE_DIMENSIONS]
    flags = ", ".join(f"GROUPING({c})" for c in columns)
    keys = ", ".join(columns)
    sets = ", ".join(["(a.ebc_code)", *(f"({c}, a.ebc_code)" for c in columns)])
    # Only constant identifiers are interpolated; the year is a parameter.
    sql = (
        f"SELECT {flags}, {keys}, a.ebc_code, SUM(a.amount_cny_fen) "  # noqa: S608
        f"FROM {LedgerAggregate._meta.db_table} a "
        f"LEFT JOIN {County._meta.db_table} c ON c.id = a.county_id "
        f"WHERE a.year = %s GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        result = cursor.fetchall()
    k = len(columns)
    total: Contributions = {}
    cells: dict[str, dict[Any, Contributions]] = {name: {} for name, _f, _c in TRADE_DIMENSIONS}
    for row in result:
        grouped = [i for i in range(k) if not row[i]]  # GROUPING() = 0: grouped by that column
        code, fen = row[2 * k], int(row[2 * k + 1] or 0)
        if not grouped:
            total[code] = fen
        else:
            i = grouped[0]
            cells[TRADE_DIMENSIONS[i][0]].setdefault(row[k + i], {})[code] = fen
    return total, cells


def _trade_contributions(*, year: int) -> TradeContributions:
    from django.db import connection

    if connection.vendor == "postgresql":
        return _trade_contributions_grouping_sets(year=year)
    return _trade_contributions_portable(year=year)


def _order(key: Any) -> tuple[bool, Any]:
    return (key is None, key if key is not None else "")


def _rows(contributions: TradeContributions) -> tuple[tuple[Any, Any], TradeRows]:
    """Total and grouped rows ``(key, fen, enterprises)`` ordered by key."""
    total, cells = contributions
    rows: TradeRows = {}
    for name, by_key in cells.items():
        keyed = sorted(by_key.items(), key=lambda kv: _order(kv[0]))
        rows[name] = [(key, sum(c.values()), len(c)) for key, c in keyed]
    return ((sum(total.values()) if total else None), len(total)), rows


def _trade_rows_portable(*, year: int) -> tuple[tuple[Any, Any], TradeRows]:
    return _rows(_trade_contributions_portable(year=year))


def _trade_rows_grouping_sets(*, year: int) -> tuple[tuple[Any, Any], TradeRows]:
    return _rows(_trade_contributions_grouping_sets(year=year))


def _trade_rows(*, year: int) -> tuple[tuple[Any, Any], TradeRows]:
    return _rows(_trade_contributions(year=year))


# --- complementary suppression -----------------------------------------------------------------


def sensitive(contributions: Contributions) -> bool:
    """The project's cell rule: fewer than ``MIN_ENTERPRISES`` distinct enterprises."""
    return len(contributions) < MIN_ENTERPRISES


def _union(cells: list[Contributions]) -> Contributions:
    out: Contributions = {}
    for cell in cells:
        for code, fen in cell.items():
            out[code] = out.get(code, 0) + fen
    return out


def protect(total: Contributions, dimension: dict[Any, Contributions]) -> set[Any]:
    """The keys of one dimension (a partition of the total) to suppress.

    Primary: every sensitive cell. Complementary: the suppressed cells of a dimension, together
    with the rows it does not publish (key ``None``), sum to the published total minus the
    published cells, so their *sum* is known to everyone. That sum must itself pass the cell
    rule; while it does not, the smallest published cell joins the suppressed ones. Then no
    suppressed cell is the difference of published figures, and a contributor who subtracts its
    own share from the known sum is left with the sum of at least two other enterprises.
    """
    if sensitive(total):
        return set(dimension)
    hidden = {key for key, cell in dimension.items() if key is None or sensitive(cell)}
    if not hidden:
        return hidden
    while sensitive(_union([dimension[key] for key in hidden])):
        candidates = [key for key in dimension if key not in hidden]
        if not candidates:  # everything hidden: the group is the total, which passes the rule
            break
        hidden.add(
            min(candidates, key=lambda key: (sum(dimension[key].values()), len(dimension[key])))
        )
    return hidden


def _open_trade(*, year: int) -> dict[str, Any]:
    """City trade of ``year``: total and by month, mode, direction, county and country, with
    complementary suppression (:func:`protect`) in every dimension."""
    total, cells = _trade_contributions(year=year)
    total_fen = sum(total.values()) if total else None
    out: dict[str, Any] = {
        "year": year,
        "unit": "CNY",
        "total": _published(total_fen, not sensitive(total), year=year),
    }
    for name, _field, _column in TRADE_DIMENSIONS:
        by_key = cells.get(name, {})
        hidden = protect(total, by_key)
        keyed = sorted(((k, c) for k, c in by_key.items() if k is not None), key=lambda kv: kv[0])
        out[f"by_{name}"] = [
            _published(sum(c.values()), key not in hidden, year=year, **{name: key})
            for key, c in keyed
        ]
    return out


def _published(fen: int | None, shown: bool, **key: Any) -> dict[str, Any]:
    value = sources.fen_to_yuan(fen) if shown and fen is not None else None
    return suppress(value, MIN_ENTERPRISES if value is not None else 0, **key)


def _trade_cell_shown(*, year: int, county: str | None) -> bool:
    """Whether the open trade table publishes the city total (``county`` None) or a county's
    cell: the ``cbec_trade`` target cells repeat those figures and follow the same decision."""
    trade = open_trade(year=year)
    if county is None:
        return trade["total"]["value"] is not None
    return any(c["key"]["county"] == county and c["value"] is not None for c in trade["by_county"])


def _open_targets(*, year: int) -> dict[str, Any]:
    """City figures of every 2027 target in ``year`` (each a suppressed-or-not cell)."""
    cells = []
    for target in load_targets():
        m = target.measure(year=year, county=None)
        cell = suppress(m.value, m.enterprises, year=year, target=target.id)
        if target.id == "cbec_trade" and not _trade_cell_shown(year=year, county=None):
            cell = suppress(None, 0, year=year, target=target.id)
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
            cell = suppress(m.value, m.enterprises, year=year, county=county.code, target=target.id)
            if target.id == "cbec_trade" and not _trade_cell_shown(year=year, county=county.code):
                cell = suppress(None, 0, year=year, county=county.code, target=target.id)
            cells.append(cell)
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
