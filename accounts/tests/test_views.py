from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import ApiToken, LoginFailure, Role
from accounts.roles import landing_url
from audit.models import AuditEntry
from core.tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_is_chinese(client: Client) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录点点通" in html and "用户名" in html and "密码" in html


def test_login_works_and_is_audited(client: Client, users: dict[str, Any]) -> None:
    response = _login(client, "city1", PASSWORD, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(users["city_reviewer"].pk)
    entry = AuditEntry.objects.filter(action="accounts.login").get()
    assert entry.actor_id == users["city_reviewer"].pk and entry.client_ip == "198.51.100.4"


def test_wrong_password_is_refused_recorded_and_audited(
    client: Client, users: dict[str, Any]
) -> None:
    response = _login(client, "city1", "wrong-password", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.client_ip) == ("city1", "198.51.100.4")
    assert AuditEntry.objects.filter(action="accounts.login_failed").count() == 1


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_lockout_refuses_even_the_right_password(client: Client, users: dict[str, Any]) -> None:
    for _ in range(3):
        _login(client, "city1", "wrong-password")
    response = _login(client, "city1", PASSWORD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已被暂时锁定" in html and "之后再试" in html
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.login_locked").count() == 1
    assert not AuditEntry.objects.filter(action="accounts.login").exists()
    # Attempts while locked do not extend the lock.
    assert LoginFailure.objects.count() == 3
    # Another user name is not affected.
    assert _login(client, "fin1", PASSWORD).status_code == 302


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_last_failure_that_locks_shows_lock_message(client: Client, users: dict[str, Any]) -> None:
    _login(client, "city1", "wrong-password")
    _login(client, "city1", "wrong-password")
    response = _login(client, "city1", "wrong-password")
    assert "已被暂时锁定" in response.content.decode()


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_success_clears_failures(client: Client, users: dict[str, Any]) -> None:
    _login(client, "city1", "wrong-password")
    _login(client, "city1", "wrong-password")
    assert _login(client, "city1", PASSWORD).status_code == 302
    assert not LoginFailure.objects.exists()


def test_inactive_user_cannot_log_in(client: Client, users: dict[str, Any]) -> None:
    users["city_reviewer"].is_active = False
    users["city_reviewer"].save()
    response = _login(client, "city1", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_post_needs_csrf(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = _login(client, "city1", PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action="accounts.login").exists()


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("enterprise", "enterprises:mine"),
        ("county_officer", "enterprises:list"),
        ("city_reviewer", "enterprises:list"),
        ("finance_officer", "enterprises:list"),
        ("partner", "core:home"),
        ("administrator", "core:home"),
    ],
)
def test_login_redirects_by_role(
    client: Client, users: dict[str, Any], role: str, url_name: str
) -> None:
    user = users[role]
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    try:
        expected = reverse(url_name)
    except NoReverseMatch:  # the page's app is not there yet: home page
        expected = reverse("core:home")
    assert response["Location"] == expected == landing_url(user)


def test_login_honours_safe_next_only(client: Client, users: dict[str, Any]) -> None:
    response = client.post(
        LOGIN, {"username": "city1", "password": PASSWORD, "next": "/accounts/tokens/"}
    )
    assert response["Location"] == "/accounts/tokens/"
    client.logout()
    response = client.post(
        LOGIN, {"username": "city1", "password": PASSWORD, "next": "https://evil.example.com/"}
    )
    assert "evil" not in response["Location"]


def test_logout_is_post_only_and_audited(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["city_reviewer"])
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(
        action="accounts.logout", actor_id=users["city_reviewer"].pk
    ).exists()


def test_password_change_page(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    client.force_login(user)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-New-Secret-7",
            "new_password2": "Brand-New-Secret-7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-New-Secret-7")
    # Still logged in (session hash updated).
    assert client.get("/accounts/tokens/").status_code == 200
    assert AuditEntry.objects.filter(action="accounts.password_change").count() == 1


def test_password_change_with_wrong_old_password_changes_nothing(
    client: Client, users: dict[str, Any]
) -> None:
    user = users["city_reviewer"]
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "not-it",
            "new_password1": "Brand-New-Secret-7",
            "new_password2": "Brand-New-Secret-7",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="accounts.password_change").exists()


def test_password_change_needs_login(client: Client) -> None:
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_tokens_page_creates_lists_and_revokes(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": "ERP 对接"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=user)
    raw = response.context["raw_token"]
    assert token.digest == ApiToken.digest_of(raw)
    assert raw in response.content.decode()
    listing = client.get("/accounts/tokens/").content.decode()
    assert "ERP 对接" in listing and raw not in listing
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_refuses_empty_name(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["city_reviewer"])
    response = client.post("/accounts/tokens/", {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_cannot_revoke_someone_elses_token(client: Client, users: dict[str, Any]) -> None:
    from accounts.services import api_token_create

    owner = users["city_reviewer"]
    token, _raw = api_token_create(actor=owner, user=owner, name="mine")
    client.force_login(users["finance_officer"])
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "mine" not in client.get("/accounts/tokens/").content.decode()


def test_tokens_page_needs_login(client: Client) -> None:
    assert client.get("/accounts/tokens/").status_code == 302
    assert client.post("/accounts/tokens/", {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_role_labels(users: dict[str, Any]) -> None:
    assert users["county_officer"].get_role_display() == "县区商务部门"
    assert Role.ADMINISTRATOR.label == "平台管理员"
