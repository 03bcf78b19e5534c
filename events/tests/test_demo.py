"""The events demo: ~50 events over 2025–2026 with attendance, idempotent."""

from __future__ import annotations

import pytest

from demo.loader import demo_load
from events.demo import load_demo
from events.models import Event, Registration
from events.selectors import matchmaking_event_count, training_person_times

pytestmark = pytest.mark.django_db


def test_events_demo_loads_once() -> None:
    demo_load(count=30)
    assert Event.objects.count() == 50  # `ddt demo load` created them
    assert load_demo() == 0  # running this loader again changes nothing
    assert Event.objects.count() == 50
    years = {e.starts_at.year for e in Event.objects.all()}
    assert years == {2025, 2026}
    assert training_person_times(2025) > 0 and matchmaking_event_count(2025) > 0
    assert Registration.objects.filter(attended=False, user__isnull=False).exists()
    assert Event.objects.filter(county__isnull=False).exists()
