"""Lock-out per (user name, client address) and the per-address throttles of log-in and
self-registration. Each denial asserts that nothing was written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import LoginFailure, RegistrationAttempt, User
from audit.models import AuditEntry
from core.tests.fixtures import PASSWORD
from enterprises.models import Enterprise
from enterprises.validators import uscc_check_char

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
STRANGER = "203.0.113.66"
OFFICE = "198.51.100.4"


def _login(client: Client, username: str, password: str, ip: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@override_settings(DDT_LOGIN_MAX_FAILURES=5, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_stranger_cannot_lock_the_real_user_out(users: dict[str, Any]) -> None:
    """The probe's attack: 5 anonymous guesses locked `fin1` for everyone."""
    stranger = Client()
    for _ in range(5):
        _login(stranger, "fin1", "guess-guess-guess", STRANGER)
    # The stranger's own address is locked for that user name, even with the right password.
    refused = _login(stranger, "fin1", PASSWORD, STRANGER)
    assert "已被暂时锁定" in refused.content.decode() and not _logged_in(stranger)
    assert not AuditEntry.objects.filter(action="accounts.login").exists()
    # The real user, elsewhere, logs in as usual.
    real = Client()
    assert _login(real, "fin1", PASSWORD, OFFICE).status_code == 302
    assert _logged_in(real)
    # ...and logging in does not reset the stranger's counter.
    assert LoginFailure.objects.filter(username="fin1", client_ip=STRANGER).count() == 5
    assert services.login_is_locked(username="fin1", client_ip=STRANGER) is not None


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_lock_is_per_user_name_and_address() -> None:
    for _ in range(3):
        services.login_failure_record(username="Alice", client_ip=STRANGER)
    assert services.login_is_locked(username="alice", client_ip=STRANGER) is not None
    assert services.login_is_locked(username="alice", client_ip=OFFICE) is None
    assert services.login_is_locked(username="bob", client_ip=STRANGER) is None
    # Failures spread over addresses lock none of them.
    for ip in ("192.0.2.1", "192.0.2.2"):
        services.login_failure_record(username="carol", client_ip=ip)
        services.login_failure_record(username="carol", client_ip=ip)
    assert services.login_is_locked(username="carol") is None
    assert services.login_is_locked(username="alice") is not None  # locked somewhere


@override_settings(
    DDT_LOGIN_MAX_FAILURES=5,
    DDT_LOGIN_ADDRESS_MAX_FAILURES=6,
    DDT_LOGIN_ADDRESS_WINDOW_MINUTES=15,
)
def test_address_spraying_user_names_is_throttled_with_429(users: dict[str, Any]) -> None:
    """The probe tried 30 user names in 7 s from one address: now the address is stopped."""
    client = Client()
    for i in range(6):
        response = _login(client, f"nobody{i}", "guess-guess-guess", STRANGER)
        assert response.status_code == 200
    failures = LoginFailure.objects.count()
    entries = AuditEntry.objects.count()
    # Even the right password of a real user is not even checked from that address now.
    response = _login(client, "city1", PASSWORD, STRANGER)
    assert response.status_code == 429
    html = response.content.decode()
    assert "来自您所在网络地址的登录失败次数过多" in html and "之后再试" in html
    assert not _logged_in(client)
    assert LoginFailure.objects.count() == failures  # refusals do not extend the throttle
    assert not AuditEntry.objects.filter(action="accounts.login").exists()
    assert AuditEntry.objects.count() == entries + 1
    assert AuditEntry.objects.filter(action="accounts.login_throttled").count() == 1
    # Another address is not affected.
    assert _login(Client(), "city1", PASSWORD, OFFICE).status_code == 302


@override_settings(DDT_LOGIN_ADDRESS_MAX_FAILURES=3, DDT_LOGIN_ADDRESS_WINDOW_MINUTES=15)
def test_address_throttle_ends_when_the_window_passes() -> None:
    for i in range(3):
        services.login_failure_record(username=f"u{i}", client_ip=STRANGER)
    retry_at = services.login_address_throttled(client_ip=STRANGER)
    assert retry_at is not None
    assert services.login_address_throttled(client_ip=OFFICE) is None
    assert services.login_address_throttled(client_ip=STRANGER, now=retry_at) is None


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_TRUSTED_PROXIES=["10.0.0.1"])
def test_lockout_uses_the_client_address_behind_a_trusted_proxy(users: dict[str, Any]) -> None:
    proxied = {"HTTP_X_FORWARDED_FOR": f"{STRANGER}, 10.0.0.1"}
    for _ in range(3):
        _login(Client(), "city1", "guess-guess-guess", "10.0.0.1", **proxied)
    assert set(LoginFailure.objects.values_list("client_ip", flat=True)) == {STRANGER}
    # Another client behind the same proxy is not locked out...
    other = Client()
    response = _login(other, "city1", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR=OFFICE)
    assert response.status_code == 302
    # ...and an untrusted sender cannot pick its address with the header.
    spoofer = Client()
    for _ in range(3):
        _login(spoofer, "fin1", "guess-guess-guess", "192.0.2.99", HTTP_X_FORWARDED_FOR=OFFICE)
    assert not LoginFailure.objects.filter(username="fin1", client_ip=OFFICE).exists()
    assert LoginFailure.objects.filter(username="fin1", client_ip="192.0.2.99").count() == 3


@override_settings(DDT_LOGIN_LOCKOUT_MINUTES=15, DDT_LOGIN_ADDRESS_WINDOW_MINUTES=30)
def test_old_login_failures_are_pruned() -> None:
    services.login_failure_record(username="old", client_ip=STRANGER)
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=31))
    services.login_failure_record(username="recent", client_ip=STRANGER)
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["recent"]


# --- Self-registration throttle ---------------------------------------------------------------

FIRST17 = "91320722MA1XYW000"


def _registration(county_pk: int) -> dict[str, Any]:
    return {
        "uscc": FIRST17 + uscc_check_char(FIRST17),
        "name": "东海晶品跨境电商有限公司",
        "county": county_pk,
        "kind": "manufacturer",
        "username": "jingpin",
        "password1": "Quartz-Crystal-2026",
        "password2": "Quartz-Crystal-2026",
        "contact_name": "王五",
        "privacy_consent": "on",
    }


@override_settings(DDT_REGISTER_MAX_PER_ADDRESS=3, DDT_REGISTER_WINDOW_MINUTES=60)
def test_registration_is_throttled_per_address_with_429(counties: dict[str, Any]) -> None:
    url = reverse("enterprises:register")
    client = Client(REMOTE_ADDR=STRANGER)
    for _ in range(5):
        assert client.get(url).status_code == 200  # looking at the form costs nothing
    for _ in range(3):
        assert client.post(url, {"username": "probe"}).status_code == 200  # invalid: re-shown
    users, enterprises = User.objects.count(), Enterprise.objects.count()
    attempts = RegistrationAttempt.objects.count()
    response = client.post(url, _registration(counties["donghai"].pk))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "来自您所在网络地址的注册请求过多" in html and "之后再试" in html
    assert User.objects.count() == users and Enterprise.objects.count() == enterprises
    assert RegistrationAttempt.objects.count() == attempts
    assert not _logged_in(client)
    assert AuditEntry.objects.filter(action="accounts.registration_throttled").count() == 1
    # Another address registers as usual.
    other = Client(REMOTE_ADDR=OFFICE)
    assert other.post(url, _registration(counties["donghai"].pk)).status_code == 302
    assert User.objects.filter(username="jingpin").exists()


@override_settings(DDT_REGISTER_MAX_PER_ADDRESS=2, DDT_REGISTER_WINDOW_MINUTES=60)
def test_registration_throttle_expires_and_prunes_old_rows() -> None:
    assert services.registration_attempt(client_ip=STRANGER) is None
    assert services.registration_attempt(client_ip=STRANGER) is None
    retry_at = services.registration_attempt(client_ip=STRANGER)
    assert retry_at is not None and RegistrationAttempt.objects.count() == 2
    assert services.registration_attempt(client_ip=OFFICE) is None
    later = retry_at + dt.timedelta(seconds=1)
    assert services.registration_attempt(client_ip=STRANGER, now=later) is None
    # The stranger's two rows left the window and were deleted; the new one is counted.
    assert RegistrationAttempt.objects.filter(client_ip=STRANGER).count() == 1


@override_settings(DDT_REGISTER_MAX_PER_ADDRESS=1, DDT_LOGIN_ADDRESS_MAX_FAILURES=1)
def test_throttle_messages_in_english(users: dict[str, Any]) -> None:
    client = Client(REMOTE_ADDR=STRANGER)
    client.post("/i18n/setlang/", {"language": "en"})
    _login(client, "nobody", "guess-guess-guess", STRANGER)
    response = _login(client, "city1", PASSWORD, STRANGER)
    assert response.status_code == 429
    assert "sign-in from it is paused" in response.content.decode()
    url = reverse("enterprises:register")
    client.post(url, {"username": "probe"})
    response = client.post(url, {"username": "probe"})
    assert response.status_code == 429
    assert "Too many registration requests" in response.content.decode()
