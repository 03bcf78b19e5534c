"""Writes to accounts. Every function is keyword-only, transactional and audited."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, LoginFailure, PartnerKind, Role, User
from audit.services import audit_record, snapshot

if TYPE_CHECKING:
    from codes.models import County
    from enterprises.models import Enterprise


def _check_binding(
    *, role: str, enterprise: Enterprise | None, county: County | None, partner_kind: str
) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})
    if role == Role.ENTERPRISE and enterprise is None:
        raise ValidationError({"enterprise": _("企业用户必须绑定一家企业。")})
    if role != Role.ENTERPRISE and enterprise is not None:
        raise ValidationError({"enterprise": _("只有企业用户可以绑定企业。")})
    if role == Role.COUNTY_OFFICER and county is None:
        raise ValidationError({"county": _("县区用户必须绑定一个县区或功能板块。")})
    if role != Role.COUNTY_OFFICER and county is not None:
        raise ValidationError({"county": _("只有县区用户可以绑定县区。")})
    if role == Role.PARTNER and partner_kind not in PartnerKind.values:
        raise ValidationError({"partner_kind": _("合作机构必须选择机构类型。")})


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    enterprise: Enterprise | None = None,
    county: County | None = None,
    partner_kind: str = "",
    organisation: str = "",
    email: str = "",
    full_name: str = "",
    phone: str = "",
    validate: bool = True,
) -> User:
    """Create a user bound to its enterprise / county / partner kind as its role requires."""
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("请填写用户名。")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名“%(u)s”已被使用。") % {"u": username}})
    _check_binding(role=role, enterprise=enterprise, county=county, partner_kind=partner_kind)
    user = User(
        username=username,
        role=role,
        enterprise=enterprise,
        county=county,
        partner_kind=partner_kind if role == Role.PARTNER else "",
        organisation=organisation,
        email=email,
        first_name=full_name,
        phone=phone,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="accounts.user_create", obj=user, after=snapshot(user))
    return user


# --- Updating users (admin) -------------------------------------------------------------------

# Fields an administrator may change through ``user_update`` (never the password: see below).
USER_EDITABLE_FIELDS = frozenset(
    {
        "username",
        "first_name",
        "last_name",
        "email",
        "phone",
        "organisation",
        "role",
        "enterprise",
        "county",
        "partner_kind",
        "is_active",
    }
)


def user_binding_check(
    *, role: str, enterprise: Enterprise | None, county: County | None, partner_kind: str
) -> None:
    """Raise ValidationError unless the enterprise / county / partner kind fit the role."""
    _check_binding(role=role, enterprise=enterprise, county=county, partner_kind=partner_kind)


@transaction.atomic
def user_update(*, actor: User | None, user: User, changes: dict[str, Any]) -> User:
    """Change profile, role and binding fields of a user; audits the changed fields."""
    unknown = set(changes) - USER_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {"__all__": _("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))}}
        )
    if "username" in changes:
        username = str(changes["username"]).strip()
        if not username:
            raise ValidationError({"username": _("请填写用户名。")})
        if User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
            raise ValidationError({"username": _("用户名“%(u)s”已被使用。") % {"u": username}})
        changes = {**changes, "username": username}
    user = User.objects.select_for_update().get(pk=user.pk)
    names = {User._meta.get_field(name).name for name in changes}
    if "role" in changes:
        names |= {"is_staff", "is_superuser", "partner_kind"}
    before = snapshot(user, fields=sorted(names))
    for name, value in changes.items():
        setattr(user, name, value)
    if user.role != Role.PARTNER:
        user.partner_kind = ""
    if "role" in changes:
        # Administrator rights follow the role, exactly as in ``user_create``.
        user.is_staff = user.is_superuser = user.role == Role.ADMINISTRATOR
    user_binding_check(
        role=user.role,
        enterprise=user.enterprise,
        county=user.county,
        partner_kind=user.partner_kind,
    )
    user.save()
    after = snapshot(user, fields=sorted(names))
    audit_record(actor=actor, action="accounts.user_update", obj=user, before=before, after=after)
    return user


@transaction.atomic
def user_set_password(
    *, actor: User | None, user: User, password: str, validate: bool = True
) -> User:
    """Set a new password. The audit entry records that it changed, never the password."""
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    own = actor is not None and actor.pk == user.pk
    audit_record(
        actor=actor,
        action="accounts.password_change" if own else "accounts.password_reset",
        obj=user,
    )
    return user


# --- Log-in, lock-out and log-out -------------------------------------------------------------


def _login_key(username: str) -> str:
    """Lock-out is per user name, case-insensitively, so case variants share one counter."""
    return username.strip().casefold()[:150]


def login_is_locked(*, username: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When ``username`` is locked out, the moment it may try again; otherwise None.

    Locked means ``DDT_LOGIN_MAX_FAILURES`` failures within the last
    ``DDT_LOGIN_LOCKOUT_MINUTES`` minutes. The lock ends when the oldest of those failures
    leaves the window.
    """
    limit = settings.DDT_LOGIN_MAX_FAILURES
    window = dt.timedelta(minutes=settings.DDT_LOGIN_LOCKOUT_MINUTES)
    now = now or timezone.now()
    recent = list(
        LoginFailure.objects.filter(username=_login_key(username), at__gt=now - window)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if limit <= 0 or len(recent) < limit:
        return None
    return recent[-1] + window


@transaction.atomic
def login_failure_record(*, username: str, client_ip: str) -> LoginFailure:
    """Record (and audit) a failed log-in for ``username`` from ``client_ip``."""
    failure = LoginFailure.objects.create(username=_login_key(username), client_ip=client_ip[:64])
    audit_record(
        actor=None,
        action="accounts.login_failed",
        object_type=User._meta.label,
        object_repr=username[:150],
        after={"username": username[:150]},
        client_ip=client_ip,
    )
    return failure


@transaction.atomic
def login_locked_record(*, username: str, client_ip: str, retry_at: dt.datetime) -> None:
    """Audit a log-in refused because the user name is locked out."""
    audit_record(
        actor=None,
        action="accounts.login_locked",
        object_type=User._meta.label,
        object_repr=username[:150],
        after={"username": username[:150], "retry_at": retry_at},
        client_ip=client_ip,
    )


@transaction.atomic
def login_success(*, user: User, client_ip: str) -> None:
    """A successful log-in clears the user's failure counter and is audited."""
    LoginFailure.objects.filter(username=_login_key(user.get_username())).delete()
    audit_record(actor=user, action="accounts.login", obj=user, client_ip=client_ip)


@transaction.atomic
def login_unlock(*, actor: User | None, username: str) -> int:
    """Clear the failed log-ins of ``username`` (an administrator lifting a lock-out)."""
    deleted, _counts = LoginFailure.objects.filter(username=_login_key(username)).delete()
    audit_record(
        actor=actor,
        action="accounts.login_unlock",
        object_type=User._meta.label,
        object_repr=username[:150],
        before={"failures": deleted},
        after={"failures": 0},
    )
    return deleted


@transaction.atomic
def logout_record(*, user: User, client_ip: str) -> None:
    audit_record(actor=user, action="accounts.logout", obj=user, client_ip=client_ip)


# --- API tokens -------------------------------------------------------------------------------

TOKEN_PREFIX = "ddt_"  # noqa: S105 - a public marker, not a secret


def _check_token_owner(*, actor: User | None, user: User) -> None:
    if actor is None:
        return  # command line / system
    if actor.pk != user.pk and not actor.is_administrator:
        raise PermissionDenied(_("只能管理自己的 API 令牌。"))


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token for ``user``. Returns the row and the raw token (shown once;
    only its SHA-256 digest is stored)."""
    _check_token_owner(actor=actor, user=user)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称。")})
    if len(name) > 100:
        raise ValidationError({"name": _("令牌名称不能超过 100 个字符。")})
    if not user.is_active:
        raise ValidationError({"__all__": _("停用的用户不能创建令牌。")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, digest=ApiToken.digest_of(raw), prefix=raw[: len(TOKEN_PREFIX) + 4]
    )
    audit_record(
        actor=actor,
        action="accounts.api_token_create",
        obj=token,
        object_repr=f"{user.get_username()}: {name}",
        after=snapshot(token, fields=["user", "name", "prefix"]),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token; it is refused from then on. Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _check_token_owner(actor=actor, user=token.user)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="accounts.api_token_revoke",
        obj=token,
        object_repr=f"{token.user.get_username()}: {token.name}",
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at},
    )
    return token
