"""Officers hear of work that now waits for them: the county officers of the application's
county when the enterprise submits, the city reviewers when the county passes it on."""

from __future__ import annotations

from typing import Any

import pytest

from applications import services
from applications.models import ApplicationStatus as S
from applications.models import Notification
from applications.workflow import transition

pytestmark = pytest.mark.django_db


def _inbox(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


def test_submitting_notifies_the_county_officers_of_that_county_only(
    world: Any, make_app: Any
) -> None:
    app = make_app()
    services.application_submit(actor=world.user_a, application=app)
    (message,) = _inbox(world.donghai)
    assert world.a.name in message and f"#{app.pk}" in message
    assert "a3.benchmark" not in message  # the measure by its title, not its code
    assert _inbox(world.ganyu) == []  # another county's officer hears nothing
    assert _inbox(world.city) == [] and _inbox(world.finance) == []


def test_an_inactive_county_officer_is_not_notified(world: Any, make_app: Any) -> None:
    world.donghai.is_active = False
    world.donghai.save(update_fields=["is_active"])
    services.application_submit(actor=world.user_a, application=make_app())
    assert _inbox(world.donghai) == []


def test_county_passing_it_on_notifies_the_city_reviewers(world: Any, make_app: Any) -> None:
    app = make_app()
    services.application_submit(actor=world.user_a, application=app)
    transition(actor=world.donghai, application=app, to=S.CITY_REVIEW)
    (message,) = _inbox(world.city)
    assert "市级审核" in message and f"#{app.pk}" in message
    assert len(_inbox(world.donghai)) == 1  # only the submission, not its own decision


def test_returning_or_rejecting_tells_no_officer(world: Any, make_app: Any) -> None:
    app = make_app()
    services.application_submit(actor=world.user_a, application=app)
    transition(actor=world.donghai, application=app, to=S.RETURNED, comment="缺少发票")
    assert len(_inbox(world.donghai)) == 1 and _inbox(world.city) == []


def test_resubmitting_a_returned_application_notifies_the_county_again(
    world: Any, make_app: Any
) -> None:
    app = make_app()
    services.application_submit(actor=world.user_a, application=app)
    transition(actor=world.donghai, application=app, to=S.RETURNED, comment="缺少发票")
    services.application_submit(actor=world.user_a, application=app)
    assert len(_inbox(world.donghai)) == 2


def test_a_refused_submission_notifies_nobody(world: Any, make_app: Any) -> None:
    from django.core.exceptions import PermissionDenied

    app = make_app()
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=world.user_b, application=app)
    assert Notification.objects.count() == 0
    app.refresh_from_db()
    assert app.status == S.DRAFT
