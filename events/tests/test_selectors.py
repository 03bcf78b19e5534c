"""The target figures: training person-times and matchmaking events, with known data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, Registration
from events.selectors import (
    can_manage,
    event_list_for,
    matchmaking_event_count,
    monthly_figures,
    training_person_times,
)

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


@pytest.fixture
def dataset(world: Any) -> Any:
    """Events of 2025 with attendance, written directly so the dates are exact."""

    def event(kind: str, when: dt.datetime, county: str | None, status: str = "published") -> Event:
        return Event.objects.create(
            title=f"{kind} {when:%m-%d}",
            kind=kind,
            starts_at=when,
            county=world.counties[county] if county else None,
            organiser="市商务局",
            capacity=100,
            status=status,
            check_in_code=f"C{Event.objects.count():05d}",
        )

    def attend(e: Event, n: int, absent: int = 0) -> None:
        for i in range(n + absent):
            Registration.objects.create(
                event=e, name=f"p{i}", phone=f"138{e.pk:04d}{i:04d}", attended=i < n
            )

    # training person-times 2025: donghai 3 + 2, ganyu 4, competition 1 (city-wide) = 10
    attend(event("training", dt.datetime(2025, 3, 1, 9, tzinfo=TZ), "donghai"), 3, absent=2)
    attend(event("training", dt.datetime(2025, 12, 31, 23, 30, tzinfo=TZ), "donghai"), 2)
    attend(event("training", dt.datetime(2025, 6, 1, 9, tzinfo=TZ), "ganyu"), 4)
    attend(event("competition", dt.datetime(2025, 9, 1, 9, tzinfo=TZ), None), 1)
    # not counted: cancelled training, 2026 training (local new year), a salon's attendees
    attend(event("training", dt.datetime(2025, 5, 1, 9, tzinfo=TZ), "donghai", "cancelled"), 5)
    attend(event("training", dt.datetime(2026, 1, 1, 0, 10, tzinfo=TZ), "donghai"), 7)
    attend(event("salon", dt.datetime(2025, 4, 1, 14, tzinfo=TZ), "donghai"), 6)
    # matchmaking 2025: salon (above), matchmaking ganyu, summit city-wide = 3
    event("matchmaking", dt.datetime(2025, 7, 1, 9, tzinfo=TZ), "ganyu")
    event("summit", dt.datetime(2025, 11, 1, 9, tzinfo=TZ), None, "finished")
    event("matchmaking", dt.datetime(2025, 8, 1, 9, tzinfo=TZ), "ganyu", "cancelled")
    event("training", dt.datetime(2025, 8, 1, 9, tzinfo=TZ), "ganyu")  # not matchmaking
    return world


def test_training_person_times_city_and_county(dataset: Any) -> None:
    assert training_person_times(2025) == 10
    assert training_person_times(2025, dataset.counties["donghai"]) == 5
    assert training_person_times(2025, dataset.counties["ganyu"]) == 4
    assert training_person_times(2026) == 7
    assert training_person_times(2024) == 0


def test_matchmaking_event_count_city_and_county(dataset: Any) -> None:
    assert matchmaking_event_count(2025) == 3
    assert matchmaking_event_count(2025, dataset.counties["ganyu"]) == 1
    assert matchmaking_event_count(2025, dataset.counties["donghai"]) == 1


def test_planned_matchmaking_events_do_not_count_yet(world: Any) -> None:
    now = timezone.now()
    Event.objects.create(
        title="未来对接会",
        kind="matchmaking",
        starts_at=now + dt.timedelta(days=2),
        organiser="o",
        capacity=5,
        check_in_code="FUTURE",
    )
    Event.objects.create(
        title="已办对接会",
        kind="matchmaking",
        starts_at=now - dt.timedelta(minutes=5),
        organiser="o",
        capacity=5,
        check_in_code="PASTEV",
    )
    year = timezone.localtime(now - dt.timedelta(minutes=5)).year
    # the one held five minutes ago counts; the one in two days has not happened yet
    assert matchmaking_event_count(year) == 1


def test_monthly_figures(dataset: Any) -> None:
    rows = monthly_figures(2025)
    assert [r["person_times"] for r in rows] == [0, 0, 3, 0, 0, 4, 0, 0, 1, 0, 0, 2]
    assert [r["matchmaking_events"] for r in rows] == [0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0]
    assert sum(r["person_times"] for r in rows) == training_person_times(2025)


def test_event_list_annotations_and_filters(dataset: Any) -> None:
    qs = event_list_for(user=dataset.user_a, filters=None)
    first = qs.get(title="training 03-01")
    assert (first.registered, first.attended_count) == (5, 3)  # type: ignore[attr-defined]
    city = event_list_for(user=dataset.user_a, filters={"county": "city"})
    assert {e.kind for e in city} == {"competition", "summit"}
    assert event_list_for(user=None).count() == 0


def test_can_manage(dataset: Any) -> None:
    ganyu_event = Event.objects.filter(county=dataset.counties["ganyu"]).first()
    assert ganyu_event is not None
    assert can_manage(dataset.ganyu_officer, ganyu_event)
    assert can_manage(dataset.reviewer, ganyu_event)
    assert not can_manage(dataset.donghai_officer, ganyu_event)
    assert not can_manage(dataset.finance, ganyu_event)
    assert not can_manage(dataset.user_b, ganyu_event)
