"""Each 2027 target's figure traced to its query with known data (city and county)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from core.testing import LATE_2026
from stats import sources
from stats.targets import load_targets
from stats.tests.conftest import aware

# "Started" events and "this year" figures are counted on that day.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(LATE_2026)]


def test_every_target_names_its_computation_and_the_seed_article() -> None:
    targets = {t.id: t for t in load_targets()}
    assert set(targets) == {
        "industry_belts",
        "parks",
        "benchmark_enterprises",
        "overseas_warehouses",
        "export_brands",
        "cbec_trade",
        "new_cbec_enterprises",
        "enterprises_in_parks",
        "new_platform_enterprises",
        "training_person_times",
        "matchmaking_events",
    }
    assert targets["cbec_trade"].value == Decimal("5000000000")
    assert targets["industry_belts"].per_county == {"min": 1, "max": 2}
    assert targets["new_platform_enterprises"].comparison == "more_than"
    for t in targets.values():
        assert t.compute in sources.COMPUTATIONS
        assert t.deadline == dt.date(2027, 12, 31)
        assert t.source["article"] and t.definition["zh"] and t.definition["en"]
        assert sources.COMPUTATIONS[t.compute].__doc__


def test_industry_belts_count_recognised_belts_up_to_the_year(
    counties: dict[str, Any], make_enterprise: Any
) -> None:
    from enterprises.models import IndustryBelt

    dh, gy = counties["donghai"], counties["ganyu"]
    crystal = IndustryBelt.objects.create(name="东海水晶", county=dh, recognised_year=2024)
    IndustryBelt.objects.create(name="东海硅材料", county=dh, recognised_year=2026)
    IndustryBelt.objects.create(name="赣榆海产", county=gy, recognised_year=2025)
    IndustryBelt.objects.create(name="未认定", county=gy, recognised_year=None)
    member = make_enterprise(dh, industry_belt=crystal)
    lead = make_enterprise(gy)
    crystal.lead_enterprises.add(lead, member)
    assert sources.industry_belts(year=2024) == sources.Measure(Decimal(1), 2)
    assert sources.industry_belts(year=2025).value == 2
    assert sources.industry_belts(year=2026).value == 3
    assert sources.industry_belts(year=2026, county=dh).value == 2
    assert sources.industry_belts(year=2024, county=gy).value == 0


def test_parks_count_recognised_parks(counties: dict[str, Any], make_enterprise: Any) -> None:
    from enterprises.models import Park

    dh = counties["donghai"]
    op = make_enterprise(dh, kind="park_operator")
    park = Park.objects.create(
        name="东海跨境电商产业园", county=dh, operator=op, recognised_year=2025
    )
    Park.objects.create(name="候选园区", county=dh)
    make_enterprise(dh, park=park)
    assert sources.parks(year=2024).value == 0
    assert sources.parks(year=2025) == sources.Measure(Decimal(1), 2)
    assert sources.parks(year=2025, county=counties["ganyu"]).value == 0


def test_benchmark_and_brands_count_distinct_enterprises(
    counties: dict[str, Any], make_enterprise: Any
) -> None:
    from enterprises.models import Recognition

    a, b, gone = (
        make_enterprise(),
        make_enterprise(counties["ganyu"]),
        make_enterprise(status="deregistered"),
    )
    Recognition.objects.create(enterprise=a, type="benchmark", year=2025)
    Recognition.objects.create(enterprise=a, type="benchmark", year=2026)  # same firm again
    Recognition.objects.create(enterprise=b, type="benchmark", year=2026)
    Recognition.objects.create(enterprise=gone, type="benchmark", year=2025)
    Recognition.objects.create(enterprise=a, type="brand", level="provincial", year=2025)
    Recognition.objects.create(enterprise=a, type="brand", level="national", year=2026)
    Recognition.objects.create(enterprise=b, type="park", year=2025)
    assert sources.benchmark_enterprises(year=2025).value == 1
    assert sources.benchmark_enterprises(year=2026).value == 2
    assert sources.benchmark_enterprises(year=2026, county=counties["ganyu"]).value == 1
    assert sources.export_brands(year=2026).value == 1
    assert sources.export_brands(year=2024).value == 0


def test_overseas_warehouses_in_operation(counties: dict[str, Any], make_enterprise: Any) -> None:
    from codes.models import Country
    from warehouses.models import OverseasWarehouse

    us = Country.objects.create(customs_code="502", name="美国", name_en="United States")
    op1, op2 = make_enterprise(), make_enterprise(counties["ganyu"])

    def wh(op: Any, name: str, status: str, opened: dt.date | None) -> None:
        OverseasWarehouse.objects.create(
            name=name,
            operator=op,
            country=us,
            city="LA",
            area_m2=Decimal("1000"),
            status=status,
            opened_on=opened,
        )

    wh(op1, "一号仓", "operating", dt.date(2025, 3, 1))
    wh(op1, "二号仓", "operating", None)
    wh(op2, "三号仓", "operating", dt.date(2026, 6, 1))
    wh(op2, "筹建仓", "planning", None)
    wh(op2, "关闭仓", "closed", dt.date(2024, 1, 1))
    assert sources.overseas_warehouses(year=2025) == sources.Measure(Decimal(2), 1)
    assert sources.overseas_warehouses(year=2026) == sources.Measure(Decimal(3), 2)
    assert sources.overseas_warehouses(year=2026, county=counties["ganyu"]).value == 1


def test_cbec_trade_sums_the_year_of_the_pre_aggregate(
    counties: dict[str, Any], make_enterprise: Any, add_trade: Any
) -> None:
    from customs.stats import customs_stats

    a, b = make_enterprise(), make_enterprise(counties["ganyu"])
    add_trade(a, 202601, "100.50")
    add_trade(a, 202602, "200.25", direction="import", mode="1210")
    add_trade(b, 202612, "1000.00", mode="9710")
    add_trade(None, 202605, "7.00", code="9999999999")  # an unmapped customs code still counts
    add_trade(a, 202512, "99999.00")  # another year
    assert sources.cbec_trade(year=2026) == sources.Measure(Decimal("1307.75"), 3)
    assert sources.cbec_trade(year=2026, county=counties["donghai"]).value == Decimal("300.75")
    assert str(sources.cbec_trade(year=2026).value) == customs_stats(year=2026)["total_cny"]


def test_new_cbec_enterprises_since_the_policy_start(
    counties: dict[str, Any], make_enterprise: Any
) -> None:
    make_enterprise(first_cbec_year=2023)  # before the policy
    make_enterprise(first_cbec_year=2024)
    make_enterprise(first_cbec_year=2025)
    make_enterprise(counties["ganyu"], first_cbec_year=2026)
    make_enterprise(first_cbec_year=2025, status="pending")  # not verified
    make_enterprise(first_cbec_year=None)
    assert sources.new_cbec_enterprises(year=2024).value == 1
    assert sources.new_cbec_enterprises(year=2026).value == 3
    assert sources.new_cbec_enterprises(year=2026, county=counties["donghai"]).value == 2


def test_enterprises_in_recognised_parks(counties: dict[str, Any], make_enterprise: Any) -> None:
    from enterprises.models import Park

    dh = counties["donghai"]
    park = Park.objects.create(name="园区A", county=dh, recognised_year=2025)
    candidate = Park.objects.create(name="园区B", county=dh)
    make_enterprise(park=park, created_at=aware(2025, 5, 1))
    make_enterprise(park=park, created_at=aware(2026, 2, 1))
    make_enterprise(park=park, status="suspended")
    make_enterprise(park=candidate)
    make_enterprise()
    assert sources.enterprises_in_parks(year=2025).value == 1
    assert sources.enterprises_in_parks(year=2026).value == 2


def test_new_platform_enterprises_by_registration_year_in_shanghai_time(
    counties: dict[str, Any], make_enterprise: Any
) -> None:
    make_enterprise(created_at=aware(2026, 1, 1, 0))  # 2025-12-31 16:00 UTC: still 2026 locally
    make_enterprise(created_at=aware(2026, 7, 1))
    make_enterprise(created_at=aware(2026, 7, 2), status="pending")
    make_enterprise(counties["ganyu"], created_at=aware(2025, 12, 31, 23))
    assert sources.new_platform_enterprises(year=2026).value == 2
    assert sources.new_platform_enterprises(year=2025).value == 1
    assert sources.new_platform_enterprises(year=2026, county=counties["ganyu"]).value == 0


def test_training_person_times_count_attended_registrations(
    counties: dict[str, Any], make_enterprise: Any, make_event: Any
) -> None:
    a, b = make_enterprise(), make_enterprise()
    make_event(
        "training", aware(2026, 3, 1), county=counties["donghai"], attended=[a, b, None], absent=4
    )
    make_event("salon", aware(2026, 4, 1), attended=[a])  # not a training kind
    make_event("competition", aware(2026, 4, 2), attended=[b])  # (十六): contests train talent
    make_event("training", aware(2026, 5, 1), status="cancelled", attended=[a, b])
    make_event("training", aware(2025, 5, 1), attended=[a])
    assert sources.training_person_times(year=2026) == sources.Measure(Decimal(4), 2)
    assert sources.training_person_times(year=2026, county=counties["donghai"]).value == 3
    assert sources.training_person_times(year=2025).value == 1


def test_matchmaking_events_count_started_matchmaking_kinds(
    counties: dict[str, Any], make_enterprise: Any, make_event: Any
) -> None:
    a = make_enterprise()
    make_event("matchmaking", aware(2026, 3, 1), county=counties["ganyu"], attended=[a])
    make_event("salon", aware(2026, 4, 1))
    make_event("summit", aware(2026, 5, 1), status="finished")
    make_event("training", aware(2026, 6, 1))  # not a matchmaking kind
    make_event("salon", aware(2026, 7, 1), status="cancelled")
    make_event("matchmaking", aware(2027, 1, 5))  # future
    assert sources.matchmaking_events(year=2026) == sources.Measure(Decimal(3), 1)
    assert sources.matchmaking_events(year=2026, county=counties["ganyu"]).value == 1


def test_every_series_equals_its_per_year_computation(
    counties: dict[str, Any], make_enterprise: Any, add_trade: Any
) -> None:
    """A trend is read with one grouped query per target; each year equals the per-year figure."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from enterprises.models import Park, Recognition

    dh, gy = counties["donghai"], counties["ganyu"]
    shanghai = ZoneInfo("Asia/Shanghai")
    park = Park.objects.create(name="测试园区", county=dh, recognised_year=2025)
    for i, (year, status) in enumerate(
        [(2023, "active"), (2024, "active"), (2025, "pending"), (2025, "active"), (2026, "active")]
    ):
        county = dh if i % 2 else gy
        # Registered at 00:30 Shanghai time on 1 January: still the previous year in UTC.
        created = dt.datetime(year, 1, 1, 0, 30, tzinfo=shanghai)
        e = make_enterprise(
            county, first_cbec_year=year, status=status, created_at=created, park=park
        )
        Recognition.objects.create(enterprise=e, type="benchmark", year=year)
        Recognition.objects.create(enterprise=e, type="benchmark", year=year + 1)  # twice
        Recognition.objects.create(enterprise=e, type="brand", year=max(year, 2025))
        add_trade(e, year * 100 + 3, "12.34")
        add_trade(e, year * 100 + 4, "1.01", direction="import")
    gone = make_enterprise(dh, status="deregistered")
    Recognition.objects.create(enterprise=gone, type="brand", year=2024)
    add_trade(None, 202505, "7.00", code="9999999999")
    years = [2024, 2025, 2026, 2027]
    assert set(sources.SERIES) <= set(sources.COMPUTATIONS)
    checked = 0
    for name, series in sources.SERIES.items():
        for county in (None, dh, gy):
            got = series(years=years, county=county)
            want = {y: sources.COMPUTATIONS[name](year=y, county=county) for y in years}
            assert got == want, (name, county)
            checked += any(m.value for m in want.values())
    assert checked >= len(sources.SERIES)  # no series was compared on empty figures only
