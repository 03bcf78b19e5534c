"""Permission-aware reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import ApiToken, User


def api_token_list_for(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones too, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_get_own(*, user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; another user's token is "not found"."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404
    return token
