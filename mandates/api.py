"""Mandates API (/api/v1/mandates): a service platform lists the enterprises that authorised it,
its own acts, and reads an authorising enterprise's trade profile. Customs uploads for an
enterprise go through the customs upload (``POST /api/v1/customs/uploads`` with
``on_behalf_of``). Same permissions as the pages; every refusal is a 403 JSON error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.auth import api_caller
from core.lists import API_MAX_LIMIT
from mandates import selectors, services
from mandates.models import MandateScope

router = Router(tags=["mandates"])


class MandateOut(Schema):
    id: int
    enterprise_uscc: str
    enterprise_name: str
    organisation: str
    scopes: list[str]
    state: str
    granted_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise_uscc(obj: Any) -> str:
        return str(obj.enterprise.uscc)

    @staticmethod
    def resolve_enterprise_name(obj: Any) -> str:
        return str(obj.enterprise.name)


class ActionOut(Schema):
    id: int
    mandate_id: int
    enterprise_uscc: str
    username: str
    at: dt.datetime
    scope: str
    what: str
    object_type: str
    object_id: str

    @staticmethod
    def resolve_enterprise_uscc(obj: Any) -> str:
        return str(obj.enterprise.uscc)


@router.get("", response=list[MandateOut], summary="代办授权 / mandates")
def mandate_list(request: HttpRequest) -> Any:
    """For a service platform: the mandates it was given (every state); for an enterprise
    user: its enterprise's."""
    return selectors.mandate_list_for(user=api_caller(request))[:API_MAX_LIMIT]


@router.get("/actions", response=list[ActionOut], summary="代办记录 / acts under mandates")
def action_list(request: HttpRequest) -> Any:
    return selectors.action_list_for(user=api_caller(request))[:API_MAX_LIMIT]


@router.get(
    "/enterprises/{uscc}/trade-profile",
    summary="授权企业的贸易画像 / trade profile of an authorising enterprise",
)
def trade_profile(request: HttpRequest, uscc: str) -> dict[str, Any]:
    """Released customs trade by month, direction, mode and market for the last 24 months
    (``credit.profile.trade``); needs an active mandate with the trade profile scope."""
    caller = api_caller(request)
    enterprise = selectors.mandated_enterprise(
        user=caller, uscc=uscc, scope=MandateScope.TRADE_PROFILE
    )
    return services.trade_profile_read(actor=caller, enterprise=enterprise)
