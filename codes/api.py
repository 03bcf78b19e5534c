"""/api/v1/codes: the reference lists and working-day arithmetic (any signed-in user)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accounts.auth import api_caller
from codes import selectors, workdays

router = Router(tags=["codes"])


class CountyOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    official: bool
    sort_order: int


class CountryOut(Schema):
    customs_code: str
    name: str
    name_en: str
    iso_alpha2: str
    iso_alpha3: str
    iso_numeric: str
    notes: str


class CurrencyOut(Schema):
    customs_code: str
    name: str
    name_en: str
    iso_alpha: str
    iso_numeric: str
    notes: str


class UnitOut(Schema):
    code: str
    name: str
    name_en: str


class SupervisionModeOut(Schema):
    code: str
    short_name: str
    name: str
    name_en: str
    is_cbec: bool
    reference: str


class HolidayOut(Schema):
    date: dt.date
    kind: str
    name: str
    provisional: bool


class HolidayQuery(Schema):
    year: int | None = Field(None, ge=1900, le=2100)


class AddWorkingDaysQuery(Schema):
    date: dt.date
    n: int = Field(..., ge=-3650, le=3650)


class AddWorkingDaysOut(Schema):
    start: dt.date
    n: int
    date: dt.date


class WorkingDayQuery(Schema):
    date: dt.date


class WorkingDayOut(Schema):
    date: dt.date
    is_working_day: bool


@router.get("/counties", response=list[CountyOut], summary="县区与功能板块 / Counties and zones")
def counties(request: HttpRequest) -> list[CountyOut]:
    return [CountyOut.from_orm(c) for c in selectors.county_list(user=api_caller(request))]


@router.get("/countries", response=list[CountryOut], summary="国别（地区）/ Countries")
def countries(request: HttpRequest) -> list[CountryOut]:
    return [CountryOut.from_orm(c) for c in selectors.country_list(user=api_caller(request))]


@router.get("/currencies", response=list[CurrencyOut], summary="币制 / Currencies")
def currencies(request: HttpRequest) -> list[CurrencyOut]:
    return [CurrencyOut.from_orm(c) for c in selectors.currency_list(user=api_caller(request))]


@router.get("/units", response=list[UnitOut], summary="计量单位 / Units of measure")
def units(request: HttpRequest) -> list[UnitOut]:
    return [UnitOut.from_orm(u) for u in selectors.unit_list(user=api_caller(request))]


@router.get(
    "/supervision-modes",
    response=list[SupervisionModeOut],
    summary="监管方式 / Customs supervision modes",
)
def supervision_modes(request: HttpRequest) -> list[SupervisionModeOut]:
    rows = selectors.supervision_mode_list(user=api_caller(request))
    return [SupervisionModeOut.from_orm(m) for m in rows]


@router.get("/holidays", response=list[HolidayOut], summary="节假日与调休 / Holidays")
def holidays(request: HttpRequest, filters: Query[HolidayQuery]) -> list[HolidayOut]:
    rows = selectors.holiday_list(user=api_caller(request), year=filters.year)
    return [HolidayOut.from_orm(h) for h in rows]


@router.get(
    "/working-days/add",
    response=AddWorkingDaysOut,
    summary="加 n 个工作日 / The n-th working day after a date",
    description=(
        "n ≥ 1: the n-th working day after `date` (the date itself never counts); n = 0: `date` "
        "if it is a working day, else the next one; n < 0: the |n|-th working day before. "
        "400 when the computation reaches a year whose holidays are not loaded."
    ),
)
def working_days_add(request: HttpRequest, params: Query[AddWorkingDaysQuery]) -> AddWorkingDaysOut:
    selectors.holiday_list(user=api_caller(request))  # permission check
    try:
        result = workdays.add_working_days(params.date, params.n)
    except ValueError as exc:
        raise ValidationError({"date": str(exc)}) from None
    return AddWorkingDaysOut(start=params.date, n=params.n, date=result)


@router.get(
    "/working-days/check",
    response=WorkingDayOut,
    summary="是否工作日 / Is this date a working day",
)
def working_day_check(request: HttpRequest, params: Query[WorkingDayQuery]) -> WorkingDayOut:
    selectors.holiday_list(user=api_caller(request))  # permission check
    try:
        working = workdays.is_working_day(params.date)
    except ValueError as exc:
        raise ValidationError({"date": str(exc)}) from None
    return WorkingDayOut(date=params.date, is_working_day=working)
