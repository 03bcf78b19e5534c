"""Mandates API (/api/v1/mandates): a service platform lists the enterprises that authorised it,
its own acts, reads an authorising enterprise's trade profile and applies to a finance or
insurance product for it. Customs uploads for an
enterprise go through the customs upload (``POST /api/v1/customs/uploads`` with
``on_behalf_of``). Same permissions as the pages; every refusal is a 403 JSON error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from accounts.auth import api_caller
from core.lists import API_MAX_LIMIT
from credit import services as credit_services
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


class ProductOut(Schema):
    id: int
    kind: str
    name: str
    organisation: str
    amount_min: Decimal
    amount_max: Decimal
    term_months: int


class ApplyIn(Schema):
    product_id: int = Field(ge=1, le=2**63 - 1)
    amount: str = Field(max_length=20)
    term_months: int = Field(ge=1, le=360)
    purpose: str = Field(max_length=300)
    scopes: list[str] = Field(
        max_length=8, description="trade | recognitions | subsidies | registry"
    )
    days: int = Field(description="授权期限（天）/ consent period, as the credit page offers")


class MandateApplicationOut(Schema):
    id: int
    status: str
    product_id: int
    amount: Decimal
    term_months: int
    consent_expires_at: dt.datetime

    @staticmethod
    def resolve_consent_expires_at(obj: Any) -> dt.datetime:
        return obj.consent.expires_at


@router.get("/products", response=list[ProductOut], summary="可代为申请的产品 / products")
def product_list(request: HttpRequest) -> Any:
    """The published finance and insurance products (for a service platform)."""
    if not selectors.is_service_platform(api_caller(request)):
        return []
    return selectors.published_products()[:API_MAX_LIMIT]


@router.post(
    "/enterprises/{uscc}/credit-applications",
    response={201: MandateApplicationOut},
    summary="代企业申请金融保险产品 / apply to a product for an authorising enterprise",
)
def credit_apply(request: HttpRequest, uscc: str, payload: ApplyIn) -> Status:
    """Needs an active mandate with the "apply for services" scope. The application and the
    consent it grants to the product's bank or insurer are the enterprise's: it sees them on
    its pages and may revoke the consent at once (credit app)."""
    caller = api_caller(request)
    enterprise = selectors.mandated_enterprise(user=caller, uscc=uscc, scope=MandateScope.APPLY)
    application = credit_services.application_submit(
        actor=caller,
        product=selectors.published_product_get(pk=payload.product_id),
        amount=payload.amount,
        term_months=payload.term_months,
        purpose=payload.purpose,
        scopes=payload.scopes,
        days=payload.days,
        on_behalf_of=enterprise,
    )
    return Status(201, application)
