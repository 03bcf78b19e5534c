"""Statistics: the JSON shape, exact values, pre-aggregate == direct sum."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customs.models import LedgerAggregate, LedgerLine
from customs.services import exchange_rate_set, ingest_paths
from customs.stats import cbec_trade, customs_stats, direct_total_fen

from .conftest import CODE_B, inventory, line, receipt

KEYS = [
    "year",
    "total_cny",
    "by_mode",
    "by_direction",
    "by_month",
    "by_county",
    "by_enterprise",
    "by_country",
]


def _load(write: Any) -> None:
    write(
        "s/d1.xml",
        inventories=[
            inventory(
                "E1",
                mode="9610",
                day=dt.date(2025, 1, 10),
                lines=[line("2", "50.00", currency="142", country="502")],
            ),
            inventory(
                "E2",
                mode="9710",
                day=dt.date(2025, 2, 10),
                lines=[line("1", "1000.00", currency="142", country="303")],
            ),
            inventory(
                "E3",
                mode="9810",
                day=dt.date(2025, 2, 11),
                code=CODE_B,
                lines=[line("3", "0.10", currency="142", country="502")],
            ),
            inventory(
                "E4",
                mode="9610",
                day=dt.date(2025, 3, 1),
                lines=[line("1", "999.00", currency="142")],
            ),  # not released
            inventory(
                "E5",
                mode="9610",
                day=dt.date(2024, 12, 31),
                lines=[line("1", "7.00", currency="142")],
            ),  # other year
        ],
    )
    write(
        "s/i1.xml",
        direction="import",
        inventories=[
            inventory(
                "I1",
                mode="1210",
                day=dt.date(2025, 2, 1),
                country="142",
                buyer="320706199001011234",
                lines=[line("1", "300.00", currency="142", country="116")],
            ),
        ],
    )
    write(
        "s/r1.xml",
        receipts=[receipt(c) for c in ("E1", "E2", "E5")] + [receipt("E3", code=CODE_B)],
    )
    write("s/r2.xml", direction="import", receipts=[receipt("I1")])


def test_stats_shape_and_exact_values(world: Any, write: Any) -> None:
    _load(write)
    run = ingest_paths(actor=None, paths=[write("s/x.xml", receipts=[receipt("E1")]).parent])
    assert run.files_rejected == 0
    data = customs_stats(year=2025)
    assert list(data) == KEYS
    assert data["year"] == 2025
    assert data["total_cny"] == "1400.30"
    assert data["by_mode"] == {
        "1210": "300.00",
        "9610": "100.00",
        "9710": "1000.00",
        "9810": "0.30",
    }
    assert data["by_direction"] == {"export": "1100.30", "import": "300.00"}
    assert data["by_month"]["2025-01"] == "100.00"
    assert data["by_month"]["2025-02"] == "1300.30"
    assert data["by_month"]["2025-03"] == "0.00" and len(data["by_month"]) == 12
    assert data["by_county"] == {"320707": "0.30", "320722": "1400.00"}
    assert data["by_enterprise"] == {world.a.uscc: "1400.00", world.b.uscc: "0.30"}
    assert data["by_country"] == {"116": "300.00", "303": "1000.00", "502": "100.30"}
    county = customs_stats(year=2025, county="320707")
    assert county["total_cny"] == "0.30" and county["by_county"] == {"320707": "0.30"}
    assert cbec_trade(world.a, 2025) == Decimal("1400.00")
    assert cbec_trade(world.a, 2024) == Decimal("7.00")


def test_stats_command_json_and_table(world: Any, write: Any) -> None:
    _load(write)
    ingest_paths(actor=None, paths=[write("s/x.xml", receipts=[receipt("E1")]).parent])
    out = StringIO()
    call_command("customs_stats", "--year", "2025", stdout=out)
    assert json.loads(out.getvalue()) == customs_stats(year=2025)
    table = StringIO()
    call_command("customs_stats", "--year", "2025", "--format", "table", stdout=table)
    assert "1400.30" in table.getvalue()


def test_rate_update_recomputes_lines_and_aggregate(
    world: Any, write: Any, admin_user: Any
) -> None:
    write(
        "r/d.xml",
        inventories=[inventory("E1", day=dt.date(2025, 4, 2), lines=[line("1", "10.00")])],
    )
    ingest_paths(actor=None, paths=[write("r/r.xml", receipts=[receipt("E1")]).parent])
    exchange_rate_set(actor=None, currency="502", month=202504, rate=Decimal("7.123456"))
    assert LedgerLine.objects.get().amount_cny == Decimal("71.23")
    assert customs_stats(year=2025)["total_cny"] == "71.23"


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
            st.sampled_from(["142", "502", "300", "116"]),
            st.integers(min_value=1, max_value=12),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_aggregate_equals_direct_sum(world: Any, write: Any, amounts: list[Any]) -> None:
    LedgerLine.objects.all().delete()
    LedgerAggregate.objects.all().delete()
    from customs.models import Declaration, Receipt

    Declaration.objects.all().delete()
    Receipt.objects.all().delete()
    specs, receipts = [], []
    for n, (amount, currency, month, released) in enumerate(amounts):
        cop = f"H{n}"
        specs.append(
            inventory(
                cop, day=dt.date(2025, month, 3), lines=[line("1", str(amount), currency=currency)]
            )
        )
        if released:
            receipts.append(receipt(cop))
    paths = [write("h/d.xml", inventories=specs)]
    if receipts:
        paths.append(write("h/r.xml", receipts=receipts))
    ingest_paths(actor=None, paths=paths)
    aggregate = (
        LedgerAggregate.objects.filter(year=2025).aggregate(s=Sum("amount_cny_fen"))["s"] or 0
    )
    assert aggregate == direct_total_fen(year=2025)
    assert customs_stats(year=2025)["total_cny"] == f"{Decimal(aggregate) / 100:.2f}"
    released_lines = LedgerLine.objects.filter(declaration__released=True).count()
    assert (LedgerAggregate.objects.aggregate(n=Sum("lines"))["n"] or 0) == released_lines


@pytest.mark.postgres
def test_grouping_sets_equal_the_portable_queries(world: Any, write: Any) -> None:
    """PostgreSQL reads every breakdown in one GROUPING SETS scan; it must give exactly what one
    query per breakdown gives, also for one county and with a code that maps to no enterprise."""
    from customs.stats import _sums_grouping_sets, _sums_portable

    _load(write)
    write("s/u.xml", inventories=[inventory("U1", code="3207999999", lines=[line()])])
    folder = write("s/x.xml", receipts=[receipt("E1"), receipt("U1", code="3207999999")]).parent
    assert ingest_paths(actor=None, paths=[folder]).files_rejected == 0
    for county in (None, "320707", "320722", "320700"):
        assert _sums_grouping_sets(2025, county) == _sums_portable(2025, county)
    total, sums = _sums_grouping_sets(2025, None)
    assert total == direct_total_fen(year=2025) > sum(sums["by_enterprise"].values()) > 0
