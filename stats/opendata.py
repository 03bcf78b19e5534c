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


def _open_trade(*, year: int) -> dict[str, Any]:
    """City trade of ``year``: total and by month, mode, direction, county and country."""
    qs = sources.trade_aggregates(year=year, county=None)
    total = qs.aggregate(f=Sum("amount_cny_fen"), n=Count("ebc_code", distinct=True))

    def by(field: str) -> list[Any]:
        return list(
            qs.values_list(field)
            .annotate(f=Sum("amount_cny_fen"), n=Count("ebc_code", distinct=True))
            .order_by(field)
        )

    return {
        "year": year,
        "unit": "CNY",
        "total": suppress(sources.fen_to_yuan(total["f"]), int(total["n"] or 0), year=year),
        "by_month": _cells(by("month"), "month", year=year),
        "by_mode": _cells(by("mode"), "mode", year=year),
        "by_direction": _cells(by("direction"), "direction", year=year),
        "by_county": _cells(by("county__code"), "county", year=year),
        "by_country": _cells(by("country"), "country", year=year),
    }


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
