from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, LoginFailure, Role, User
from audit.models import AuditEntry
from audit.services import audit_verify

pytestmark = pytest.mark.django_db


def _fail(username: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        services.login_failure_record(username=username, client_ip=ip)


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_login_locks_after_max_failures_within_window() -> None:
    _fail("alice", 2)
    assert services.login_is_locked(username="alice") is None
    _fail("alice", 1)
    retry_at = services.login_is_locked(username="alice")
    assert retry_at is not None
    oldest = LoginFailure.objects.order_by("at").first()
    assert oldest is not None
    assert retry_at == oldest.at + dt.timedelta(minutes=15)


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_lock_is_per_username_case_insensitive_and_records_ip() -> None:
    _fail("Alice", 3, ip="192.0.2.7")
    assert services.login_is_locked(username="alice") is not None
    assert services.login_is_locked(username="ALICE ") is not None
    assert services.login_is_locked(username="bob") is None
    assert set(LoginFailure.objects.values_list("client_ip", flat=True)) == {"192.0.2.7"}


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_failures_older_than_window_do_not_count() -> None:
    _fail("alice", 3)
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert services.login_is_locked(username="alice") is None


@override_settings(DDT_LOGIN_MAX_FAILURES=3, DDT_LOGIN_LOCKOUT_MINUTES=15)
def test_login_success_clears_failures_and_is_audited(make_user: Any) -> None:
    user = make_user("alice", Role.CITY_REVIEWER)
    _fail("alice", 2, ip="10.0.0.9")
    _fail("alice", 2, ip="203.0.113.5")  # a stranger's failures elsewhere are not reset
    services.login_success(user=user, client_ip="10.0.0.9")
    assert not LoginFailure.objects.filter(username="alice", client_ip="10.0.0.9").exists()
    assert LoginFailure.objects.filter(username="alice", client_ip="203.0.113.5").count() == 2
    entry = AuditEntry.objects.filter(action="accounts.login").get()
    assert entry.actor_id == user.pk
    assert entry.client_ip == "10.0.0.9"


def test_failures_and_lock_are_audited() -> None:
    services.login_failure_record(username="mallory", client_ip="203.0.113.5")
    services.login_locked_record(
        username="mallory", client_ip="203.0.113.5", retry_at=timezone.now()
    )
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["accounts.login_failed", "accounts.login_locked"]
    assert audit_verify().ok


def test_login_unlock_clears_failures(make_user: Any) -> None:
    admin = make_user("root", Role.ADMINISTRATOR)
    _fail("alice", 5)
    assert services.login_unlock(actor=admin, username="ALICE") == 5
    assert not LoginFailure.objects.exists()
    assert AuditEntry.objects.filter(action="accounts.login_unlock", actor_id=admin.pk).exists()


def test_password_change_is_audited_without_the_password(make_user: Any) -> None:
    user = make_user("alice", Role.CITY_REVIEWER)
    old_hash = user.password
    services.user_set_password(actor=user, user=user, password="Another-Secret-42")
    user.refresh_from_db()
    assert user.check_password("Another-Secret-42")
    entry = AuditEntry.objects.get(action="accounts.password_change")
    text = json.dumps([entry.before, entry.after, entry.object_repr], ensure_ascii=False)
    assert "Another-Secret-42" not in text
    assert user.password not in text and old_hash not in text


def test_password_change_rejects_weak_password_and_changes_nothing(make_user: Any) -> None:
    user = make_user("alice", Role.CITY_REVIEWER)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.user_set_password(actor=user, user=user, password="123")
    user.refresh_from_db()
    assert user.check_password("Ddt-Test-Pass-1")
    assert AuditEntry.objects.count() == before


def test_admin_password_reset_is_a_different_action(make_user: Any) -> None:
    admin = make_user("root", Role.ADMINISTRATOR)
    user = make_user("alice", Role.CITY_REVIEWER)
    services.user_set_password(actor=admin, user=user, password="Another-Secret-42")
    assert AuditEntry.objects.filter(action="accounts.password_reset", actor_id=admin.pk).exists()


def test_user_update_audits_before_and_after(make_user: Any, counties: Any) -> None:
    admin = make_user("root", Role.ADMINISTRATOR)
    user = make_user("alice", Role.CITY_REVIEWER)
    services.user_update(
        actor=admin,
        user=user,
        changes={"role": Role.COUNTY_OFFICER, "county": counties["ganyu"]},
    )
    user.refresh_from_db()
    assert user.role == Role.COUNTY_OFFICER and user.county == counties["ganyu"]
    entry = AuditEntry.objects.get(action="accounts.user_update")
    assert isinstance(entry.before, dict) and isinstance(entry.after, dict)
    assert entry.before["role"] == "city_reviewer" and entry.after["role"] == "county_officer"
    assert entry.before["county_id"] is None and entry.after["county_id"] == counties["ganyu"].pk


def test_user_update_to_administrator_grants_admin_rights(make_user: Any) -> None:
    user = make_user("alice", Role.CITY_REVIEWER)
    services.user_update(actor=None, user=user, changes={"role": Role.ADMINISTRATOR})
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser
    services.user_update(actor=None, user=user, changes={"role": Role.FINANCE_OFFICER})
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser


def test_user_update_refuses_bad_binding_and_changes_nothing(make_user: Any) -> None:
    user = make_user("alice", Role.CITY_REVIEWER)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=None, user=user, changes={"role": Role.COUNTY_OFFICER})
    assert "county" in exc.value.message_dict
    user.refresh_from_db()
    assert user.role == Role.CITY_REVIEWER
    assert AuditEntry.objects.count() == before


def test_user_update_refuses_password_field(make_user: Any) -> None:
    user = make_user("alice", Role.CITY_REVIEWER)
    with pytest.raises(ValidationError):
        services.user_update(actor=None, user=user, changes={"password": "x"})
    with pytest.raises(ValidationError):
        services.user_update(actor=None, user=user, changes={"is_superuser": True})
    user.refresh_from_db()
    assert not user.is_superuser


def test_api_token_create_stores_only_digest(make_user: Any) -> None:
    user = make_user("alice", Role.CITY_REVIEWER)
    token, raw = services.api_token_create(actor=user, user=user, name="ERP")
    assert raw.startswith("ddt_") and len(raw) > 40
    token.refresh_from_db()
    assert token.digest == ApiToken.digest_of(raw)
    assert raw not in {token.digest, token.prefix, token.name}
    assert raw.startswith(token.prefix)
    entry = AuditEntry.objects.get(action="accounts.api_token_create")
    assert raw not in json.dumps([entry.before, entry.after, entry.object_repr])


def test_api_token_create_requires_a_name(make_user: Any) -> None:
    user = make_user("alice", Role.CITY_REVIEWER)
    with pytest.raises(ValidationError):
        services.api_token_create(actor=user, user=user, name="  ")
    assert not ApiToken.objects.exists()


def test_api_token_for_someone_else_is_refused(make_user: Any) -> None:
    alice = make_user("alice", Role.CITY_REVIEWER)
    bob = make_user("bob", Role.FINANCE_OFFICER)
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=bob, user=alice, name="sneaky")
    assert not ApiToken.objects.exists()
    token, _raw = services.api_token_create(actor=alice, user=alice, name="mine")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=bob, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_api_token_revoke_is_audited_once(make_user: Any) -> None:
    alice = make_user("alice", Role.CITY_REVIEWER)
    token, _raw = services.api_token_create(actor=alice, user=alice, name="mine")
    services.api_token_revoke(actor=alice, token=token)
    services.api_token_revoke(actor=alice, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="accounts.api_token_revoke").count() == 1


def test_createsuperuser_makes_an_administrator() -> None:
    user = User.objects.create_superuser("root", "root@example.cn", "Another-Secret-42")
    assert user.role == Role.ADMINISTRATOR and user.is_administrator
