"""The event workflow: the detail page's buttons are exactly what the services accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from events import services, workflow
from events.tests.conftest import shift_start

pytestmark = pytest.mark.django_db

CANCEL = 'value="cancelled"'
FINISH = 'value="finished"'


def _page(user: Any, pk: int) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("events:detail", args=[pk])).content.decode()


def test_cancel_button_disappears_once_someone_signed_in(
    world: Any, make_event: Callable[..., Any]
) -> None:
    event = make_event(days=0.01)  # starts in a quarter of an hour: check-in is open
    assert CANCEL in _page(world.reviewer, event.pk)
    services.registration_create(actor=world.user_a, event=event)
    services.check_in(actor=world.user_a, code=event.check_in_code)
    assert workflow.status_refusal(event, "cancelled") is not None
    assert CANCEL not in _page(world.reviewer, event.pk)
    with pytest.raises(ValidationError):
        services.event_set_status(actor=world.reviewer, event=event, status="cancelled")
    event.refresh_from_db()
    assert event.status == "published"


def test_finish_button_only_once_started(world: Any, make_event: Callable[..., Any]) -> None:
    event = make_event()
    assert FINISH not in _page(world.reviewer, event.pk)
    with pytest.raises(ValidationError):
        services.event_set_status(actor=world.reviewer, event=event, status="finished")
    shift_start(event, -dt.timedelta(days=8))
    assert FINISH in _page(world.reviewer, event.pk)
    services.event_set_status(actor=world.reviewer, event=event, status="finished")
    html = _page(world.reviewer, event.pk)
    assert FINISH not in html and CANCEL not in html
    assert reverse("events:edit", args=[event.pk]) not in html  # finished: no edit button


def test_cancel_registration_button_follows_the_rule(
    world: Any, make_event: Callable[..., Any]
) -> None:
    event = make_event()
    registration = services.registration_create(actor=world.user_a, event=event)
    cancel_url = reverse("events:registration_cancel", args=[event.pk])
    assert cancel_url in _page(world.user_a, event.pk)
    shift_start(event, -dt.timedelta(days=8))
    registration.refresh_from_db()
    assert workflow.cancel_registration_refusal(registration) is not None
    assert cancel_url not in _page(world.user_a, event.pk)
    with pytest.raises(ValidationError):
        services.registration_cancel(actor=world.user_a, registration=registration)
    assert event.registrations.filter(pk=registration.pk).exists()
