"""Event services: publishing rights, registration (capacity, duplicates), check-in, status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from events.models import Event, EventStatus, Registration
from events.services import (
    check_in,
    event_publish,
    event_set_status,
    event_update,
    registration_cancel,
    registration_create,
)
from events.tests.conftest import shift_start

pytestmark = pytest.mark.django_db


def test_publish_gives_random_unique_check_in_code_and_audits(make_event: Callable) -> None:
    one, two = make_event(), make_event()
    assert len(one.check_in_code) == 6 and one.check_in_code != two.check_in_code
    assert one.status == EventStatus.PUBLISHED
    assert AuditEntry.objects.filter(action="events.event_publish").count() == 2


def test_county_officer_publishes_in_own_county(world: Any, make_event: Callable) -> None:
    event = make_event(actor=world.donghai_officer, county="donghai")
    assert event.organiser_user == world.donghai_officer


@pytest.mark.parametrize("county", ["ganyu", None])
def test_county_officer_cannot_publish_elsewhere_or_city_wide(
    world: Any, make_event: Callable, county: str | None
) -> None:
    with pytest.raises(PermissionDenied):
        make_event(actor=world.donghai_officer, county=county)
    assert Event.objects.count() == 0


def test_partner_publishes_city_wide(world: Any, make_event: Callable) -> None:
    assert make_event(actor=world.partner, county=None).county is None


@pytest.mark.parametrize("who", ["user_a", "finance"])
def test_enterprise_and_finance_cannot_publish(world: Any, make_event: Callable, who: str) -> None:
    with pytest.raises(PermissionDenied):
        make_event(actor=getattr(world, who))
    assert (
        Event.objects.count() == 0
        and not AuditEntry.objects.filter(action="events.event_publish").exists()
    )


def test_publish_rejects_bad_values(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        event_publish(
            actor=world.reviewer,
            title=" ",
            kind="party",
            starts_at=timezone.now(),
            capacity=0,
            organiser="",
        )
    assert set(exc.value.message_dict) == {"title", "kind", "capacity", "organiser"}
    assert Event.objects.count() == 0


def test_publish_rejects_end_before_start(world: Any) -> None:
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        event_publish(
            actor=world.reviewer,
            title="t",
            kind="salon",
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
            capacity=5,
            organiser="o",
        )
    assert "ends_at" in exc.value.message_dict


def test_register_takes_phone_from_profile_and_enterprise(world: Any, make_event: Callable) -> None:
    reg = registration_create(actor=world.user_a, event=make_event())
    assert (reg.phone, reg.enterprise, reg.source) == ("13900000001", world.a, "online")
    assert AuditEntry.objects.filter(action="events.registration_create").count() == 1


def test_capacity_is_enforced(world: Any, make_event: Callable) -> None:
    event = make_event(capacity=2)
    registration_create(actor=world.user_a, event=event)
    registration_create(actor=world.user_b, event=event)
    with pytest.raises(ValidationError, match="名额已满"):
        registration_create(actor=world.user_a2, event=event)
    assert event.registrations.count() == 2


def test_double_registration_refused_by_user_and_by_phone(world: Any, make_event: Callable) -> None:
    event = make_event()
    registration_create(actor=world.user_a, event=event)
    with pytest.raises(ValidationError, match="重复报名"):
        registration_create(actor=world.user_a, event=event, phone="13911112222")
    with pytest.raises(ValidationError, match="重复报名"):
        registration_create(actor=world.user_a2, event=event, phone="139 0000 0001")
    assert event.registrations.count() == 1


@pytest.mark.parametrize("who", ["reviewer", "donghai_officer", "partner"])
def test_only_enterprise_users_register(world: Any, make_event: Callable, who: str) -> None:
    event = make_event()
    with pytest.raises(PermissionDenied):
        registration_create(actor=getattr(world, who), event=event, phone="13812345678")
    assert event.registrations.count() == 0


def test_no_registration_after_start_or_when_cancelled(world: Any, make_event: Callable) -> None:
    started = shift_start(make_event(), -dt.timedelta(days=8))
    with pytest.raises(ValidationError):
        registration_create(actor=world.user_a, event=started)
    cancelled = make_event()
    event_set_status(actor=world.reviewer, event=cancelled, status="cancelled")
    with pytest.raises(ValidationError):
        registration_create(actor=world.user_a, event=cancelled)
    assert Registration.objects.count() == 0


def test_register_rejects_bad_phone(world: Any, make_event: Callable) -> None:
    event = make_event()
    with pytest.raises(ValidationError) as exc:
        registration_create(actor=world.user_a, event=event, phone="12345")
    assert "phone" in exc.value.message_dict and event.registrations.count() == 0


def test_cancel_own_registration_frees_the_seat(world: Any, make_event: Callable) -> None:
    event = make_event(capacity=1)
    reg = registration_create(actor=world.user_a, event=event)
    with pytest.raises(PermissionDenied):
        registration_cancel(actor=world.user_b, registration=reg)
    assert event.registrations.count() == 1
    registration_cancel(actor=world.user_a, registration=reg)
    registration_create(actor=world.user_b, event=event)
    assert list(event.registrations.values_list("user", flat=True)) == [world.user_b.pk]


def test_check_in_marks_registration_attended(world: Any, make_event: Callable) -> None:
    event = make_event()
    registration_create(actor=world.user_a, event=event)
    shift_start(event, -dt.timedelta(days=7, hours=-1))  # starts in one hour
    result = check_in(actor=world.user_a, code=event.check_in_code.lower())
    assert not result.already and result.registration.attended
    assert result.registration.checked_in_at is not None
    again = check_in(actor=world.user_a, code=event.check_in_code)
    assert again.already and event.registrations.count() == 1


def test_check_in_without_registration_needs_phone_then_adds_on_site(
    world: Any, make_event: Callable
) -> None:
    event = shift_start(make_event(capacity=1), -dt.timedelta(days=7))
    with pytest.raises(ValidationError) as exc:
        check_in(actor=world.reviewer, code=event.check_in_code)
    assert "phone" in exc.value.message_dict and event.registrations.count() == 0
    result = check_in(actor=world.reviewer, code=event.check_in_code, phone="13700000000")
    assert result.registration.source == "check_in" and result.registration.attended
    # on-site attendance is recorded even beyond capacity (capacity 1, a second person arrives)
    check_in(actor=world.user_b, code=event.check_in_code)
    assert event.registrations.filter(attended=True).count() == 2


def test_check_in_wrong_code_or_outside_window(world: Any, make_event: Callable) -> None:
    event = make_event()
    registration_create(actor=world.user_a, event=event)
    with pytest.raises(ValidationError, match="签到码无效"):
        check_in(actor=world.user_a, code="ZZZZZZ")
    with pytest.raises(ValidationError, match="不在签到时间内"):
        check_in(actor=world.user_a, code=event.check_in_code)  # a week early
    shift_start(event, -dt.timedelta(days=10))  # three days ago
    with pytest.raises(ValidationError, match="不在签到时间内"):
        check_in(actor=world.user_a, code=event.check_in_code)
    assert not event.registrations.filter(attended=True).exists()


def test_check_in_refused_for_cancelled_event(world: Any, make_event: Callable) -> None:
    event = make_event()
    event_set_status(actor=world.reviewer, event=event, status="cancelled")
    shift_start(event, -dt.timedelta(days=7))
    with pytest.raises(ValidationError, match="已取消"):
        check_in(actor=world.user_a, code=event.check_in_code)
    assert event.registrations.count() == 0


def test_status_workflow(world: Any, make_event: Callable) -> None:
    event = make_event()
    with pytest.raises(ValidationError, match="尚未开始"):
        event_set_status(actor=world.reviewer, event=event, status="finished")
    shift_start(event, -dt.timedelta(days=8))
    event = event_set_status(actor=world.reviewer, event=event, status="finished")
    with pytest.raises(ValidationError):
        event_set_status(actor=world.reviewer, event=event, status="cancelled")
    event.refresh_from_db()
    assert event.status == "finished"


def test_manage_rights(world: Any, make_event: Callable) -> None:
    event = make_event(actor=world.partner, county="donghai")
    # the county officer of the event's county may manage it; another county's may not
    event_update(actor=world.donghai_officer, event=event, capacity=10)
    with pytest.raises(PermissionDenied):
        event_update(actor=world.ganyu_officer, event=event, capacity=99)
    with pytest.raises(PermissionDenied):
        event_set_status(actor=world.user_a, event=event, status="cancelled")
    event.refresh_from_db()
    assert (event.capacity, event.status) == (10, "published")


def test_capacity_cannot_drop_below_registrations(world: Any, make_event: Callable) -> None:
    event = make_event(capacity=3)
    registration_create(actor=world.user_a, event=event)
    registration_create(actor=world.user_b, event=event)
    with pytest.raises(ValidationError) as exc:
        event_update(actor=world.reviewer, event=event, capacity=1)
    assert "capacity" in exc.value.message_dict
    event.refresh_from_db()
    assert event.capacity == 3


def test_county_officer_cannot_move_event_out_of_county(world: Any, make_event: Callable) -> None:
    event = make_event(actor=world.donghai_officer)
    with pytest.raises(PermissionDenied):
        event_update(actor=world.donghai_officer, event=event, county=world.counties["ganyu"])
    event.refresh_from_db()
    assert event.county == world.counties["donghai"]
