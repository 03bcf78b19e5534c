"""Enterprise registry API (/api/v1/enterprises). Same scope and rules as the UI: handlers parse,
call a selector or a service, return a schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from enterprises import selectors, services
from enterprises.models import Enterprise, IndustryBelt, Park, Recognition

router = Router(tags=["enterprises"])


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


class EnterprisePage(Schema):
    count: int
    items: list[EnterpriseOut]


MAX_ID = 2**63 - 1  # the database's bigint: larger ids are a 422, never a 500


class EnterpriseQuery(Schema):
    county: str = Field("", description="县区代码 County code")
    kind: str = ""
    industry_belt: int | None = Field(None, ge=1, le=MAX_ID)
    park: int | None = Field(None, ge=1, le=MAX_ID)
    status: str = ""
    recognition: str = Field("", description="认定类型 Recognition type")
    first_cbec_year: int | None = Field(None, ge=1900, le=2100)
    q: str = Field("", description="名称/信用代码/海关编码 Name, USCC or customs code")
    ordering: str = Field("", description="name, -name, created, -created, year, -year, county")
    limit: int = Field(25, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_ID)


class EnterprisePatch(Schema):
    """Only the fields sent are changed; the caller's role decides which it may send."""

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


@router.get("", response=EnterprisePage, summary="企业列表 List enterprises in scope")
def list_enterprises(request: HttpRequest, query: Query[EnterpriseQuery]) -> dict[str, Any]:
    data = query.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    qs = selectors.enterprise_list_for(
        user=request.user, filters=selectors.EnterpriseFilters.from_mapping(data)
    )
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}


@router.get("/belts", response=list[BeltOut], summary="产业带 Industry belts")
def list_belts(request: HttpRequest) -> Any:
    return selectors.belt_list()


@router.get("/parks", response=list[PlaceOut], summary="园区 Parks")
def list_parks(request: HttpRequest) -> Any:
    return selectors.park_list()


@router.get("/{int:enterprise_id}", response=EnterpriseOut, summary="企业档案 One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return selectors.enterprise_get_for(user=request.user, pk=enterprise_id)


@router.patch("/{int:enterprise_id}", response=EnterpriseOut, summary="修改企业档案 Update")
def patch_enterprise(
    request: HttpRequest, enterprise_id: int, payload: EnterprisePatch
) -> Enterprise:
    enterprise = selectors.enterprise_get_for(user=request.user, pk=enterprise_id)
    changes = payload.dict(exclude_unset=True)
    if "county" in changes:
        changes["county"] = selectors.county_by_code(changes["county"])
    updated = services.enterprise_update(actor=request.user, enterprise=enterprise, **changes)  # type: ignore[arg-type]
    return selectors.enterprise_get_for(user=request.user, pk=updated.pk)


@router.get(
    "/{int:enterprise_id}/recognitions",
    response=list[RecognitionOut],
    summary="企业认定 Recognitions of an enterprise",
)
def list_recognitions(request: HttpRequest, enterprise_id: int) -> Any:
    return selectors.recognition_list_for(user=request.user, enterprise_pk=enterprise_id)
