"""Finance and insurance API (/api/v1/credit). Same scopes and rules as the pages: a partner
reaches an enterprise's data only through an application whose consent is active now, and every
such read is recorded for the enterprise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from accounts.auth import api_caller
from credit import documents, selectors, services, verification

router = Router(tags=["credit"])


class CreditProductIn(Schema):
    name: str
    amount_min: Decimal
    amount_max: Decimal
    rate_min: Decimal
    rate_max: Decimal
    term_months: int
    summary: str = ""
    criteria: str = ""
    insurance_line: str = ""


class CreditDocumentOut(Schema):
    id: int
    title: str
    size: int
    sha256: str


class CreditProductOut(Schema):
    id: int
    organisation: str
    kind: str
    insurance_line: str
    name: str
    summary: str
    criteria: str
    amount_min: Decimal
    amount_max: Decimal
    rate_min: Decimal
    rate_max: Decimal
    term_months: int
    status: str
    documents: list[CreditDocumentOut]

    @staticmethod
    def resolve_documents(obj: Any) -> list[Any]:
        return list(obj.documents.all())


class CreditApplyIn(Schema):
    amount: Decimal
    term_months: int
    purpose: str
    scopes: list[str]
    days: int


class CreditApplicationOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    product_id: int
    kind: str
    amount: Decimal
    term_months: int
    purpose: str
    status: str
    offer_amount: Decimal | None
    offer_rate: Decimal | None
    offer_term_months: int | None
    reference: str
    consent_id: int
    created_at: dt.datetime

    @staticmethod
    def resolve_enterprise_name(obj: Any) -> str:
        return str(obj.enterprise.name)


class CreditTransitionIn(Schema):
    action: str
    offer_amount: Decimal | None = None
    offer_rate: Decimal | None = None
    offer_term_months: int | None = None
    reference: str = ""
    note: str = ""


class CreditConsentOut(Schema):
    id: int
    organisation: str
    scopes: list[str]
    purpose: str
    granted_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    state: str


class CreditAccessOut(Schema):
    username: str
    at: dt.datetime
    what: str
    channel: str


class CreditVerifyIn(Schema):
    number: str = ""
    digest: str = ""
    envelope: dict[str, Any] | None = None


def _product(request: HttpRequest, product_id: int) -> Any:
    return selectors.product_get_for(user=api_caller(request), pk=product_id)


@router.get("/products", response=list[CreditProductOut], summary="金融保险产品 Products")
def products(request: HttpRequest, kind: str = "") -> Any:
    return list(selectors.product_list_for(user=api_caller(request), filters={"kind": kind[:16]}))


@router.get("/products/{int:product_id}", response=CreditProductOut, summary="产品详情 One product")
def product(request: HttpRequest, product_id: int) -> Any:
    return _product(request, product_id)


@router.post("/products", response={201: CreditProductOut}, summary="发布产品 Publish a product")
def product_create(request: HttpRequest, payload: CreditProductIn) -> Status[Any]:
    return Status(201, services.product_save(actor=api_caller(request), **payload.dict()))


@router.post(
    "/products/{int:product_id}/apply",
    response={201: CreditApplicationOut},
    summary="申请并授权 Apply (grants the consent)",
)
def apply(request: HttpRequest, product_id: int, payload: CreditApplyIn) -> Status[Any]:
    user = api_caller(request)
    if not selectors.can_apply(user):
        raise PermissionDenied(_("只有企业用户可以申请金融保险产品。"))
    item = selectors.product_get_for(user=user, pk=product_id)
    return Status(201, services.application_submit(actor=user, product=item, **payload.dict()))


@router.get("/applications", response=list[CreditApplicationOut], summary="申请 Applications")
def applications(request: HttpRequest) -> Any:
    return list(selectors.application_list_for(user=api_caller(request))[:500])


@router.get(
    "/applications/{int:application_id}",
    response=CreditApplicationOut,
    summary="申请详情 One application",
)
def application(request: HttpRequest, application_id: int) -> Any:
    return selectors.application_get_for(user=api_caller(request), pk=application_id)


@router.get(
    "/applications/{int:application_id}/data",
    response=dict[str, Any],
    summary="授权数据 The consented data (partner; recorded)",
)
def application_data(request: HttpRequest, application_id: int) -> Any:
    user = api_caller(request)
    item = selectors.application_get_for(user=user, pk=application_id)
    if not selectors.is_partner_of(user, item):
        raise PermissionDenied(_("无权查看该企业的数据。"))
    return services.consent_read(
        actor=user, application=item, what=_("接口读取授权数据"), channel="api"
    )


@router.post(
    "/applications/{int:application_id}/transition",
    response=CreditApplicationOut,
    summary="办理 Move the application",
)
def transition(request: HttpRequest, application_id: int, payload: CreditTransitionIn) -> Any:
    user = api_caller(request)
    item = selectors.application_get_for(user=user, pk=application_id)
    return services.application_transition(actor=user, application=item, **payload.dict())


@router.post(
    "/applications/{int:application_id}/profiles",
    response={201: dict[str, Any]},
    summary="出具贸易画像 Issue the trade profile (partner)",
)
def profile_issue(request: HttpRequest, application_id: int) -> Status[Any]:
    user = api_caller(request)
    item = selectors.application_get_for(user=user, pk=application_id)
    if not selectors.is_partner_of(user, item):
        raise PermissionDenied(_("只有受理机构可以获取贸易画像。"))
    profile = services.profile_issue(actor=user, application=item, channel="api")
    return Status(201, documents.envelope(profile))


@router.get("/profiles/{number}", response=dict[str, Any], summary="贸易画像 A trade profile")
def profile(request: HttpRequest, number: str) -> Any:
    user = api_caller(request)
    item = selectors.profile_get_for(user=user, number=number)
    services.profile_open(actor=user, profile=item, what=_("接口读取贸易画像"), channel="api")
    return documents.envelope(item)


@router.get("/consents", response=list[CreditConsentOut], summary="数据授权 Consents (enterprise)")
def consents(request: HttpRequest) -> Any:
    return list(selectors.consent_list_for(user=api_caller(request))[:500])


@router.get(
    "/consents/{int:consent_id}/accesses",
    response=list[CreditAccessOut],
    summary="访问记录 Accesses under a consent",
)
def accesses(request: HttpRequest, consent_id: int) -> Any:
    user = api_caller(request)
    consent = selectors.consent_get_for(user=user, pk=consent_id)
    return list(selectors.access_list_for(user=user, consent=consent)[:1000])


@router.post(
    "/consents/{int:consent_id}/revoke",
    response=CreditConsentOut,
    summary="撤回授权 Revoke a consent",
)
def revoke(request: HttpRequest, consent_id: int) -> Any:
    user = api_caller(request)
    consent = selectors.consent_get_for(user=user, pk=consent_id)
    return services.consent_revoke(actor=user, consent=consent)


@router.post(
    "/verify",
    auth=None,
    response=dict[str, Any],
    summary="核验贸易画像（公开）/ Verify a trade profile ({valid: true|false, reason, …})",
)
def verify(request: HttpRequest, payload: CreditVerifyIn) -> Any:
    if payload.envelope is not None:
        outcome = verification.verify_envelope(documents_json(payload.envelope))
    else:
        outcome = verification.verify_number(payload.number, payload.digest)
    return outcome.as_dict()


def documents_json(envelope: dict[str, Any]) -> bytes:
    import json

    return json.dumps(envelope, ensure_ascii=False).encode("utf-8")


@router.get("/volumes", response=dict[str, Any], summary="融资保险统计 Volumes (bureau)")
def volumes(request: HttpRequest, year: int | None = None) -> Any:
    user = api_caller(request)
    if not selectors.can_see_volumes(user):
        raise PermissionDenied(_("只有政府部门用户可以查看融资保险统计。"))
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("年度应在 2000 至 2100 之间。")]})
    data = selectors.volumes_for(user=user, year=year)
    for row in data["rows"]:
        row["amount"] = str(row["amount"])
    for total in data["totals"].values():
        total["amount"] = str(total["amount"])
    return data


__all__ = ["HttpResponse"]
