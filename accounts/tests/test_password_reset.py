"""Forgotten passwords: reset by e-mail (no user enumeration, throttled per address, one-use
link) and reset by an administrator (one-time password, change forced at next log-in, audited)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse

from accounts import services
from audit.models import AuditEntry
from core.tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "Quartz-Harbour-2027"


@pytest.fixture
def city(users: dict[str, Any]) -> Any:
    user = users["city_reviewer"]
    user.email = "city1@example.com"
    user.save(update_fields=["email"])
    return user


def _reset_link() -> str:
    body = str(mail.outbox[-1].body)
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", body)
    assert match, body
    return match.group(1)


def test_the_login_page_links_forgot_password(client: Client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in html and "忘记密码" in html


def test_reset_by_email_sets_a_new_password_once(client: Client, city: Any) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "CITY1@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["city1@example.com"]
    assert "点点通" in mail.outbox[0].subject
    link = _reset_link()
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    city.refresh_from_db()
    assert city.check_password(NEW)
    assert AuditEntry.objects.filter(action="accounts.password_reset_request").exists()
    assert AuditEntry.objects.filter(action="accounts.password_change", actor=city).exists()
    again = Client().get(link, follow=True).content.decode()
    assert 'data-testid="reset-link-invalid"' in again  # the link works once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client, city: Any) -> None:
    known = client.post(reverse("accounts:password_reset"), {"email": "city1@example.com"})
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1  # only the real account got one


def test_an_inactive_user_gets_no_mail(client: Client, city: Any) -> None:
    get_user_model().objects.filter(pk=city.pk).update(is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": "city1@example.com"})
    assert mail.outbox == []


@override_settings(DDT_PASSWORD_RESET_MAX_PER_ADDRESS=2)
def test_reset_requests_are_throttled_per_address(city: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("accounts:password_reset")
    for _i in range(2):
        assert client.post(url, {"email": "city1@example.com"}).status_code == 302
    refused = client.post(url, {"email": "city1@example.com"})
    assert refused.status_code == 429 and "Retry-After" in refused
    assert len(mail.outbox) == 2
    other = Client(REMOTE_ADDR="203.0.113.10").post(url, {"email": "city1@example.com"})
    assert other.status_code == 302 and len(mail.outbox) == 3


def _admin_reset(users: dict[str, Any], target: Any) -> Any:
    admin = Client()
    admin.force_login(users["administrator"])
    return admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_password", "_selected_action": [target.pk]},
        follow=True,
    )


def test_an_administrator_resets_to_a_one_time_password(users: dict[str, Any]) -> None:
    target = users["enterprise"]
    html = _admin_reset(users, target).content.decode()
    match = re.search(r"一次性密码：([A-Za-z0-9]{12})", html)
    assert match, html
    one_time = match.group(1)
    target.refresh_from_db()
    assert target.must_change_password and target.check_password(one_time)
    entry = AuditEntry.objects.get(action="accounts.password_reset_by_admin")
    assert entry.actor_id == users["administrator"].pk and one_time not in str(entry.after)

    client = Client()
    client.post(reverse("accounts:login"), {"username": "ent1", "password": one_time})
    page = client.get(reverse("core:home"))
    assert page.status_code == 302 and page["Location"] == reverse("accounts:password_change")
    assert client.get("/api/v1/enterprises/mine").status_code == 403
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": one_time, "new_password1": NEW, "new_password2": NEW},
    )
    assert changed.status_code == 302
    target.refresh_from_db()
    assert not target.must_change_password
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize("role", ["city_reviewer", "county_officer", "enterprise"])
def test_only_an_administrator_resets_passwords(users: dict[str, Any], role: str) -> None:
    target = users["finance_officer"]
    with pytest.raises(PermissionDenied):
        services.user_reset_password(actor=users[role], user=target)
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.must_change_password
    assert not AuditEntry.objects.filter(action="accounts.password_reset_by_admin").exists()
    client = Client()
    client.force_login(users[role])
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_password", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_the_admin_is_branded_and_in_the_users_language(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["administrator"])
    html = client.get(reverse("admin:index")).content.decode()
    assert "点点通 · 平台管理后台" in html and "系统管理" in html
    assert "Django administration" not in html and "Log out" not in html
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get(reverse("admin:index")).content.decode()
    assert "Diandiantong platform administration" in english and "Log out" in english
    # every admin page carries the brand, not only the index
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Diandiantong platform administration" in page
    assert "| Diandiantong administration" in page
    assert "平台管理后台" not in page
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "点点通 · 平台管理后台" in page and "| 点点通管理后台" in page


@pytest.mark.parametrize(
    ("backend", "ok"),
    [("", True), ("django.core.mail.backends.console.EmailBackend", False)],
)
def test_production_refuses_to_print_reset_links(backend: str, ok: bool) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "diandiantong.settings.production",
        "DDT_SECRET_KEY": "p" * 60,
        "DDT_EMAIL_BACKEND": backend,
    }
    code = (
        "import django; django.setup(); "
        "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode == 0) is ok, result.stderr
    if ok:
        assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_the_admin_user_page_shows_the_pending_change(users: dict[str, Any]) -> None:
    target = users["enterprise"]
    _admin_reset(users, target)
    admin = Client()
    admin.force_login(users["administrator"])
    html = admin.get(reverse("admin:accounts_user_change", args=[target.pk])).content.decode()
    assert "下次登录须修改密码" in html
