"""Concurrent online registrations never exceed capacity (PostgreSQL row lock)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from events.models import Registration
from events.services import event_publish, registration_create


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_respect_capacity(
    counties: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL (sqlite serialises writes)")
    import random

    from enterprises.demo import generate_uscc
    from enterprises.services import enterprise_create

    rng = random.Random(3)
    company = enterprise_create(
        actor=None,
        name="并发企业",
        county=counties["donghai"],
        kind="trader",
        uscc=generate_uscc(rng, "320722"),
    )
    users = [
        make_user(f"racer{i}", "enterprise", enterprise=company, phone=f"1390000{i:04d}")
        for i in range(6)
    ]
    reviewer = make_user("reviewer", "city_reviewer")
    event = event_publish(
        actor=reviewer,
        title="热门培训",
        kind="training",
        capacity=2,
        organiser="市商务局",
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def race(user: Any) -> None:
        try:
            barrier.wait()
            registration_create(actor=user, event=event)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full"] * 4 + ["ok"] * 2
    assert Registration.objects.filter(event=event).count() == 2
