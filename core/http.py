"""Typed requests for views: the caller is an ``accounts.User``, never ``AbstractBaseUser``.

Views behind ``login_required`` take ``request: AuthedHttpRequest``; ``request.user`` is then
typed as our ``User`` (with ``role``, ``county_id``, ``enterprise_id`` …), so services are
called with ``actor=request.user`` and no ``# type: ignore``. This is the django-stubs pattern:
the annotation only narrows the type, ``login_required`` is what guarantees it. Code whose
signature is fixed to ``HttpRequest`` (the admin) asks :func:`user_of` for the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request whose user has logged in (views decorated with ``login_required``)."""

    user: User


def user_of(request: HttpRequest) -> User:
    """The logged-in caller as an ``accounts.User``, where the signature is fixed to
    ``HttpRequest`` (admin ``save_model``/``delete_model`` …): a request without one is refused.

    Views take :class:`AuthedHttpRequest` instead; API handlers use ``accounts.auth.api_caller``.
    """
    from accounts.models import User

    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def is_htmx_target(request: HttpRequest, target: str) -> bool:
    """True for an htmx request that replaces the element ``#target`` only."""
    return bool(request.headers.get("HX-Request")) and request.headers.get("HX-Target") == target
