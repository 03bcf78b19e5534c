from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codes import services
from codes.loaders import LoadResult
from codes.models import DayKind, Holiday
from codes.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # 国庆中秋 10/1–10/8
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # make-up Sunday
        (D(2025, 9, 26), 2, D(2025, 9, 29)),
        (D(2025, 10, 9), 2, D(2025, 10, 11)),  # make-up Saturday
        (D(2024, 2, 9), 1, D(2024, 2, 18)),  # 除夕 2024 was worked; 春节, make-up Sunday
        (D(2024, 2, 8), 1, D(2024, 2, 9)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # make-up Saturday before 春节 2026
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # 2027-01-01 provisional holiday, then weekend
        (D(2025, 10, 1), 0, D(2025, 10, 9)),  # n=0 on a holiday: the next working day
        (D(2025, 10, 9), 0, D(2025, 10, 9)),  # n=0 on a working day: the day itself
        (D(2025, 10, 9), -1, D(2025, 9, 30)),
        (D(2025, 9, 29), -1, D(2025, 9, 28)),  # back onto the make-up Sunday
        (D(2025, 10, 4), -2, D(2025, 9, 29)),
        (D(2024, 4, 30), 1, D(2024, 5, 6)),  # 劳动节 2024
    ],
)
def test_add_working_days(
    code_tables: list[LoadResult], day: dt.date, n: int, expected: dt.date
) -> None:
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 10, 11), True),  # Saturday make-up workday
        (D(2025, 10, 4), False),  # Saturday in the holiday
        (D(2025, 5, 5), False),  # Monday, 劳动节
        (D(2026, 1, 4), True),  # Sunday make-up workday
        (D(2024, 6, 10), False),  # Monday, 端午
        (D(2025, 11, 26), True),  # ordinary Wednesday
        (D(2025, 11, 29), False),  # ordinary Saturday
        (D(2027, 2, 8), False),  # provisional 春节 2027
    ],
)
def test_is_working_day(code_tables: list[LoadResult], day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_working_days_between(code_tables: list[LoadResult]) -> None:
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert (
        working_days_between(D(2025, 9, 26), D(2025, 10, 10)) == 5
    )  # 9/28 (make-up), 9/29, 9/30, 10/9, 10/10
    assert working_days_between(D(2025, 10, 10), D(2025, 9, 26)) == -5
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 1)) == 0


def test_refuses_years_without_holiday_rows(code_tables: list[LoadResult]) -> None:
    with pytest.raises(ValueError, match="2028"):
        add_working_days(D(2027, 12, 28), 10)
    with pytest.raises(ValueError, match="2023"):
        is_working_day(D(2023, 12, 29))
    with pytest.raises(ValueError, match="2023"):
        add_working_days(D(2024, 1, 2), -2)


def test_refuses_everything_when_the_table_is_empty(db: Any) -> None:
    with pytest.raises(ValueError, match="尚未载入"):
        add_working_days(D(2025, 9, 30), 1)


def test_service_change_is_seen_at_once(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    services.holiday_set(
        actor=users["administrator"], date=D(2025, 10, 9), kind="holiday", name="测试"
    )
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 10)


def test_change_by_another_process_is_seen(code_tables: list[LoadResult]) -> None:
    assert is_working_day(D(2025, 10, 8)) is False
    # simulates another process editing the table without touching this process's cache
    Holiday.objects.filter(date=D(2025, 10, 8)).update(kind=DayKind.WORKDAY)
    assert is_working_day(D(2025, 10, 8)) is True
    Holiday.objects.filter(date=D(2025, 10, 8)).delete()
    Holiday.objects.create(date=D(2025, 11, 26), kind=DayKind.HOLIDAY, name="测试")
    assert is_working_day(D(2025, 11, 26)) is False


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 9, 30)),
    n=st.integers(min_value=1, max_value=40),
)
def test_add_then_count_round_trips(code_tables: list[LoadResult], day: dt.date, n: int) -> None:
    later = add_working_days(day, n)
    assert later > day
    assert is_working_day(later)
    assert working_days_between(day, later) == n


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(min_value=D(2024, 3, 1), max_value=D(2027, 11, 30)),
    n=st.integers(min_value=1, max_value=30),
)
def test_backwards_from_a_working_day_round_trips(
    code_tables: list[LoadResult], day: dt.date, n: int
) -> None:
    start = add_working_days(day, 0)
    earlier = add_working_days(start, -n)
    assert is_working_day(earlier)
    assert working_days_between(start, earlier) == -n
