"""The events demo: ~50 events over the last two years and the next weeks, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from time_machine import TimeMachineFixture

from core.testing import at
from demo.loader import demo_load
from events.demo import load_demo
from events.models import Event, Registration
from events.selectors import matchmaking_event_count, training_person_times

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [dt.date(2026, 12, 7), dt.date(2028, 1, 1)])
def test_events_demo_loads_once(today: dt.date, time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(at(today.year, today.month, today.day))
    demo_load(count=30)
    assert Event.objects.count() == 50  # `ddt demo load` created them
    assert load_demo() == 0  # running this loader again changes nothing
    later = today + dt.timedelta(days=40)
    time_machine.move_to(at(later.year, later.month, later.day))
    assert load_demo() == 0  # nor does it on a later day
    assert Event.objects.count() == 50
    starts = [timezone.localdate(e.starts_at) for e in Event.objects.all()]
    assert min(starts) >= today - dt.timedelta(days=700) and max(starts) > today  # some upcoming
    last_year = today.year - 1
    assert training_person_times(last_year) > 0 and matchmaking_event_count(last_year) > 0
    assert Registration.objects.filter(attended=False, user__isnull=False).exists()
    assert Event.objects.filter(county__isnull=False).exists()
