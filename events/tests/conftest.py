"""Fixtures of the event tests: two counties, enterprises, one user per role, event factory."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from enterprises.demo import generate_uscc
from enterprises.services import enterprise_create
from events.models import Event
from events.services import event_publish


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> Any:
    rng = random.Random(11)
    w = SimpleNamespace(counties=counties)
    w.a = enterprise_create(
        actor=None,
        name="甲企业",
        county=counties["donghai"],
        kind="manufacturer",
        uscc=generate_uscc(rng, "320722"),
    )
    w.b = enterprise_create(
        actor=None,
        name="乙企业",
        county=counties["ganyu"],
        kind="trader",
        uscc=generate_uscc(rng, "320707"),
    )
    w.user_a = make_user("ent_a", "enterprise", enterprise=w.a, phone="13900000001")
    w.user_a2 = make_user("ent_a2", "enterprise", enterprise=w.a, phone="13900000002")
    w.user_b = make_user("ent_b", "enterprise", enterprise=w.b, phone="13900000003")
    w.donghai_officer = make_user("officer_dh", "county_officer", county=counties["donghai"])
    w.ganyu_officer = make_user("officer_gy", "county_officer", county=counties["ganyu"])
    w.reviewer = make_user("reviewer", "city_reviewer")
    w.finance = make_user("finance", "finance_officer")
    w.partner = make_user("bank1", "partner", partner_kind="bank", organisation="示例银行")
    return w


@pytest.fixture
def make_event(world: Any) -> Callable[..., Event]:
    def _make(
        *,
        actor: Any = None,
        days: float = 7,
        kind: str = "training",
        capacity: int = 3,
        county: str | None = "donghai",
        **values: Any,
    ) -> Event:
        return event_publish(
            actor=actor or world.reviewer,
            title=values.pop("title", "跨境电商实务培训"),
            kind=kind,
            starts_at=timezone.now() + dt.timedelta(days=days),
            capacity=capacity,
            organiser=values.pop("organiser", "市商务局"),
            county=world.counties[county] if county else None,
            **values,
        )

    return _make


def shift_start(event: Event, delta: dt.timedelta) -> Event:
    """Move an event in time directly (tests only: services refuse past-dated edits)."""
    Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at + delta)
    event.refresh_from_db()
    return event
