"""Carrier pushes through the service: validation, own company only, idempotency, status."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from logistics import services
from logistics.models import Shipment, ShipmentEvent
from logistics.tests.conftest import LOG_X, LOG_Y, T0, event

pytestmark = pytest.mark.django_db


def test_push_creates_shipments_and_moves_status(world: Any) -> None:
    result = services.carrier_events_push(
        actor=world.carrier_x,
        events=[
            event("LX001", "k1", "picked_up"),
            event("LX001", "k2", "departed_origin", at=T0 + dt.timedelta(hours=5)),
            event("LX002", "k3", "picked_up"),
        ],
    )
    assert (result.received, result.stored, result.duplicates) == (3, 3, 0)
    assert result.shipments_created == 2
    s = Shipment.objects.get(logistics_no="LX001", logistics_code=LOG_X)
    assert s.status == "departed_origin"
    assert s.events_count == 2
    assert AuditEntry.objects.filter(action="logistics.carrier_events_push").count() == 1


def test_resending_changes_nothing(world: Any) -> None:
    batch = [event("LX001", "k1"), event("LX001", "k2", "exception")]
    services.carrier_events_push(actor=world.carrier_x, events=batch)
    before = list(ShipmentEvent.objects.values_list("pk", "code", "key"))
    state = list(Shipment.objects.values_list("status", "events_count", "exceptions"))
    again = services.carrier_events_push(actor=world.carrier_x, events=batch)
    assert (again.stored, again.duplicates) == (0, 2)
    assert list(ShipmentEvent.objects.values_list("pk", "code", "key")) == before
    assert list(Shipment.objects.values_list("status", "events_count", "exceptions")) == state
    assert state == [("exception", 2, 1)]


def test_an_older_event_does_not_move_the_status_back(world: Any) -> None:
    services.carrier_events_push(
        actor=world.carrier_x,
        events=[event("LX001", "k2", "delivered", at=T0 + dt.timedelta(days=3))],
    )
    services.carrier_events_push(actor=world.carrier_x, events=[event("LX001", "k1", "picked_up")])
    s = Shipment.objects.get()
    assert s.status == "delivered"
    assert s.events_count == 2


def test_partner_cannot_push_for_another_company(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.carrier_events_push(
            actor=world.carrier_x,
            events=[event("LX001", "k1"), event("LY001", "k2", company=LOG_Y)],
        )
    assert not Shipment.objects.exists()
    assert not ShipmentEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="logistics.carrier_events_push").exists()


@pytest.mark.parametrize("who", ["carrier_unbound", "bank", "user_a", "reviewer"])
def test_only_bound_logistics_partners_push(world: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.carrier_events_push(actor=getattr(world, who), events=[event("LX001", "k1")])
    assert not ShipmentEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "teleported"),
        ("at", "2026-03-02T10:00:00"),  # no offset
        ("at", "2031-01-01T00:00:00+08:00"),  # far future
        ("idempotency_key", ""),
        ("logistics_no", "bad no; drop"),
        ("text", "x" * 501),
    ],
)
def test_bad_events_refuse_the_whole_batch(world: Any, field: str, value: str) -> None:
    bad = event("LX002", "k2")
    bad[field] = value
    with pytest.raises(ValidationError):
        services.carrier_events_push(actor=world.carrier_x, events=[event("LX001", "k1"), bad])
    assert not ShipmentEvent.objects.exists()
    assert not Shipment.objects.exists()


def test_batch_limit(world: Any) -> None:
    events = [event(f"LX{i:05d}", f"k{i}") for i in range(services.MAX_BATCH + 1)]
    with pytest.raises(ValidationError):
        services.carrier_events_push(actor=world.carrier_x, events=events)
    assert not ShipmentEvent.objects.exists()
    result = services.carrier_events_push(actor=world.carrier_x, events=events[:-1])
    assert result.stored == services.MAX_BATCH


@pytest.mark.parametrize("update_from", [True, False], ids=["update-from", "row-by-row"])
def test_status_times_and_counters_move_the_same_on_both_update_paths(
    world: Any, update_from: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One UPDATE … FROM per batch, or (SQLite before 3.33) one UPDATE per waybill: the status
    moves forward only, release/departure/delivery keep the earliest, counters add up."""
    monkeypatch.setattr(services, "UPDATE_FROM_SQLITE", update_from)
    h = dt.timedelta(hours=1)
    services.carrier_events_push(
        actor=world.carrier_x,
        events=[
            event("LX001", "a1", "customs_released", at=T0 + 5 * h),
            event("LX001", "a2", "departed_country", at=T0 + 9 * h),
            event("LX001", "a3", "exception", at=T0 + 10 * h),
            event("LX002", "b1", "picked_up", at=T0),
        ],
    )
    services.carrier_events_push(
        actor=world.carrier_x,
        events=[
            event("LX001", "a4", "customs_released", at=T0 + 4 * h),  # earlier release: kept
            event("LX001", "a5", "picked_up", at=T0),  # older: no status change
            event("LX002", "b2", "delivered", at=T0 + 50 * h),
            event("LX002", "b3", "exception", at=T0 + 60 * h),
        ],
    )
    one = Shipment.objects.get(logistics_no="LX001")
    assert (one.status, one.status_at) == ("exception", T0 + 10 * h)
    assert (one.released_at, one.departed_at, one.delivered_at) == (T0 + 4 * h, T0 + 9 * h, None)
    assert (one.exceptions, one.events_count) == (1, 5)
    two = Shipment.objects.get(logistics_no="LX002")
    assert (two.status, two.status_at, two.delivered_at) == ("exception", T0 + 60 * h, T0 + 50 * h)
    assert (two.exceptions, two.events_count) == (1, 3)
