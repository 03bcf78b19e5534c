"""Writes to accounts. Every function is keyword-only, transactional and audited."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    ApiToken,
    LoginFailure,
    PartnerKind,
    RegistrationAttempt,
    Role,
    TokenScope,
    User,
)
from audit.services import audit_record, snapshot

if TYPE_CHECKING:
    from codes.models import County
    from enterprises.models import Enterprise


def _check_binding(
    *,
    role: str,
    enterprise: Enterprise | None,
    county: County | None,
    partner_kind: str,
    logistics_code: str = "",
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
    if logistics_code and (role != Role.PARTNER or partner_kind != PartnerKind.LOGISTICS):
        raise ValidationError({"logistics_code": _("只有物流企业合作机构可以绑定物流企业编码。")})
    if len(logistics_code) > 18 or (logistics_code and not logistics_code.isalnum()):
        raise ValidationError({"logistics_code": _("物流企业编码应为不超过 18 位的字母或数字。")})


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
    logistics_code: str = "",
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
    logistics_code = logistics_code.strip()
    _check_binding(
        role=role,
        enterprise=enterprise,
        county=county,
        partner_kind=partner_kind,
        logistics_code=logistics_code,
    )
    user = User(
        username=username,
        role=role,
        enterprise=enterprise,
        county=county,
        partner_kind=partner_kind if role == Role.PARTNER else "",
        organisation=organisation,
        logistics_code=logistics_code,
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
        "logistics_code",
        "is_active",
    }
)


def user_binding_check(
    *,
    role: str,
    enterprise: Enterprise | None,
    county: County | None,
    partner_kind: str,
    logistics_code: str = "",
) -> None:
    """Raise ValidationError unless the enterprise / county / partner kind fit the role."""
    _check_binding(
        role=role,
        enterprise=enterprise,
        county=county,
        partner_kind=partner_kind,
        logistics_code=logistics_code,
    )


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
        names |= {"is_staff", "is_superuser", "partner_kind", "logistics_code"}
    before = snapshot(user, fields=sorted(names))
    for name, value in changes.items():
        setattr(user, name, value)
    if user.role != Role.PARTNER:
        user.partner_kind = ""
    if user.partner_kind != PartnerKind.LOGISTICS:
        user.logistics_code = ""
    if "role" in changes:
        # Administrator rights follow the role, exactly as in ``user_create``.
        user.is_staff = user.is_superuser = user.role == Role.ADMINISTRATOR
    user_binding_check(
        role=user.role,
        enterprise=user.enterprise,
        county=user.county,
        partner_kind=user.partner_kind,
        logistics_code=user.logistics_code,
    )
    user.save()
    after = snapshot(user, fields=sorted(names))
    audit_record(actor=actor, action="accounts.user_update", obj=user, before=before, after=after)
    return user


@transaction.atomic
def user_set_password(
    *, actor: User | None, user: User, password: str, validate: bool = True
) -> User:
    """Set a new password and revoke all the user's API tokens. The audit entry records that it
    changed (and how many tokens were revoked), never the password."""
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    own = actor is not None and actor.pk == user.pk
    user.set_password(password)
    # A password the user chose ends an administrator's one-time password.
    if own:
        user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    # A token is as good as the password that made it: a new password revokes them all.
    revoked = _revoke_all_tokens(user=user, now=timezone.now())
    audit_record(
        actor=actor,
        action="accounts.password_change" if own else "accounts.password_reset",
        obj=user,
        after={"api_tokens_revoked": revoked},
    )
    return user


# A one-time password: easy to read out and type (no 0/O, 1/l/I), 12 characters.
_ONE_TIME_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    """An administrator resets ``user``'s password to a one-time password, returned once to be
    handed over; the user must choose a new password at the next log-in (``must_change_password``;
    ``accounts.middleware.MustChangePasswordMiddleware``). Log-in lock-outs of the user name are
    lifted and every API token is revoked. The audit entry never holds the password."""
    if not actor.is_administrator:
        raise PermissionDenied(_("只有平台管理员可以重置他人密码。"))
    if actor.pk == user.pk:
        raise ValidationError(_("不能用此功能重置自己的密码，请使用“修改密码”。"))
    if not user.is_active:
        raise ValidationError(_("该账户已停用，不能重置密码。"))
    password = "".join(secrets.choice(_ONE_TIME_ALPHABET) for _i in range(12))
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked = _revoke_all_tokens(user=user, now=timezone.now())
    LoginFailure.objects.filter(username=_login_key(user.get_username())).delete()
    audit_record(
        actor=actor,
        action="accounts.password_reset_by_admin",
        obj=user,
        after={"must_change_password": True, "api_tokens_revoked": revoked},
    )
    return password


@transaction.atomic
def password_reset_request_record(*, email: str, client_ip: str) -> None:
    """Audit a password-reset request by e-mail (whether or not an account has the address:
    the page answers the same either way)."""
    audit_record(
        actor=None,
        action="accounts.password_reset_request",
        object_type=User._meta.label,
        object_repr=email[:150],
        after={"email": email[:254]},
        client_ip=client_ip,
    )


def password_reset_throttled(
    *, client_ip: str, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Count one password-reset request from ``client_ip`` (in the shared cache); beyond
    ``DDT_PASSWORD_RESET_MAX_PER_ADDRESS`` in ``DDT_PASSWORD_RESET_WINDOW_MINUTES`` the moment
    it may ask again, else None. So the form cannot be used to flood mailboxes or probe
    addresses at speed."""
    from django.core.cache import cache

    window = dt.timedelta(minutes=settings.DDT_PASSWORD_RESET_WINDOW_MINUTES)
    now = now or timezone.now()
    bucket = int(now.timestamp() // window.total_seconds())
    key = f"ddt:password-reset:{_address_key(client_ip)}:{bucket}"
    cache.add(key, 0, timeout=int(window.total_seconds()) + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(window.total_seconds()) + 60)
        count = 1
    if count <= settings.DDT_PASSWORD_RESET_MAX_PER_ADDRESS:
        return None
    return dt.datetime.fromtimestamp((bucket + 1) * window.total_seconds(), tz=dt.UTC)


# --- Log-in, lock-out, throttles and log-out -------------------------------------------------
#
# Failed log-ins are counted per (user name, client address): a stranger elsewhere who guesses
# a user's password only locks *his own* address out of that account, never the real user.
# Each address also has a ceiling of failures across all user names (the log-in throttle), so
# one address cannot spray guesses over many accounts. Self-registration requests are counted
# per address the same way. All counters live in the database and prune their old rows.


def _login_key(username: str) -> str:
    """Lock-out keys user names case-insensitively, so case variants share one counter."""
    return username.strip().casefold()[:150]


def _address_key(client_ip: str) -> str:
    return client_ip[:64]


def _retry_at(times: list[dt.datetime], limit: int, window: dt.timedelta) -> dt.datetime | None:
    """``times`` newest first, at most ``limit`` long: locked until the oldest counted one leaves
    the window, or None when fewer than ``limit`` fall in it."""
    if limit <= 0 or len(times) < limit:
        return None
    return times[-1] + window


def _login_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.DDT_LOGIN_LOCKOUT_MINUTES)


def login_failed_recently_from(*, client_ip: str, now: dt.datetime) -> Exists:
    """SQL ``EXISTS``: a failed log-in from ``client_ip`` within the lock-out window.

    When it is false no user name is locked out for that address, so ``login_is_locked`` need
    not run: the API's token check asks it inside the token's own look-up and runs the full
    check only for an address that has failed lately (one query per API request, not two)."""
    return Exists(
        LoginFailure.objects.filter(client_ip=_address_key(client_ip), at__gt=now - _login_window())
    )


def login_is_locked(
    *, username: str, client_ip: str | None = None, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When ``username`` is locked out for ``client_ip``, the moment it may try again; else None.

    Locked means ``DDT_LOGIN_MAX_FAILURES`` failures for the user name from that address within
    the last ``DDT_LOGIN_LOCKOUT_MINUTES`` minutes; the lock ends when the oldest of those
    failures leaves the window. With ``client_ip=None`` the answer is for the worst address (is
    the user name locked anywhere? — for administrators).
    """
    limit = settings.DDT_LOGIN_MAX_FAILURES
    window = _login_window()
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(username=_login_key(username), at__gt=now - window)
    if client_ip is not None:
        times = list(
            recent.filter(client_ip=_address_key(client_ip))
            .order_by("-at")
            .values_list("at", flat=True)[:limit]
        )
        return _retry_at(times, limit, window)
    by_address: dict[str, list[dt.datetime]] = {}
    for address, at in recent.order_by("-at").values_list("client_ip", "at"):
        by_address.setdefault(address, []).append(at)
    ends = [_retry_at(times[:limit], limit, window) for times in by_address.values()]
    return max((end for end in ends if end is not None), default=None)


def login_address_throttled(
    *, client_ip: str, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When ``client_ip`` has had ``DDT_LOGIN_ADDRESS_MAX_FAILURES`` failed log-ins (any user
    names) within ``DDT_LOGIN_ADDRESS_WINDOW_MINUTES``, the moment it may try again; else None."""
    limit = settings.DDT_LOGIN_ADDRESS_MAX_FAILURES
    window = dt.timedelta(minutes=settings.DDT_LOGIN_ADDRESS_WINDOW_MINUTES)
    now = now or timezone.now()
    times = list(
        LoginFailure.objects.filter(client_ip=_address_key(client_ip), at__gt=now - window)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    return _retry_at(times, limit, window)


def _prune_login_failures(now: dt.datetime) -> None:
    """Drop failures that no counter looks at any more (older than both windows)."""
    keep = max(_login_window(), dt.timedelta(minutes=settings.DDT_LOGIN_ADDRESS_WINDOW_MINUTES))
    LoginFailure.objects.filter(at__lte=now - keep).delete()


@transaction.atomic
def login_failure_record(*, username: str, client_ip: str) -> LoginFailure:
    """Record (and audit) a failed log-in for ``username`` from ``client_ip``."""
    _prune_login_failures(timezone.now())
    failure = LoginFailure.objects.create(
        username=_login_key(username), client_ip=_address_key(client_ip)
    )
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
    """Audit a log-in refused because the user name is locked out for this address."""
    audit_record(
        actor=None,
        action="accounts.login_locked",
        object_type=User._meta.label,
        object_repr=username[:150],
        after={"username": username[:150], "retry_at": retry_at},
        client_ip=client_ip,
    )


@transaction.atomic
def login_throttled_record(*, username: str, client_ip: str, retry_at: dt.datetime) -> None:
    """Audit a log-in refused because its address has failed too often (any user names)."""
    audit_record(
        actor=None,
        action="accounts.login_throttled",
        object_type=User._meta.label,
        object_repr=username[:150],
        after={"username": username[:150], "retry_at": retry_at},
        client_ip=client_ip,
    )


@transaction.atomic
def login_success(*, user: User, client_ip: str) -> None:
    """A successful log-in clears the user's failures *from this address* and is audited.

    Failures from other addresses stay: the real user logging in must not reset a stranger's
    counter.
    """
    LoginFailure.objects.filter(
        username=_login_key(user.get_username()), client_ip=_address_key(client_ip)
    ).delete()
    audit_record(actor=user, action="accounts.login", obj=user, client_ip=client_ip)


@transaction.atomic
def login_unlock(*, actor: User | None, username: str) -> int:
    """Clear the failed log-ins of ``username`` from every address (an administrator lifting
    a lock-out)."""
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
def registration_attempt(*, client_ip: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Count one self-registration request from ``client_ip``.

    Returns None and records the request while the address is under
    ``DDT_REGISTER_MAX_PER_ADDRESS`` requests in ``DDT_REGISTER_WINDOW_MINUTES``; beyond that it
    records nothing and returns the moment the address may try again (the caller answers 429).
    Every request counts, valid or not, so the form cannot be used to probe taken user names
    or USCCs at speed.
    """
    limit = settings.DDT_REGISTER_MAX_PER_ADDRESS
    window = dt.timedelta(minutes=settings.DDT_REGISTER_WINDOW_MINUTES)
    now = now or timezone.now()
    address = _address_key(client_ip)
    RegistrationAttempt.objects.filter(at__lte=now - window).delete()
    times = list(
        RegistrationAttempt.objects.filter(client_ip=address, at__gt=now - window)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    retry_at = _retry_at(times, limit, window)
    if retry_at is not None:
        audit_record(
            actor=None,
            action="accounts.registration_throttled",
            object_type=RegistrationAttempt._meta.label,
            object_repr=address,
            after={"retry_at": retry_at},
            client_ip=client_ip,
        )
        return retry_at
    RegistrationAttempt.objects.create(client_ip=address)
    return None


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


def _token_lifetime(days: int | None) -> dt.timedelta:
    if days is None:
        days = settings.DDT_API_TOKEN_DAYS
    longest = settings.DDT_API_TOKEN_MAX_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        raise ValidationError(
            {"days": _("有效期须为 1 至 %(max)d 天之间的整数。") % {"max": longest}}
        )
    return dt.timedelta(days=days)


@transaction.atomic
def api_token_create(
    *,
    actor: User | None,
    user: User,
    name: str,
    scope: str = TokenScope.WRITE,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a bearer token for ``user``. Returns the row and the raw token (shown once;
    only its SHA-256 digest is stored).

    ``scope`` is ``read`` (safe methods only) or ``write``; the page, the API and the command
    line default to ``read``. The token expires after ``days`` (default ``DDT_API_TOKEN_DAYS``,
    at most ``DDT_API_TOKEN_MAX_DAYS``). Creating a token *with* a token is refused by the API
    handler (see ``accounts.api``), never here: this function is also the command line's.
    """
    _check_token_owner(actor=actor, user=user)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称。")})
    if len(name) > 100:
        raise ValidationError({"name": _("令牌名称不能超过 100 个字符。")})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("未知的令牌权限范围：%(s)s") % {"s": scope}})
    lifetime = _token_lifetime(days)
    if not user.is_active:
        raise ValidationError({"__all__": _("停用的用户不能创建令牌。")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=ApiToken.digest_of(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        scope=scope,
        expires_at=timezone.now() + lifetime,
    )
    audit_record(
        actor=actor,
        action="accounts.api_token_create",
        obj=token,
        object_repr=f"{user.get_username()}: {name}",
        after=snapshot(token, fields=["user", "name", "prefix", "scope", "expires_at"]),
    )
    return token, raw


def _revoke_all_tokens(*, user: User, now: dt.datetime) -> int:
    """Revoke every live token of ``user`` (the caller audits)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


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
