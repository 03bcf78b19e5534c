"""Verifying self-registered enterprises (注册核验): the county officer (or the city) activates or
rejects a pending registration, the enterprise's users are told; others are refused and nothing
changes (issue 15, blocker 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.models import Notification
from audit.models import AuditEntry
from core.navigation import nav_for
from core.public import PRIVACY_VERSION
from enterprises import registration_services as services
from enterprises.models import Enterprise, EnterpriseStatus
from enterprises.services import enterprise_register
from enterprises.tests.conftest import login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(world: Any) -> tuple[Enterprise, Any]:
    """A self-registration in 东海 (the public form's service): pending, with its first user."""
    import random

    from enterprises.demo import generate_uscc

    return enterprise_register(
        uscc=generate_uscc(random.Random(3), world.counties["donghai"].code),
        name="东海新注册跨境电商有限公司",
        county=world.counties["donghai"],
        kind="manufacturer",
        username="new_ent",
        password="Vu8#kq2-Lm9!zr",
        contact_name="李四",
        contact_email="li@example.com",
        privacy_consent_version=PRIVACY_VERSION,
    )


def _state(enterprise: Enterprise) -> tuple[str, int, int]:
    enterprise.refresh_from_db()
    return enterprise.status, Notification.objects.count(), AuditEntry.objects.count()


def test_county_officer_sees_and_activates_a_pending_registration_of_its_county(
    world: Any, pending: tuple[Enterprise, Any], mailoutbox: list[Any]
) -> None:
    enterprise, user = pending
    assert reverse("enterprises:registrations") in {u for _l, u in nav_for(world.donghai_officer)}
    client = login_client(world.donghai_officer)
    page = client.get(reverse("enterprises:registrations")).content.decode()
    assert enterprise.name in page and f'data-testid="activate-{enterprise.pk}"' in page
    response = client.post(reverse("enterprises:registration_activate", args=[enterprise.pk]))
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.ACTIVE
    message = Notification.objects.get(user=user).message
    assert "核验通过" in message and enterprise.name in message
    assert AuditEntry.objects.filter(action="enterprises.registration_activate").exists()
    assert enterprise.name not in client.get(reverse("enterprises:registrations")).content.decode()


def test_city_reviewer_rejects_with_a_reason_the_enterprise_is_told(
    world: Any, pending: tuple[Enterprise, Any]
) -> None:
    enterprise, user = pending
    client = login_client(world.reviewer)
    client.post(
        reverse("enterprises:registration_reject", args=[enterprise.pk]),
        {"reason": "营业执照信息与统一社会信用代码不符。"},
    )
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.DEREGISTERED
    assert "营业执照信息与统一社会信用代码不符" in Notification.objects.get(user=user).message


def test_rejection_needs_a_reason_and_changes_nothing_without_one(
    world: Any, pending: tuple[Enterprise, Any]
) -> None:
    enterprise, _user = pending
    before = _state(enterprise)
    with pytest.raises(ValidationError):
        services.registration_reject(actor=world.donghai_officer, enterprise=enterprise, reason=" ")
    assert _state(enterprise) == before


@pytest.mark.parametrize("who", ["ganyu_officer", "new_user", "finance", "partner"])
def test_others_cannot_verify_and_nothing_changes(
    world: Any, pending: tuple[Enterprise, Any], who: str
) -> None:
    enterprise, user = pending
    actor = user if who == "new_user" else getattr(world, who)
    before = _state(enterprise)
    with pytest.raises(PermissionDenied):
        services.registration_activate(actor=actor, enterprise=enterprise)
    with pytest.raises(PermissionDenied):
        services.registration_reject(actor=actor, enterprise=enterprise, reason="不符合条件。")
    client = login_client(actor)
    for name in ("registration_activate", "registration_reject"):
        response = client.post(
            reverse(f"enterprises:{name}", args=[enterprise.pk]), {"reason": "x"}
        )
        assert response.status_code == 404
    assert client.get(reverse("enterprises:registrations")).status_code in (200, 403)
    assert enterprise.name not in client.get(reverse("enterprises:registrations")).content.decode()
    assert _state(enterprise) == before


def test_only_pending_registrations_are_decided(world: Any) -> None:
    before = _state(world.a)
    with pytest.raises(ValidationError):
        services.registration_activate(actor=world.donghai_officer, enterprise=world.a)
    with pytest.raises(ValidationError):
        services.registration_reject(actor=world.reviewer, enterprise=world.a, reason="重复。")
    assert _state(world.a) == before
