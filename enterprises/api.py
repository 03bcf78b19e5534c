"""Enterprise registry API (/api/v1/enterprises). Same scope and rules as the UI: handlers parse,
call a selector or a service, return a schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from accounts.auth import api_caller
from core.lists import API_MAX_LIMIT, api_list
from enterprises import change_services, selectors, services
from enterprises.filters import EnterpriseQuery
from enterprises.models import (
    ChangeRequestStatus,
    Enterprise,
    EnterpriseChangeRequest,
    IndustryBelt,
    Park,
    Recognition,
)

router = Router(tags=["enterprises"])


class EnterpriseChangeOut(Schema):
    """A change request of a verified fact (变更申请)."""

    id: int
    enterprise_id: int
    enterprise_name: str
    field: str
    field_label: str
    old_value: str
    new_value: str
    status: str
    status_label: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str

    @staticmethod
    def resolve_enterprise_name(obj: EnterpriseChangeRequest) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_field_label(obj: EnterpriseChangeRequest) -> str:
        return str(obj.get_field_display())

    @staticmethod
    def resolve_status_label(obj: EnterpriseChangeRequest) -> str:
        return str(obj.get_status_display())


class EnterpriseChangePage(Schema):
    count: int
    items: list[EnterpriseChangeOut]


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    customs_code: str
    county_code: str
    county_name: str
    kind: str
    kind_label: str
    industry_belt_id: int | None
    industry_belt_name: str | None
    park_id: int | None
    park_name: str | None
    first_cbec_year: int | None
    customs_code_source: str = Field(description="declared 企业自报 / verified 已核验")
    kind_source: str
    first_cbec_year_source: str
    pending_changes: list[EnterpriseChangeOut] = Field(
        description="待县区核验的变更 Changes waiting for the county's verification"
    )
    independent_site_url: str
    address: str
    contact_name: str
    contact_phone: str
    contact_email: str
    status: str
    status_label: str
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_county_code(obj: Enterprise) -> str:
        return obj.county.code

    @staticmethod
    def resolve_county_name(obj: Enterprise) -> str:
        return obj.county.name

    @staticmethod
    def resolve_pending_changes(obj: Enterprise) -> list[EnterpriseChangeRequest]:
        return list(selectors.pending_changes_for(obj).values())

    @staticmethod
    def resolve_kind_label(obj: Enterprise) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Enterprise) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_industry_belt_name(obj: Enterprise) -> str | None:
        return obj.industry_belt.name if obj.industry_belt else None

    @staticmethod
    def resolve_park_name(obj: Enterprise) -> str | None:
        return obj.park.name if obj.park else None


MAX_ID = 2**63 - 1  # the database's bigint: larger ids are a 422, never a 500


class EnterprisePatch(Schema):
    """Only the fields sent are changed; the caller's role decides which it may send.

    An enterprise user's customs_code, kind and first_cbec_year become change requests
    (``pending_changes``) that its county verifies; the values in force stay until then.
    """

    name: str | None = None
    uscc: str | None = None
    county: str | None = Field(None, description="县区代码 County code")
    kind: str | None = None
    customs_code: str | None = None
    industry_belt: int | None = Field(None, ge=1, le=MAX_ID)
    park: int | None = Field(None, ge=1, le=MAX_ID)
    first_cbec_year: int | None = Field(None, ge=1900, le=2100)
    independent_site_url: str | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    status: str | None = None
    tags: list[str] | None = None


class RecognitionOut(Schema):
    id: int
    type: str
    type_label: str
    level: str
    level_label: str
    year: int
    note: str

    @staticmethod
    def resolve_type_label(obj: Recognition) -> str:
        return str(obj.get_type_display())

    @staticmethod
    def resolve_level_label(obj: Recognition) -> str:
        return str(obj.get_level_display()) if obj.level else ""


class PlaceOut(Schema):
    id: int
    name: str
    county_code: str
    county_name: str

    @staticmethod
    def resolve_county_code(obj: IndustryBelt | Park) -> str:
        return obj.county.code

    @staticmethod
    def resolve_county_name(obj: IndustryBelt | Park) -> str:
        return obj.county.name


class BeltOut(PlaceOut):
    name_en: str
    products: str


@router.get("", response=list[EnterpriseOut], summary="企业列表 List enterprises in scope")
@api_list
def list_enterprises(request: HttpRequest, query: Query[EnterpriseQuery]) -> Any:
    qs = selectors.enterprise_list_for(user=api_caller(request), filters=query.dict())
    return selectors.with_pending_changes(qs)


@router.get("/belts", response=list[BeltOut], summary="产业带 Industry belts")
def list_belts(request: HttpRequest) -> Any:
    return selectors.belt_list()


@router.get("/parks", response=list[PlaceOut], summary="园区 Parks")
def list_parks(request: HttpRequest) -> Any:
    return selectors.park_list()


class ChangeQuery(Schema):
    status: str = Field("pending", description="pending, approved, rejected, withdrawn")
    limit: int = Field(25, ge=1, le=API_MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_ID)


class ChangeReject(Schema):
    reason: str = Field(..., max_length=change_services.REASON_MAX)


@router.get(
    "/changes",
    response=EnterpriseChangePage,
    summary="待核验的档案变更 Change requests in scope (county officer, city reviewer)",
)
def list_changes(request: HttpRequest, query: Query[ChangeQuery]) -> dict[str, Any]:
    status = query.status if query.status in ChangeRequestStatus.values else "pending"
    qs = selectors.change_request_inbox_for(user=api_caller(request), status=status)
    return {"count": qs.count(), "items": list(qs[query.offset : query.offset + query.limit])}


@router.post(
    "/changes/{int:change_id}/approve",
    response=EnterpriseChangeOut,
    summary="核验通过 Approve a change request",
)
def approve_change(request: HttpRequest, change_id: int) -> EnterpriseChangeRequest:
    change = selectors.change_request_get_for(user=api_caller(request), pk=change_id)
    return change_services.change_request_approve(actor=api_caller(request), change=change)


@router.post(
    "/changes/{int:change_id}/reject",
    response=EnterpriseChangeOut,
    summary="驳回 Reject a change request with a reason",
)
def reject_change(
    request: HttpRequest, change_id: int, payload: ChangeReject
) -> EnterpriseChangeRequest:
    change = selectors.change_request_get_for(user=api_caller(request), pk=change_id)
    return change_services.change_request_reject(
        actor=api_caller(request),
        change=change,
        reason=payload.reason,
    )


@router.get("/{int:enterprise_id}", response=EnterpriseOut, summary="企业档案 One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return selectors.enterprise_get_for(user=api_caller(request), pk=enterprise_id)


@router.patch("/{int:enterprise_id}", response=EnterpriseOut, summary="修改企业档案 Update")
def patch_enterprise(
    request: HttpRequest, enterprise_id: int, payload: EnterprisePatch
) -> Enterprise:
    enterprise = selectors.enterprise_get_for(user=api_caller(request), pk=enterprise_id)
    changes = payload.dict(exclude_unset=True)
    if "county" in changes:
        changes["county"] = selectors.county_by_code(changes["county"])
    updated = services.enterprise_update(
        actor=api_caller(request), enterprise=enterprise, **changes
    )
    return selectors.enterprise_get_for(user=api_caller(request), pk=updated.pk)


@router.get(
    "/{int:enterprise_id}/recognitions",
    response=list[RecognitionOut],
    summary="企业认定 Recognitions of an enterprise",
)
def list_recognitions(request: HttpRequest, enterprise_id: int) -> Any:
    return selectors.recognition_list_for(user=api_caller(request), enterprise_pk=enterprise_id)
