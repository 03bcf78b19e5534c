"""Self-registration records the privacy consent: a required checkbox linking the privacy
notice; the version agreed to and the moment are stored; refused without it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from core.public import PRIVACY_VERSION
from enterprises import services
from enterprises.models import Enterprise
from enterprises.validators import uscc_check_char

pytestmark = pytest.mark.django_db

FIRST17 = "91320722MA1XYW777"


def _form(county_pk: int, **overrides: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uscc": FIRST17 + uscc_check_char(FIRST17),
        "name": "东海隐私测试跨境电商有限公司",
        "county": county_pk,
        "kind": "manufacturer",
        "username": "privacy_ent",
        "password1": "Quartz-Crystal-2026",
        "password2": "Quartz-Crystal-2026",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_the_form_links_the_privacy_notice() -> None:
    html = Client().get(reverse("enterprises:register")).content.decode()
    assert 'name="privacy_consent"' in html and f'href="{reverse("core:privacy")}"' in html


def test_registration_without_consent_is_refused_and_creates_nothing(
    counties: dict[str, Any],
) -> None:
    response = Client().post(
        reverse("enterprises:register"), _form(counties["donghai"].pk, privacy_consent="")
    )
    assert response.status_code == 200
    assert "请阅读并同意隐私声明后再注册" in response.content.decode()
    assert not Enterprise.objects.exists() and not User.objects.exists()


def test_registration_stores_the_version_and_moment_of_consent(
    counties: dict[str, Any],
) -> None:
    before = timezone.now()
    response = Client().post(reverse("enterprises:register"), _form(counties["donghai"].pk))
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.privacy_consent_version == PRIVACY_VERSION
    assert enterprise.privacy_consent_at is not None
    assert before <= enterprise.privacy_consent_at <= timezone.now()
    entry = AuditEntry.objects.get(action="enterprises.enterprise_register")
    assert PRIVACY_VERSION in str(entry.after)


@pytest.mark.parametrize("version", ["", "2019-01"])
def test_the_service_refuses_a_missing_or_stale_consent(
    counties: dict[str, Any], version: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.enterprise_register(
            uscc=FIRST17 + uscc_check_char(FIRST17),
            name="东海隐私测试跨境电商有限公司",
            county=counties["donghai"],
            kind="manufacturer",
            username="privacy_ent",
            password="Quartz-Crystal-2026",
            privacy_consent_version=version,
        )
    assert "privacy_consent" in exc.value.message_dict
    assert not Enterprise.objects.exists() and not User.objects.exists()
