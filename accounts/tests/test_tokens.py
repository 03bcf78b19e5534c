"""API tokens: expiry, scopes, refusal while locked out, no minting by token, revocation on a
password change. Each denial asserts that nothing was written."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, TokenScope
from audit.models import AuditEntry
from core.tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
ME = "/api/v1/accounts/me"
TOKENS = "/api/v1/accounts/tokens"


def _auth(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _state() -> list[tuple[Any, ...]]:
    return list(
        ApiToken.objects.order_by("pk").values_list(
            "pk", "scope", "expires_at", "last_used_at", "revoked_at"
        )
    )


# --- Scopes -----------------------------------------------------------------------------------


def test_read_token_reads_but_gets_403_json_on_unsafe_methods(
    client: Client, users: dict[str, Any]
) -> None:
    user = users["city_reviewer"]
    _reader, raw = services.api_token_create(
        actor=user, user=user, name="report", scope=TokenScope.READ
    )
    target, _raw = services.api_token_create(actor=user, user=user, name="other")
    assert client.get(ME, headers=_auth(raw)).json()["username"] == "city1"
    before, entries = _state(), AuditEntry.objects.count()
    response = client.delete(f"{TOKENS}/{target.pk}", headers=_auth(raw))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "forbidden" and "只读令牌" in response.json()["message"]
    post = client.post(TOKENS, {"name": "x"}, content_type="application/json", headers=_auth(raw))
    assert post.status_code == 403
    assert _state() == before and AuditEntry.objects.count() == entries


def test_write_token_may_change_what_its_user_may(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    _writer, raw = services.api_token_create(
        actor=user, user=user, name="erp", scope=TokenScope.WRITE
    )
    target, _raw = services.api_token_create(actor=user, user=user, name="other")
    assert client.delete(f"{TOKENS}/{target.pk}", headers=_auth(raw)).status_code == 200
    target.refresh_from_db()
    assert target.revoked_at is not None


def test_unknown_scope_is_refused_and_nothing_created(users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    with pytest.raises(ValidationError) as exc:
        services.api_token_create(actor=user, user=user, name="x", scope="admin")
    assert "scope" in exc.value.message_dict
    assert not ApiToken.objects.exists()


# --- Expiry -----------------------------------------------------------------------------------


@override_settings(DDT_API_TOKEN_DAYS=90, DDT_API_TOKEN_MAX_DAYS=365)
def test_token_expires_after_its_lifetime(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token, raw = services.api_token_create(actor=user, user=user, name="t")
        short, short_raw = services.api_token_create(actor=user, user=user, name="s", days=7)
    assert token.expires_at == start + dt.timedelta(days=90)
    assert short.expires_at == start + dt.timedelta(days=7)
    with time_machine.travel(start + dt.timedelta(days=8)):
        assert client.get(ME, headers=_auth(raw)).status_code == 200
        before = _state()
        assert client.get(ME, headers=_auth(short_raw)).status_code == 401
        assert _state() == before  # an expired token is not even marked as used
    with time_machine.travel(start + dt.timedelta(days=90, seconds=1)):
        assert client.get(ME, headers=_auth(raw)).status_code == 401


@override_settings(DDT_API_TOKEN_MAX_DAYS=365)
@pytest.mark.parametrize("days", [0, -3, 366, 10_000])
def test_token_lifetime_out_of_range_is_refused(users: dict[str, Any], days: int) -> None:
    user = users["city_reviewer"]
    with pytest.raises(ValidationError) as exc:
        services.api_token_create(actor=user, user=user, name="x", days=days)
    assert "days" in exc.value.message_dict
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="accounts.api_token_create").exists()


# --- Refused while locked out or inactive ------------------------------------------------------


@override_settings(DDT_LOGIN_MAX_FAILURES=3)
def test_token_is_refused_from_an_address_where_its_user_is_locked(
    users: dict[str, Any],
) -> None:
    user = users["finance_officer"]
    _token, raw = services.api_token_create(actor=user, user=user, name="t")
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(3):
        attacker.post("/accounts/login/", {"username": "fin1", "password": "guess-guess-1"})
    before = _state()
    response = attacker.get(ME, headers=_auth(raw))
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert _state() == before
    # From the user's own address the token works (strangers cannot lock the user out).
    assert Client(REMOTE_ADDR="198.51.100.4").get(ME, headers=_auth(raw)).status_code == 200


@override_settings(DDT_LOGIN_MAX_FAILURES=3)
def test_failures_for_another_name_from_the_address_do_not_lock_the_token(
    users: dict[str, Any],
) -> None:
    """The token's look-up asks only whether the address failed lately; the full check then
    counts this user name's failures, as the log-in page does."""
    user = users["finance_officer"]
    _token, raw = services.api_token_create(actor=user, user=user, name="t")
    shared = Client(REMOTE_ADDR="203.0.113.67")
    for _ in range(3):
        shared.post("/accounts/login/", {"username": "someone-else", "password": "guess-guess-1"})
    assert shared.get(ME, headers=_auth(raw)).status_code == 200
    shared.post("/accounts/login/", {"username": "FIN1", "password": "guess-guess-1"})
    assert shared.get(ME, headers=_auth(raw)).status_code == 200  # 1 failure of 3


def test_token_of_inactive_user_is_refused_and_not_marked_used(
    client: Client, users: dict[str, Any]
) -> None:
    user = users["finance_officer"]
    _token, raw = services.api_token_create(actor=user, user=user, name="t")
    services.user_update(actor=None, user=user, changes={"is_active": False})
    before = _state()
    assert client.get(ME, headers=_auth(raw)).status_code == 401
    assert _state() == before


# --- No minting by token ----------------------------------------------------------------------


def test_token_cannot_mint_tokens(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    _token, raw = services.api_token_create(
        actor=user, user=user, name="erp", scope=TokenScope.WRITE
    )
    before, entries = ApiToken.objects.count(), AuditEntry.objects.count()
    response = client.post(
        TOKENS,
        {"name": "child", "scope": "write"},
        content_type="application/json",
        headers=_auth(raw),
    )
    assert response.status_code == 403
    assert "浏览器登录会话" in response.json()["message"]
    assert ApiToken.objects.count() == before and AuditEntry.objects.count() == entries


@override_settings(DDT_API_TOKEN_MAX_DAYS=365)
def test_session_creates_tokens_with_scope_and_days(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["city_reviewer"])
    response = client.post(
        TOKENS, {"name": "erp", "scope": "write", "days": 30}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == "write"
    token = ApiToken.objects.get(pk=body["id"])
    assert token.scope == TokenScope.WRITE
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    default = client.post(TOKENS, {"name": "report"}, content_type="application/json").json()
    assert default["scope"] == "read"
    listed = {t["name"]: t for t in client.get(TOKENS).json()}
    assert listed["erp"]["expires_at"] and listed["report"]["scope"] == "read"
    count = ApiToken.objects.count()
    too_long = client.post(TOKENS, {"name": "x", "days": 366}, content_type="application/json")
    assert too_long.status_code == 400 and "days" in too_long.json()["fields"]
    bad_scope = client.post(TOKENS, {"name": "x", "scope": "root"}, content_type="application/json")
    assert bad_scope.status_code == 422
    assert ApiToken.objects.count() == count


# --- Revocation on password change ------------------------------------------------------------


def test_password_change_page_revokes_all_tokens(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    tokens = [services.api_token_create(actor=user, user=user, name=f"t{i}") for i in range(2)]
    other, other_raw = services.api_token_create(
        actor=users["finance_officer"], user=users["finance_officer"], name="theirs"
    )
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-New-Secret-7",
            "new_password2": "Brand-New-Secret-7",
        },
    )
    assert response.status_code == 302
    for token, raw in tokens:
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert Client().get(ME, headers=_auth(raw)).status_code == 401
    other.refresh_from_db()
    assert other.revoked_at is None  # another user's tokens are untouched
    assert Client().get(ME, headers=_auth(other_raw)).status_code == 200
    entry = AuditEntry.objects.get(action="accounts.password_change")
    assert entry.after == {"api_tokens_revoked": 2}


def test_admin_password_reset_revokes_all_tokens(client: Client, users: dict[str, Any]) -> None:
    user = users["enterprise"]
    token, raw = services.api_token_create(actor=user, user=user, name="erp")
    client.force_login(users["administrator"])
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {
            "password1": "Brand-New-Secret-7",
            "password2": "Brand-New-Secret-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(ME, headers=_auth(raw)).status_code == 401


def test_refused_password_change_keeps_the_tokens(client: Client, users: dict[str, Any]) -> None:
    user = users["city_reviewer"]
    services.api_token_create(actor=user, user=user, name="t")
    before = _state()
    with pytest.raises(ValidationError):
        services.user_set_password(actor=user, user=user, password="123")
    assert _state() == before


# --- Page and command line --------------------------------------------------------------------


def test_tokens_page_creates_with_scope_and_lifetime_and_shows_them(
    client: Client, users: dict[str, Any]
) -> None:
    user = users["city_reviewer"]
    client.force_login(user)
    page = client.get("/accounts/tokens/").content.decode()
    assert "权限范围" in page and "有效期（天）" in page and 'value="90"' in page
    response = client.post("/accounts/tokens/", {"name": "报表", "scope": "read", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.scope == TokenScope.READ
    html = client.get("/accounts/tokens/").content.decode()
    assert "只读" in html and timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in html
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert "已过期" in client.get("/accounts/tokens/").content.decode()


@override_settings(DDT_API_TOKEN_MAX_DAYS=365)
def test_tokens_page_refuses_too_long_a_lifetime(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["city_reviewer"])
    response = client.post("/accounts/tokens/", {"name": "x", "scope": "write", "days": "400"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_command_sets_scope_and_days(users: dict[str, Any]) -> None:
    out = StringIO()
    call_command("accounts_token", "city1", "--name", "n", "--days", "7", stdout=out)
    token = ApiToken.objects.get()
    assert token.scope == TokenScope.READ  # the default
    assert dt.timedelta(days=6) < token.expires_at - timezone.now() <= dt.timedelta(days=7)
    call_command("accounts_token", "city1", "--name", "w", "--scope", "write", stdout=out)
    assert ApiToken.objects.get(name="w").scope == TokenScope.WRITE
    with pytest.raises(CommandError):
        call_command("accounts_token", "city1", "--name", "z", "--days", "0", stdout=out)
    assert ApiToken.objects.count() == 2
