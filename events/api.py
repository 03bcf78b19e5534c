"""Trainings and events API (/api/v1/events). Same scope and rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accounts.auth import api_caller
from codes import selectors as codes
from core.lists import api_list
from events import selectors, services
from events.filters import EventQuery
from events.models import Event, Registration

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    county_code: str | None
    county_name: str | None
    venue: str
    organiser: str
    capacity: int
    description: str
    status: str
    status_label: str
    counts_as_matchmaking: bool

    @staticmethod
    def resolve_kind_label(obj: Event) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Event) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_county_code(obj: Event) -> str | None:
        return obj.county.code if obj.county else None

    @staticmethod
    def resolve_county_name(obj: Event) -> str | None:
        return obj.county.name if obj.county else None


class EventManagedOut(EventOut):
    check_in_code: str


class EventIn(Schema):
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    county: str | None = Field(None, description="县区代码; null = city-wide")
    venue: str = ""
    organiser: str
    capacity: int
    description: str = ""


class EventPatch(Schema):
    title: str | None = None
    kind: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    county: str | None = None
    venue: str | None = None
    organiser: str | None = None
    capacity: int | None = None
    description: str | None = None


class EventStatusIn(Schema):
    status: str = Field(description="cancelled or finished")


class RegisterIn(Schema):
    name: str = ""
    phone: str = ""
    organisation: str = ""


class RegistrationOut(Schema):
    id: int
    event_id: int
    name: str
    phone: str
    organisation: str
    source: str
    attended: bool
    checked_in_at: dt.datetime | None
    created_at: dt.datetime


class CheckInIn(Schema):
    code: str
    phone: str = ""


class CheckInOut(Schema):
    already: bool
    registration: RegistrationOut


class FiguresOut(Schema):
    year: int
    county_code: str | None
    training_person_times: int
    matchmaking_events: int


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _out(request: HttpRequest, event: Event) -> Event:
    return selectors.event_get_for(user=api_caller(request), pk=event.pk)


@router.get("", response=list[EventOut], summary="活动列表 List events")
@api_list
def list_events(request: HttpRequest, query: Query[EventQuery]) -> Any:
    return selectors.event_list_for(user=api_caller(request), filters=query.dict())


@router.get("/figures", response=FiguresOut, summary="目标口径数据 Target figures")
def figures(
    request: HttpRequest, year: int = Query(..., ge=2000, le=2100), county: str = ""
) -> dict[str, Any]:
    county_obj = None
    if county:
        county_obj = codes.county_by_code(county)
        if county_obj is None:
            raise Http404("county not found")
    return {
        "year": year,
        "county_code": county or None,
        "training_person_times": selectors.training_person_times(year, county_obj),
        "matchmaking_events": selectors.matchmaking_event_count(year, county_obj),
    }


@router.get("/{int:event_id}", response=EventOut, summary="活动详情 One event")
def get_event(request: HttpRequest, event_id: int) -> Event:
    return selectors.event_get_for(user=api_caller(request), pk=event_id)


@router.post("", response={201: EventManagedOut}, summary="发布活动 Publish an event")
def publish(request: HttpRequest, payload: EventIn) -> Status[Event]:
    data = payload.dict()
    data["starts_at"], data["ends_at"] = _aware(data["starts_at"]), _aware(data["ends_at"])
    event = services.event_publish(actor=api_caller(request), **data)
    return Status(201, _out(request, event))


@router.patch("/{int:event_id}", response=EventManagedOut, summary="修改活动 Update")
def patch_event(request: HttpRequest, event_id: int, payload: EventPatch) -> Event:
    event = selectors.event_get_for(user=api_caller(request), pk=event_id)
    changes = payload.dict(exclude_unset=True)
    for key in ("starts_at", "ends_at"):
        if key in changes:
            changes[key] = _aware(changes[key])
    services.event_update(actor=api_caller(request), event=event, **changes)
    return _out(request, event)


@router.post("/{int:event_id}/status", response=EventOut, summary="取消/结束 Cancel or finish")
def set_status(request: HttpRequest, event_id: int, payload: EventStatusIn) -> Event:
    event = selectors.event_get_for(user=api_caller(request), pk=event_id)
    services.event_set_status(actor=api_caller(request), event=event, status=payload.status)
    return _out(request, event)


@router.post(
    "/{int:event_id}/registrations",
    response={201: RegistrationOut},
    summary="在线报名 Register (enterprise users)",
)
def register(request: HttpRequest, event_id: int, payload: RegisterIn) -> Status[Registration]:
    event = selectors.event_get_for(user=api_caller(request), pk=event_id)
    registration = services.registration_create(
        actor=api_caller(request), event=event, **payload.dict()
    )
    return Status(201, registration)


@router.delete(
    "/{int:event_id}/registrations/mine", response={204: None}, summary="取消报名 Withdraw"
)
def withdraw(request: HttpRequest, event_id: int) -> Status[None]:
    event = selectors.event_get_for(user=api_caller(request), pk=event_id)
    mine = selectors.registration_of(user=api_caller(request), event=event)
    if mine is None:
        raise Http404("no registration")
    services.registration_cancel(actor=api_caller(request), registration=mine)
    return Status(204, None)


@router.get(
    "/{int:event_id}/registrations",
    response=list[RegistrationOut],
    summary="报名名单 Registrations (organisers)",
)
def list_registrations(request: HttpRequest, event_id: int) -> Any:
    event = selectors.event_get_for(user=api_caller(request), pk=event_id)
    return selectors.registrations_for(user=api_caller(request), event=event)


@router.post("/check-in", response=CheckInOut, summary="签到码签到 Check in with the code")
def check_in(request: HttpRequest, payload: CheckInIn) -> dict[str, Any]:
    result = services.check_in(actor=api_caller(request), code=payload.code, phone=payload.phone)
    return {"already": result.already, "registration": result.registration}
