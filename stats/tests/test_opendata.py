"""Open data: public, aggregated, and no cell built from fewer than 3 enterprises."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from stats import opendata

pytestmark = pytest.mark.django_db


def test_suppress_is_the_rule() -> None:
    assert opendata.suppress(Decimal("5"), 3, year=2026)["value"] == "5"
    for n in (0, 1, 2):
        cell = opendata.suppress(Decimal("5"), n, year=2026)
        assert cell == {"key": {"year": 2026}, "value": None, "suppressed": True}


@pytest.fixture
def world(
    counties: dict[str, Any], make_enterprise: Any, add_trade: Any, make_event: Any
) -> dict[str, Any]:
    """Cells of every size: some built from 1 or 2 enterprises, some from 3 or more."""
    from enterprises.models import Recognition

    dh, gy = counties["donghai"], counties["ganyu"]
    big = [make_enterprise(dh, first_cbec_year=2025) for _ in range(4)]
    small = [make_enterprise(gy, first_cbec_year=2026) for _ in range(2)]
    for e in big:
        add_trade(e, 202601, "100")  # January: 4 enterprises
        add_trade(e, 202602, "50", mode="9710", country="303")
    add_trade(big[0], 202603, "9999")  # March: 1 enterprise
    add_trade(small[0], 202604, "10", mode="1210", direction="import", country="116")
    add_trade(small[1], 202604, "20", mode="1210", direction="import", country="116")
    add_trade(None, 202605, "5", code="8888888888")  # an unmapped code alone in May
    for e in small:
        Recognition.objects.create(enterprise=e, type="benchmark", year=2026)  # 2 benchmark firms
    Recognition.objects.create(enterprise=big[0], type="brand", year=2026)
    from stats.tests.conftest import aware

    make_event("training", aware(2026, 3, 1), attended=big)
    return {"big": big, "small": small}


def _cells(node: Any) -> list[dict[str, Any]]:
    """Every cell anywhere in a JSON response (a dict with ``suppressed``)."""
    if isinstance(node, dict):
        if "suppressed" in node:
            return [node]
        return [c for v in node.values() for c in _cells(v)]
    if isinstance(node, list):
        return [c for v in node for c in _cells(v)]
    return []


def _trade_contributors() -> dict[tuple[tuple[str, Any], ...], set[str]]:
    """Independent count: distinct customs codes behind every possible trade cell key."""
    from customs.models import LedgerAggregate

    out: dict[tuple[tuple[str, Any], ...], set[str]] = defaultdict(set)
    for row in LedgerAggregate.objects.select_related("county"):
        dims = {
            "month": row.month,
            "mode": row.mode,
            "direction": row.direction,
            "county": row.county.code if row.county else None,
            "country": row.country,
        }
        out[(("year", row.year),)].add(row.ebc_code)
        for dim, value in dims.items():
            out[(("year", row.year), (dim, value))].add(row.ebc_code)
    return out


def test_no_open_api_cell_is_built_from_fewer_than_3_enterprises(world: Any) -> None:
    """Walk every operation of the open API (from the OpenAPI document) for every year."""
    from stats import sources
    from stats.targets import load_targets

    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    open_paths = sorted(p for p in schema["paths"] if p.startswith("/api/v1/stats/open/"))
    assert open_paths == [
        "/api/v1/stats/open/counties",
        "/api/v1/stats/open/targets",
        "/api/v1/stats/open/trade",
    ]
    contributors = _trade_contributors()
    targets = {t.id: t for t in load_targets()}
    from codes.models import County

    checked = shown = 0
    for path in open_paths:
        for year in (2024, 2025, 2026, 2027):
            r = client.get(f"{path}?year={year}")
            assert r.status_code == 200, (path, r.content)
            for cell in _cells(r.json()):
                checked += 1
                key = dict(cell["key"])
                if "target" in key:
                    county = County.objects.get(code=key["county"]) if "county" in key else None
                    n = targets[key["target"]].measure(year=key["year"], county=county).enterprises
                    if key["target"] == "benchmark_enterprises":
                        n = len(
                            set(
                                sources._enterprises(county)
                                .filter(
                                    recognitions__type="benchmark",
                                    recognitions__year__lte=year,
                                )
                                .values_list("pk", flat=True)
                            )
                        )
                else:
                    n = len(
                        contributors.get(
                            tuple(sorted(key.items(), key=lambda kv: kv[0] != "year")), set()
                        )
                    )
                if cell["value"] is not None:
                    shown += 1
                    assert n >= 3, (path, cell, n)
                else:
                    assert cell["suppressed"] is True
    assert checked > 50 and shown > 5


def test_open_trade_suppresses_small_cells_and_names_no_enterprise(world: Any) -> None:
    data = Client().get("/api/v1/stats/open/trade?year=2026").json()
    months = {c["key"]["month"]: c["value"] for c in data["by_month"]}
    assert months[202601] == "400.00" and months[202602] == "200.00"
    assert months[202603] is None and months[202604] is None and months[202605] is None
    assert data["total"]["value"] == "10634.00"
    text = str(data)
    for e in world["big"] + world["small"]:
        assert e.name not in text and e.uscc not in text and e.customs_code not in text


def test_open_targets_suppress_two_benchmark_enterprises(world: Any) -> None:
    data = Client().get("/api/v1/stats/open/targets?year=2026").json()
    cells = {c["key"]["target"]: c for c in data["targets"]}
    assert cells["benchmark_enterprises"]["suppressed"] is True
    assert cells["export_brands"]["value"] is None
    assert cells["training_person_times"]["value"] == "4"
    assert cells["new_cbec_enterprises"]["value"] == "6"


def test_open_page_is_public_and_shows_dashes(world: Any) -> None:
    r = Client().get("/stats/open/?year=2026")
    body = r.content.decode()
    assert r.status_code == 200 and "—" in body and "400.00" in body
    assert world["big"][0].name not in body


def test_open_api_refuses_years_outside_the_policy() -> None:
    r = Client().get("/api/v1/stats/open/trade?year=2030")
    assert r.status_code == 400 and r.json()["code"] == "invalid"


def test_open_trade_grouping_sets_equal_the_portable_queries(
    world: Any, counties: dict[str, Any], make_enterprise: Any, add_trade: Any
) -> None:
    """PostgreSQL reads every open trade cell with one GROUPING SETS query; SQLite with one query
    per dimension. Both give the same rows (also for a row without county)."""
    from django.db import connection

    add_trade(None, 202606, "3", code="7777777777")  # no county: dropped from by_county
    add_trade(make_enterprise(counties["ganyu"]), 202512, "1")  # another year
    portable = opendata._trade_rows_portable(year=2026)
    total, rows = portable
    assert (int(total[0]), total[1]) == ((4 * 150 + 9999 + 10 + 20 + 5 + 3) * 100, 8)
    assert [r[0] for r in rows["month"]] == [202601, 202602, 202603, 202604, 202605, 202606]
    assert dict((r[0], r[2]) for r in rows["mode"]) == {"1210": 2, "9610": 6, "9710": 4}
    assert opendata._trade_rows(year=2026) == portable
    if connection.vendor != "postgresql":
        return  # the GROUPING SETS path exists on PostgreSQL only; the PostgreSQL pass runs it
    assert opendata._trade_rows_grouping_sets(year=2026) == portable
    assert opendata._trade_rows_grouping_sets(year=2027) == opendata._trade_rows_portable(year=2027)
