"""Overseas warehouse API (/api/v1/warehouses). Same scope and rules as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accounts.auth import api_caller
from core.lists import api_list
from enterprises import selectors as registry
from warehouses import selectors, services
from warehouses.filters import WarehouseQuery
from warehouses.models import OverseasWarehouse

router = Router(tags=["warehouses"])


class WarehouseOut(Schema):
    id: int
    name: str
    operator_id: int
    operator_name: str
    country_code: str
    country_name: str
    city: str
    address: str
    area_m2: Decimal
    services: str
    capacity_notes: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    status: str
    status_label: str
    public_recognition_year: int | None
    contact_name: str
    contact_phone: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_operator_name(obj: OverseasWarehouse) -> str:
        return obj.operator.name

    @staticmethod
    def resolve_country_code(obj: OverseasWarehouse) -> str:
        return obj.country.customs_code

    @staticmethod
    def resolve_country_name(obj: OverseasWarehouse) -> str:
        return obj.country.name

    @staticmethod
    def resolve_status_label(obj: OverseasWarehouse) -> str:
        return str(obj.get_status_display())


class WarehouseIn(Schema):
    operator_id: int | None = Field(None, description="运营企业 (city level only; default: own)")
    name: str
    country: str = Field(description="海关国别代码 Customs country code, e.g. 502")
    city: str
    area_m2: Decimal
    address: str = ""
    services: str = ""
    capacity_notes: str = ""
    opened_on: dt.date | None = None
    status: str = "planning"
    contact_name: str = ""
    contact_phone: str = ""


class WarehousePatch(Schema):
    name: str | None = None
    country: str | None = None
    city: str | None = None
    area_m2: Decimal | None = None
    address: str | None = None
    services: str | None = None
    capacity_notes: str | None = None
    opened_on: dt.date | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


class StatusIn(Schema):
    status: str
    on: dt.date | None = None


class RecognitionIn(Schema):
    year: int | None = Field(None, description="认定年度; null withdraws the recognition")


@router.get("", response=list[WarehouseOut], summary="海外仓列表 List warehouses in scope")
@api_list
def list_warehouses(request: HttpRequest, query: Query[WarehouseQuery]) -> Any:
    return selectors.warehouse_list_for(user=api_caller(request), filters=query.dict())


@router.get("/{int:warehouse_id}", response=WarehouseOut, summary="海外仓 One warehouse")
def get_warehouse(request: HttpRequest, warehouse_id: int) -> OverseasWarehouse:
    return selectors.warehouse_get_for(user=api_caller(request), pk=warehouse_id)


@router.post("", response={201: WarehouseOut}, summary="登记海外仓 Register a warehouse")
def create_warehouse(request: HttpRequest, payload: WarehouseIn) -> Status[Any]:
    data = payload.dict()
    operator_id = data.pop("operator_id") or api_caller(request).enterprise_id
    if not selectors.can_create_warehouse(api_caller(request)):
        raise PermissionDenied(_("只有海外仓运营企业或市商务局可以登记海外仓。"))
    operator = registry.enterprise_get(pk=operator_id or 0)
    warehouse = services.warehouse_create(actor=api_caller(request), operator=operator, **data)
    return Status(201, selectors.warehouse_get_for(user=api_caller(request), pk=warehouse.pk))


@router.patch("/{int:warehouse_id}", response=WarehouseOut, summary="修改海外仓 Update")
def patch_warehouse(
    request: HttpRequest, warehouse_id: int, payload: WarehousePatch
) -> OverseasWarehouse:
    warehouse = selectors.warehouse_get_for(user=api_caller(request), pk=warehouse_id)
    changes = payload.dict(exclude_unset=True)
    services.warehouse_update(actor=api_caller(request), warehouse=warehouse, **changes)
    return selectors.warehouse_get_for(user=api_caller(request), pk=warehouse_id)


@router.post("/{int:warehouse_id}/status", response=WarehouseOut, summary="变更状态 Status")
def set_status(request: HttpRequest, warehouse_id: int, payload: StatusIn) -> OverseasWarehouse:
    warehouse = selectors.warehouse_get_for(user=api_caller(request), pk=warehouse_id)
    services.warehouse_set_status(
        actor=api_caller(request),
        warehouse=warehouse,
        status=payload.status,
        on=payload.on,
    )
    return selectors.warehouse_get_for(user=api_caller(request), pk=warehouse_id)


@router.post(
    "/{int:warehouse_id}/recognition",
    response=WarehouseOut,
    summary="市级公共海外仓认定 Public warehouse recognition",
)
def recognise(request: HttpRequest, warehouse_id: int, payload: RecognitionIn) -> OverseasWarehouse:
    warehouse = selectors.warehouse_get_for(user=api_caller(request), pk=warehouse_id)
    services.warehouse_recognise(actor=api_caller(request), warehouse=warehouse, year=payload.year)
    return selectors.warehouse_get_for(user=api_caller(request), pk=warehouse_id)
