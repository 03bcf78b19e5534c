"""Attendance per registration: personal check-in codes (attendee or desk) and the officer's
"mark attended" (one row or ticked rows). Refusals change nothing and write no audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from events.models import CODE_ALPHABET, EventStatus, Registration
from events.services import (
    check_in,
    event_set_status,
    registration_check_in,
    registration_create,
    registrations_mark_attended,
)

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def today(world: Any, make_event: Callable) -> Any:
    """An event starting in an hour (check-in open) with registrations of A and B."""
    event = make_event(days=1 / 24, capacity=5)
    event.reg_a = registration_create(actor=world.user_a, event=event)
    event.reg_b = registration_create(actor=world.user_b, event=event)
    return event


def attended(event: Any) -> set[str]:
    return set(event.registrations.filter(attended=True).values_list("phone", flat=True))


def audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_every_registration_gets_its_own_short_code(today: Any) -> None:
    codes = list(Registration.objects.values_list("check_in_code", flat=True))
    assert len(codes) == len(set(codes)) == 2
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)


def test_attendee_checks_in_with_own_code(world: Any, today: Any) -> None:
    code = today.reg_a.check_in_code.lower()
    result = registration_check_in(actor=world.user_a, event=today, code=f" {code} ")
    assert not result.already and attended(today) == {"13900000001"}
    assert audits("events.registration_check_in") == 1
    again = registration_check_in(actor=world.user_a, event=today, code=code)
    assert again.already and audits("events.registration_check_in") == 1


def test_general_check_in_page_takes_the_own_personal_code_only(world: Any, today: Any) -> None:
    with pytest.raises(ValidationError):  # B's personal code is not A's to use
        check_in(actor=world.user_a, code=today.reg_b.check_in_code)
    assert not Registration.objects.filter(attended=True).exists()
    result = check_in(actor=world.user_a, code=today.reg_a.check_in_code)
    assert result.registration == today.reg_a and attended(today) == {"13900000001"}
    assert audits("events.registration_check_in") == 1


def test_desk_checks_in_anyones_code(world: Any, today: Any) -> None:
    registration_check_in(actor=world.donghai_officer, event=today, code=today.reg_b.check_in_code)
    assert attended(today) == {"13900000003"}
    entry = AuditEntry.objects.get(action="events.registration_check_in")
    assert entry.actor == world.donghai_officer
    assert entry.after is not None and entry.after["by"] == "desk"


@pytest.mark.parametrize("case", ["wrong", "other_event", "someone_else", "empty"])
def test_bad_codes_are_refused_and_change_nothing(
    world: Any, today: Any, make_event: Callable, case: str
) -> None:
    other = make_event(days=1 / 24, capacity=5, title="另一场")
    other_reg = registration_create(actor=world.user_a2, event=other)
    code = {
        "wrong": "ZZZZZZ",
        "other_event": other_reg.check_in_code,
        "someone_else": today.reg_b.check_in_code,  # A types B's code
        "empty": " ",
    }[case]
    with pytest.raises(ValidationError):
        registration_check_in(actor=world.user_a, event=today, code=code)
    assert not Registration.objects.filter(attended=True).exists()
    assert audits("events.registration_check_in") == 0


def test_desk_cannot_use_another_events_code(world: Any, today: Any, make_event: Callable) -> None:
    other = make_event(days=1 / 24, capacity=5, title="另一场")
    other_reg = registration_create(actor=world.user_a2, event=other)
    with pytest.raises(ValidationError):
        registration_check_in(actor=world.reviewer, event=today, code=other_reg.check_in_code)
    assert not Registration.objects.filter(attended=True).exists()


def test_code_only_on_the_events_day(world: Any, make_event: Callable) -> None:
    event = make_event(days=3, capacity=5)
    reg = registration_create(actor=world.user_a, event=event)
    with pytest.raises(ValidationError, match="不在签到时间内"):
        registration_check_in(actor=world.user_a, event=event, code=reg.check_in_code)
    assert not Registration.objects.filter(attended=True).exists()
    with (
        time_machine.travel(event.starts_at + dt.timedelta(days=1), tick=False),
        pytest.raises(ValidationError, match="不在签到时间内"),
    ):
        registration_check_in(actor=world.user_a, event=event, code=reg.check_in_code)
    with time_machine.travel(event.starts_at - dt.timedelta(minutes=30), tick=False):
        registration_check_in(actor=world.user_a, event=event, code=reg.check_in_code)
    assert attended(event) == {"13900000001"}


def test_cancelled_event_refuses_codes(world: Any, today: Any) -> None:
    event_set_status(actor=world.reviewer, event=today, status=EventStatus.CANCELLED)
    with pytest.raises(ValidationError, match="已取消"):
        registration_check_in(actor=world.reviewer, event=today, code=today.reg_a.check_in_code)
    assert not Registration.objects.filter(attended=True).exists()


def test_officer_marks_one_or_several_attended(world: Any, today: Any) -> None:
    one = registrations_mark_attended(
        actor=world.donghai_officer, event=today, registration_ids=[today.reg_a.pk]
    )
    assert (one.marked, one.already) == (1, 0) and attended(today) == {"13900000001"}
    both = registrations_mark_attended(
        actor=world.reviewer, event=today, registration_ids=[today.reg_a.pk, today.reg_b.pk]
    )
    assert (both.marked, both.already) == (1, 1)
    assert attended(today) == {"13900000001", "13900000003"}
    assert audits("events.registration_mark_attended") == 2


@pytest.mark.parametrize("who", ["ganyu_officer", "user_a", "partner", "finance"])
def test_mark_attended_denied_to_non_managers(world: Any, today: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        registrations_mark_attended(
            actor=getattr(world, who), event=today, registration_ids=[today.reg_a.pk]
        )
    assert not Registration.objects.filter(attended=True).exists()
    assert audits("events.registration_mark_attended") == 0


def test_mark_attended_with_another_events_row_changes_nothing(
    world: Any, today: Any, make_event: Callable
) -> None:
    other = make_event(days=1 / 24, capacity=5, title="另一场")
    other_reg = registration_create(actor=world.user_a2, event=other)
    with pytest.raises(ValidationError):
        registrations_mark_attended(
            actor=world.reviewer, event=today, registration_ids=[today.reg_a.pk, other_reg.pk]
        )
    assert not Registration.objects.filter(attended=True).exists()


def test_mark_attended_not_before_check_in_opens(world: Any, make_event: Callable) -> None:
    event = make_event(days=3, capacity=5)
    reg = registration_create(actor=world.user_a, event=event)
    with pytest.raises(ValidationError, match="签到尚未开始"):
        registrations_mark_attended(actor=world.reviewer, event=event, registration_ids=[reg.pk])
    assert not Registration.objects.filter(attended=True).exists()


# ---- pages ---------------------------------------------------------------------------------


def test_registrant_sees_code_on_confirmation_detail_and_my_list(
    world: Any, make_event: Callable
) -> None:
    event = make_event(days=2, capacity=5)
    client = client_for(world.user_a)
    response = client.post(
        reverse("events:register", args=[event.pk]), {"name": "甲", "phone": "13900000001"}
    )
    reg = Registration.objects.get(event=event)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"您的个人签到码：{reg.check_in_code}" in page  # the confirmation message
    assert 'data-testid="my-check-in-code">' + reg.check_in_code in page
    assert reg.check_in_code in client.get(reverse("events:mine")).content.decode()
    other = client_for(world.user_b).get(reverse("events:detail", args=[event.pk]))
    assert reg.check_in_code not in other.content.decode()


def test_registration_list_row_button_and_bulk_action(world: Any, today: Any) -> None:
    client = client_for(world.donghai_officer)
    url = reverse("events:registrations", args=[today.pk])
    page = client.get(url).content.decode()
    assert f'name="one" value="{today.reg_a.pk}"' in page and 'data-testid="mark-selected"' in page
    post = reverse("events:mark_attended", args=[today.pk])
    response = client.post(post, {"one": today.reg_a.pk, "registration": [today.reg_b.pk]})
    assert response.status_code == 302 and attended(today) == {"13900000001"}
    client.post(post, {"registration": [today.reg_b.pk]})
    assert attended(today) == {"13900000001", "13900000003"}
    page = client.get(url).content.decode()
    assert 'name="one"' not in page  # nobody left to check in


def test_mark_attended_page_denied_to_other_county(world: Any, today: Any) -> None:
    client = client_for(world.ganyu_officer)
    post = reverse("events:mark_attended", args=[today.pk])
    assert client.post(post, {"one": today.reg_a.pk}).status_code == 403
    assert client.get(reverse("events:registrations", args=[today.pk])).status_code == 403
    assert not Registration.objects.filter(attended=True).exists()


def test_event_check_in_page(world: Any, today: Any) -> None:
    url = reverse("events:event_check_in", args=[today.pk])
    client = client_for(world.user_a)
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"code": today.reg_b.check_in_code})
    assert wrong.status_code == 400 and "签到码无效" in wrong.content.decode()
    assert not Registration.objects.filter(attended=True).exists()
    done = client.post(url, {"code": today.reg_a.check_in_code}, follow=True)
    assert "签到成功" in done.content.decode() and attended(today) == {"13900000001"}
    desk = client_for(world.reviewer).post(url, {"code": today.reg_b.check_in_code})
    assert desk.status_code == 302 and len(attended(today)) == 2
