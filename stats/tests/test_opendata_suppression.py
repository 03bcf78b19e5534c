"""Complementary suppression: no suppressed open-data cell is recoverable by subtraction.

Hypothesis builds random ledgers (every row's amount a distinct power of two, so a derived number
equals a cell's value only when it is made of exactly that cell's rows — no coincidences),
publishes the open tables for two years, and plays the attacker of issue 13: every subtraction
of published cells from a published total of the same table, the same table of the other year,
and every contributor subtracting its own share.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import chain, combinations
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stats import opendata

pytestmark = pytest.mark.django_db

YEARS = (2025, 2026)
CODES = [f"32079{i:05d}" for i in range(7)]
DIMS = ("month", "mode", "direction", "county", "country")

row_keys = st.tuples(
    st.sampled_from(YEARS),
    st.integers(1, 3),  # month
    st.sampled_from(CODES),
    st.sampled_from(["9610", "9710", "1210"]),
    st.sampled_from(["export", "import"]),
    st.sampled_from(["502", "116", "303"]),
)
ledgers = st.lists(row_keys, min_size=1, max_size=22, unique_by=lambda r: (r[0], r[1:]))
code_counties = st.lists(st.sampled_from(["donghai", "ganyu", None]), min_size=7, max_size=7)


def _fen(value: str) -> int:
    return int(Decimal(value) * 100)


def _subsets(items: list[Any]) -> Any:
    return chain.from_iterable(combinations(items, r) for r in range(len(items) + 1))


def _attack(rows: list[dict[str, Any]], published: dict[str, Any]) -> None:
    """Every subtraction within one year's tables; ``rows`` are that year's ledger rows."""
    total = published["total"]["value"]
    codes_total = {r["code"] for r in rows}
    for dim in DIMS:
        # The truth, counted independently of stats.opendata: rows behind every key.
        truth: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            truth[r[dim]].append(r)
        cells = {c["key"][dim]: c for c in published[f"by_{dim}"]}
        for key, cell in cells.items():
            fen = sum(r["fen"] for r in truth[key])
            if cell["value"] is not None:
                assert _fen(cell["value"]) == fen
                assert len({r["code"] for r in truth[key]}) >= opendata.MIN_ENTERPRISES
        # Secrets: every hidden cell of the table, and the rows the table never shows (no
        # county) when fewer than 3 enterprises are behind them; with 3 or more that aggregate
        # passes the rule and may be known.
        secrets = {
            key: sum(r["fen"] for r in truth[key])
            for key in truth
            if (key in cells and cells[key]["value"] is None)
            or (
                key not in cells and len({r["code"] for r in truth[key]}) < opendata.MIN_ENTERPRISES
            )
        }
        shown = [key for key in cells if cells[key]["value"] is not None]
        assert set(truth) - {None} == set(shown) | set(secrets) - {None}
        if total is None:
            assert not shown  # no total: every cell hidden (the total passes no rule)
            continue
        for subset in _subsets(shown):
            rest_keys = [k for k in truth if k not in subset]
            derived = _fen(total) - sum(_fen(cells[k]["value"]) for k in subset)
            # A derived number is a suppressed cell's value only if it is made of that cell alone.
            for key, secret in secrets.items():
                assert derived != secret, (dim, key, subset)
            # A contributor subtracting its own share must not be left with one other enterprise.
            if any(k in secrets for k in rest_keys):
                behind = {r["code"] for k in rest_keys for r in truth[k]}
                for code in behind:
                    assert len(behind - {code}) != 1, (dim, rest_keys, code)
    # The target cells repeat the total and the county cells: they must not publish more.
    by_county = {c["key"]["county"]: c["value"] for c in published["by_county"]}
    assert published["target_total"] in (None, total)
    for code, value in published["target_counties"].items():
        assert value is None or value == by_county.get(code), code
    assert total is None or len(codes_total) >= opendata.MIN_ENTERPRISES


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(keys=ledgers, homes=code_counties)
def test_no_suppressed_cell_is_recoverable_by_subtraction(
    counties: dict[str, Any], keys: list[Any], homes: list[Any]
) -> None:
    from customs.models import LedgerAggregate

    home = {code: (counties[h] if h else None) for code, h in zip(CODES, homes, strict=True)}
    rows: dict[int, list[dict[str, Any]]] = {y: [] for y in YEARS}
    with transaction.atomic():
        for i, (year, month, code, mode, direction, country) in enumerate(keys):
            fen = 2 ** (i + 10)
            LedgerAggregate.objects.create(
                year=year,
                month=year * 100 + month,
                ebc_code=code,
                county=home[code],
                mode=mode,
                direction=direction,
                country=country,
                lines=1,
                amount_cny_fen=fen,
            )
            rows[year].append(
                {
                    "code": code,
                    "fen": fen,
                    "month": year * 100 + month,
                    "mode": mode,
                    "direction": direction,
                    "county": getattr(home[code], "code", None),
                    "country": country,
                }
            )
        tables = {}
        for year in YEARS:
            published = dict(opendata.open_trade(year=year))
            targets = {c["key"]["target"]: c for c in opendata.open_targets(year=year)["targets"]}
            published["target_total"] = targets["cbec_trade"]["value"]
            published["target_counties"] = {
                county["code"]: c["value"]
                for county in opendata.open_counties(year=year)["counties"]
                for c in county["cells"]
                if c["key"]["target"] == "cbec_trade"
            }
            _attack(rows[year], published)
            tables[year] = published
        # The same table of the other year: its derived numbers never equal a secret of this
        # year (distinct powers of two make that a structural check, not a numerical accident).
        for year, other in ((2025, 2026), (2026, 2025)):
            secrets = {
                (dim, c["key"][dim]): sum(r["fen"] for r in rows[year] if r[dim] == c["key"][dim])
                for dim in DIMS
                for c in tables[year][f"by_{dim}"]
                if c["value"] is None
            }
            published_other = [
                _fen(c["value"])
                for dim in DIMS
                for c in tables[other][f"by_{dim}"]
                if c["value"] is not None
            ]
            if tables[other]["total"]["value"] is not None:
                published_other.append(_fen(tables[other]["total"]["value"]))
            for a in published_other:
                for b in [0, *published_other]:
                    assert abs(a - b) not in secrets.values()
        transaction.set_rollback(True)


def test_the_issue_13_example_mode_1210_is_no_longer_total_minus_the_rest(
    counties: dict[str, Any], make_enterprise: Any, add_trade: Any
) -> None:
    """Before: 2025 total minus the visible modes gave mode 1210 exactly (2 enterprises)."""
    big = [make_enterprise(counties["donghai"]) for _ in range(4)]
    two = [make_enterprise(counties["ganyu"]) for _ in range(2)]
    for e in big:
        add_trade(e, 202503, "1000", mode="9610")
        add_trade(e, 202503, "500", mode="9710")
    add_trade(two[0], 202504, "100000.00", mode="1210", direction="import")
    add_trade(two[1], 202504, "80244.00", mode="1210", direction="import")
    data = opendata.open_trade(year=2025)
    modes = {c["key"]["mode"]: c["value"] for c in data["by_mode"]}
    directions = {c["key"]["direction"]: c["value"] for c in data["by_direction"]}
    assert data["total"]["value"] == "186244.00"
    assert modes["1210"] is None and modes["9710"] is None and modes["9610"] == "4000.00"
    assert directions == {"export": None, "import": None}
    # One importer subtracting its own figure from what is known learns no single competitor:
    known = Decimal(data["total"]["value"]) - Decimal(modes["9610"])
    assert known - Decimal("100000.00") != Decimal("80244.00")
