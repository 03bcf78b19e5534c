"""Opening a round whose closing date has passed is refused, and the page never offers it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Round, RoundStatus
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _past_round(world: Any) -> Round:
    """A draft round of the 2026 guide, whose window (April–May 2026) is over by LATE_2026."""
    rnd = services.round_create_from_guide(actor=world.city, year=2026, name="2026年度第二批")
    assert rnd.closes_on < timezone.localdate()
    return rnd


def test_round_open_refuses_a_round_whose_closing_date_has_passed(world: Any) -> None:
    rnd = _past_round(world)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.round_open(actor=world.city, round=rnd)
    assert "2026-05-29" in exc.value.messages[0] and "截止" in exc.value.messages[0]
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.DRAFT and AuditEntry.objects.count() == entries


def test_round_open_succeeds_once_the_window_is_moved(world: Any) -> None:
    rnd = _past_round(world)
    today = timezone.localdate()
    services.round_update(
        actor=world.city,
        round=rnd,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=5),
    )
    services.round_open(actor=world.city, round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN


def test_a_round_closing_today_may_still_open(world: Any) -> None:
    rnd = _past_round(world)
    today = timezone.localdate()
    rnd = services.round_update(actor=world.city, round=rnd, opens_on=today, closes_on=today)
    assert services.round_open_refusal(rnd) is None
    assert services.round_open_refusal(rnd, today=today + dt.timedelta(days=1))


def test_page_shows_the_reason_and_no_open_button_and_the_post_changes_nothing(
    world: Any,
) -> None:
    rnd = _past_round(world)
    client = _client(world.city)
    page = client.get(reverse("applications:round_edit", args=[rnd.pk])).content.decode()
    assert 'data-testid="round-open"' not in page
    assert 'data-testid="round-open-disabled"' in page and "2026-05-29" in page
    response = client.post(reverse("applications:round_open", args=[rnd.pk]), follow=True)
    assert "截止" in response.content.decode()
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.DRAFT


def test_page_offers_the_open_button_when_the_rule_allows(world: Any) -> None:
    rnd = services.round_create_from_guide(actor=world.city, year=2027)
    page = _client(world.city).get(reverse("applications:round_edit", args=[rnd.pk]))
    body = page.content.decode()
    assert 'data-testid="round-open"' in body and "round-open-disabled" not in body
