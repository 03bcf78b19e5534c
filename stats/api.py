"""Statistics API (/api/v1/stats).

Authenticated: targets progress, trade and fund tables with the same scope as the dashboards.
Open data (``/open/...``, no authentication): aggregated cells only, each passed through
``stats.opendata.suppress`` (no cell built from fewer than 3 enterprises).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema

from accounts.auth import api_caller
from stats import opendata, selectors

router = Router(tags=["stats"])


class YearQuery(Schema):
    year: int | None = None


class ScopeQuery(Schema):
    year: int | None = None
    county: str | None = None


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


def _tables(tables: list[selectors.Table]) -> list[dict[str, Any]]:
    return [
        {
            "key": t.key,
            "title": str(t.title),
            "columns": [str(c) for c in t.columns],
            "rows": [[v if isinstance(v, int | str) else str(v) for v in row] for row in t.rows],
        }
        for t in tables
    ]


@router.get("/targets", response=list[dict[str, Any]], summary="2027 targets progress (scoped)")
def targets(request: HttpRequest, q: Query[ScopeQuery]) -> list[dict[str, Any]]:
    year = opendata.valid_year(q.year)
    county = selectors.county_scope(api_caller(request), q.county)
    import datetime as dt

    as_of = min(selectors.today(), dt.date(year, 12, 31))
    _table, progress = selectors.targets_table(as_of=as_of, county=county)
    return [p.as_dict() for p in progress]


@router.get("/tables/{page}", response=list[TableOut], summary="Dashboard tables (scoped)")
def tables(request: HttpRequest, page: str, q: Query[ScopeQuery]) -> list[dict[str, Any]]:
    if page not in {"overview", "trade", "fund", "counties", "own"}:
        raise PermissionDenied("unknown page")
    year = opendata.valid_year(q.year)
    user = api_caller(request)
    return _tables(
        selectors.dashboard_tables(page=page, user=user, year=year, county_code=q.county)
    )


@router.get("/open/targets", auth=None, response=dict[str, Any], summary="Open data: targets")
def open_targets(request: HttpRequest, q: Query[YearQuery]) -> dict[str, Any]:
    return opendata.open_targets(year=opendata.valid_year(q.year))


@router.get("/open/trade", auth=None, response=dict[str, Any], summary="Open data: trade")
def open_trade(request: HttpRequest, q: Query[YearQuery]) -> dict[str, Any]:
    return opendata.open_trade(year=opendata.valid_year(q.year))


@router.get("/open/counties", auth=None, response=dict[str, Any], summary="Open data: counties")
def open_counties(request: HttpRequest, q: Query[YearQuery]) -> dict[str, Any]:
    return opendata.open_counties(year=opendata.valid_year(q.year))
