"""API authentication: the browser session (CSRF-checked) or a bearer token.

A bearer token is accepted only while it is unrevoked and unexpired, its owner is active and not
locked out from the requesting address (the same (user name, address) lock-out as the log-in
page), and, for a ``read`` token, only for safe methods: an unsafe method with a ``read`` token
is a 403 JSON error. The token row that authenticated a request is kept on the request
(``request_token``), so a handler can refuse what needs the browser session (creating tokens).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from accounts import services
from accounts.models import ApiToken, TokenScope, User
from core.queries import get_or_none
from core.request_context import client_ip_from_request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A token's "last used" is kept to the minute: a client sending many requests a second (the
# deadline rush) would otherwise write the token's row on every one of them.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_REQUEST_ATTR = "ddt_api_token"


def request_token(request: HttpRequest) -> ApiToken | None:
    """The bearer token that authenticated ``request``, or None (session or anonymous)."""
    token = getattr(request, _REQUEST_ATTR, None)
    return token if isinstance(token, ApiToken) else None


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        client_ip = client_ip_from_request(request)
        # the enterprise (and its county) of an enterprise user come with the token: nearly
        # every handler of theirs reads them
        row = get_or_none(
            ApiToken.objects.select_related("user__enterprise__county").annotate(
                failed_from_address=services.login_failed_recently_from(
                    client_ip=client_ip, now=now
                )
            ),
            digest=ApiToken.digest_of(token),
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        if row is None or not row.user.is_active:
            return None
        if getattr(row, "failed_from_address", True) and services.login_is_locked(
            username=row.user.get_username(), client_ip=client_ip, now=now
        ):
            return None
        if row.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise PermissionDenied("只读令牌不能执行写操作 / A read-only token cannot make changes")
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        setattr(request, _REQUEST_ATTR, row)
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """Django session cookie; unsafe methods need the CSRF token as in the UI."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api_auth = [TokenAuth(), SessionAuth()]


def api_caller(request: HttpRequest) -> User:
    """The user an API request was authenticated as: the one way a handler gets its caller.

    Ninja keeps what the authenticator returned in ``request.auth`` (untyped): a ``User`` for
    both the token and the session authenticator. Handlers of public routes (``auth=None``) do
    not call this; anywhere else a missing user is answered as unauthenticated (401).
    """
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
