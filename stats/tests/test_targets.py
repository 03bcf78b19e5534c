"""Progress, trend, straight-line forecast and status of the targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from stats.targets import (
    TargetStatus,
    linear_forecast,
    load_targets,
    progress,
    target_get,
    year_fraction,
)


def test_linear_forecast_is_the_least_squares_line() -> None:
    pts = [(2024, Decimal(2)), (2025, Decimal(4)), (2026, Decimal(6))]
    assert linear_forecast(pts, 2027) == Decimal(8)
    assert linear_forecast([(2026, Decimal(5))], 2027) == Decimal(5)
    assert linear_forecast([], 2027) == 0
    assert linear_forecast([(2024, Decimal(9)), (2025, Decimal(1))], 2027) == 0  # never negative


def test_year_fraction() -> None:
    assert year_fraction(dt.date(2026, 12, 31)) == 1
    assert year_fraction(dt.date(2026, 1, 1)) == Decimal(1) / Decimal(365)


def test_unknown_computation_is_refused(tmp_path: Any) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text(
        "targets:\n  - {id: x, name: {zh: x}, value: '1', unit: {zh: x}, kind: cumulative,"
        " deadline: 2027-12-31, source: {article: x}, definition: {zh: x}, compute: nope}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unknown computation"):
        load_targets(str(bad))


@pytest.mark.django_db
def test_cumulative_target_on_track_and_at_risk(
    counties: dict[str, Any], make_enterprise: Any
) -> None:
    # 100 new CBEC enterprises a year: 100, 200, 300 ⇒ 2027 forecast 400: on track.
    from enterprises.models import Enterprise

    for year, n in [(2024, 100), (2025, 100), (2026, 100)]:
        for _ in range(n):
            make_enterprise(first_cbec_year=year)
    target = target_get("new_cbec_enterprises")
    p = progress(target, as_of=dt.date(2026, 11, 26))
    assert [v for _y, v in p.trend] == [100, 200, 300]
    assert p.forecast == 400 and p.status == TargetStatus.ON_TRACK and p.percent == 75
    Enterprise.objects.filter(first_cbec_year=2026).update(status="suspended")
    p = progress(target, as_of=dt.date(2026, 11, 26))
    assert p.forecast < 400 and p.status == TargetStatus.AT_RISK


@pytest.mark.django_db
def test_per_year_target_annualises_the_current_year(make_enterprise: Any, add_trade: Any) -> None:
    target = target_get("cbec_trade")
    ent = make_enterprise()
    add_trade(ent, 202601, "2500000000")  # 2.5 bn by 30 June 2026 → 5.04 bn a year
    p = progress(target, as_of=dt.date(2026, 6, 30))
    assert p.current == Decimal("2500000000.00")
    assert p.status == TargetStatus.ON_TRACK
    p = progress(target, as_of=dt.date(2026, 12, 31))  # the whole year: 2.5 bn, flat ⇒ at risk
    assert p.status == TargetStatus.AT_RISK
    add_trade(ent, 202602, "2500000000")
    assert progress(target, as_of=dt.date(2026, 12, 31)).status == TargetStatus.ACHIEVED


@pytest.mark.django_db
def test_county_goal_for_belts_is_one_per_county(counties: dict[str, Any]) -> None:
    from enterprises.models import IndustryBelt

    IndustryBelt.objects.create(name="东海水晶", county=counties["donghai"], recognised_year=2025)
    p = progress(
        target_get("industry_belts"), as_of=dt.date(2026, 11, 26), county=counties["donghai"]
    )
    assert p.county_value == 1 and p.status == TargetStatus.ACHIEVED
    p = progress(
        target_get("industry_belts"), as_of=dt.date(2026, 11, 26), county=counties["ganyu"]
    )
    assert p.status == TargetStatus.AT_RISK
