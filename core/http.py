"""Typed requests for views: the caller is an ``accounts.User``, never ``AbstractBaseUser``.

Views behind ``login_required`` take ``request: AuthedHttpRequest``; ``request.user`` is then
typed as our ``User`` (with ``role``, ``county_id``, ``enterprise_id`` …), so services are
called with ``actor=request.user`` and no ``# type: ignore``. This is the django-stubs pattern:
the annotation only narrows the type, ``login_required`` is what guarantees it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request whose user has logged in (views decorated with ``login_required``)."""

    user: User


def is_htmx_target(request: HttpRequest, target: str) -> bool:
    """True for an htmx request that replaces the element ``#target`` only."""
    return bool(request.headers.get("HX-Request")) and request.headers.get("HX-Target") == target
