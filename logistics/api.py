"""Logistics tracking API (/api/v1/logistics).

* ``POST /events`` — a logistics partner pushes up to 1,000 events of its own company's
  waybills (bearer token of a logistics partner user with a ``write`` token);
* ``GET /shipments``, ``GET /shipments/{id}`` — the shipments in the caller's scope, with the
  timeline;
* ``GET /aggregates?year=`` — county/month aggregates for officers;
* ``GET /track/{logistics_no}`` — public (no sign-in): status steps only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from accounts.auth import api_caller
from core.lists import api_list
from logistics import selectors, services

router = Router(tags=["logistics"])


class CarrierEventIn(Schema):
    logistics_no: str = Field(max_length=60, description="运单编号 logisticsNo")
    logistics_code: str = Field(max_length=18, description="物流企业代码 (must be your own)")
    at: str = Field(max_length=40, description="ISO 8601 with offset (+08:00)")
    code: str = Field(max_length=24, description="picked_up, departed_origin, arrived_site, …")
    text: str = Field("", max_length=500, description="the carrier's own text")
    idempotency_key: str = Field(max_length=100)


class CarrierEventsIn(Schema):
    events: list[CarrierEventIn] = Field(max_length=services.MAX_BATCH)


class CarrierPushOut(Schema):
    received: int
    stored: int
    duplicates: int
    shipments_created: int


class ShipmentEventOut(Schema):
    at: dt.datetime
    code: str
    source: str
    text: str


class ShipmentOut(Schema):
    id: int
    logistics_no: str
    logistics_code: str
    logistics_name: str
    direction: str
    order_no: str
    invt_no: str
    status: str
    status_at: dt.datetime | None
    released_at: dt.datetime | None
    departed_at: dt.datetime | None
    delivered_at: dt.datetime | None
    exceptions: int


class ShipmentDetailOut(ShipmentOut):
    events: list[ShipmentEventOut]


class ShipmentQuery(Schema):
    q: str = Field("", max_length=60)
    status: str = Field("", max_length=24)


class TrackStepOut(Schema):
    code: str
    label: str
    at: dt.datetime


class LogisticsAggregateOut(Schema):
    county_id: int | None
    county_name: str
    month: str
    released: int
    departed: int
    on_time: int
    on_time_share: float | None
    avg_release_to_departure_hours: float | None
    exceptions: int


@router.post("/events", response=CarrierPushOut, summary="推送物流事件 Push carrier events")
def push_events(request: HttpRequest, payload: CarrierEventsIn) -> Any:
    result = services.carrier_events_push(
        actor=api_caller(request), events=[e.dict() for e in payload.events]
    )
    return {
        "received": result.received,
        "stored": result.stored,
        "duplicates": result.duplicates,
        "shipments_created": result.shipments_created,
    }


@router.get("/shipments", response=list[ShipmentOut], summary="运单列表 Shipments in scope")
@api_list
def list_shipments(request: HttpRequest, query: Query[ShipmentQuery]) -> Any:
    return selectors.shipment_list_for(user=api_caller(request), filters=query.dict())


@router.get("/shipments/{int:shipment_id}", response=ShipmentDetailOut, summary="运单轨迹 Timeline")
def get_shipment(request: HttpRequest, shipment_id: int) -> Any:
    shipment = selectors.shipment_get_for(user=api_caller(request), pk=shipment_id)
    out = ShipmentOut.from_orm(shipment).dict()
    out["events"] = [ShipmentEventOut.from_orm(e).dict() for e in selectors.timeline(shipment)]
    return out


@router.get("/aggregates", response=list[LogisticsAggregateOut], summary="县区月度汇总 Aggregates")
def aggregates(request: HttpRequest, year: int = 0) -> Any:
    year = year or dt.date.today().year
    if not 2000 <= year <= 2100:
        year = dt.date.today().year
    return selectors.county_month_aggregates(user=api_caller(request), year=year)


@router.get(
    "/track/{logistics_no}",
    response=list[TrackStepOut],
    auth=None,
    summary="公众运单查询 Public waybill query (status steps only)",
)
def public_track(request: HttpRequest, logistics_no: str) -> Any:
    return selectors.public_track(logistics_no=logistics_no[:60])
