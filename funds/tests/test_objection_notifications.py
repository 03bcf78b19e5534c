"""A new objection on a notice is announced to the city reviewers (in-app notification)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from applications.models import Notification
from funds import services
from funds.tests.test_notices import proposed, publish  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_filing_an_objection_notifies_every_city_reviewer(
    world: Any,
    round_: Any,
    proposed: list[Any],  # noqa: F811
) -> None:
    notice = publish(world, round_)
    before = Notification.objects.count()
    services.objection_file(
        notice=notice,
        name="张三",
        phone="13800000000",
        text="该企业展会费用存疑，请核实。",
        client_ip="10.0.0.1",
        today=notice.published_on + dt.timedelta(days=1),
    )
    new = Notification.objects.order_by("pk")[before:]
    assert {n.user_id for n in new} == {world.reviewer.pk, world.reviewer2.pk}
    for n in new:
        assert notice.title in n.message and "异议" in n.message
    assert Notification.objects.count() == before + 2


def test_a_refused_objection_notifies_nobody(
    world: Any,
    round_: Any,
    proposed: list[Any],  # noqa: F811
) -> None:
    notice = publish(world, round_)
    before = Notification.objects.count()
    with pytest.raises(ValidationError):
        services.objection_file(
            notice=notice,
            name="张三",
            phone="13800000000",
            text="异议",
            client_ip="10.0.0.1",
            today=notice.ends_on + dt.timedelta(days=1),  # the period is over
        )
    assert Notification.objects.count() == before
