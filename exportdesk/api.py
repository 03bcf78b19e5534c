"""Export desk API (/api/v1/exportdesk): the enterprise's own statements, proceeds and tax
checklist, with the same rules as the pages (an enterprise reads and writes its own only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from accounts.auth import api_caller
from exportdesk import selectors, services, tax

router = Router(tags=["exportdesk"])


class StatementOut(Schema):
    number: str
    currency: str
    period_from: dt.date
    period_to: dt.date
    export_value: Decimal
    export_value_cny: Decimal
    costs_warehousing: Decimal
    costs_logistics: Decimal
    costs_tax: Decimal
    costs_total: Decimal
    net_due: Decimal
    proceeds: Decimal
    difference: Decimal


class StatementIn(Schema):
    currency: str
    month_from: str
    month_to: str


class ProceedsIn(Schema):
    currency: str
    amount: Decimal
    received_on: dt.date
    bank: str
    reference: str = ""


class ProceedsOut(Schema):
    id: int
    currency: str
    amount: Decimal
    received_on: dt.date
    bank: str
    reference: str


class CheckOut(Schema):
    key: str
    label: str
    ok: bool
    detail: str
    missing: list[str]


class ChecklistOut(Schema):
    year: int
    all_met: bool
    checks: list[CheckOut]
    revenue_cny: Decimal
    rate: Decimal
    deemed_income_cny: Decimal
    estimate: bool
    documents: list[str]


@router.get("/statements", response=list[StatementOut], summary="轧差结算说明 Statements")
def statements(request: HttpRequest) -> Any:
    return list(selectors.statement_list_for(user=api_caller(request))[:200])


@router.post("/statements", response={201: StatementOut}, summary="出具轧差结算说明 Issue")
def statement_issue(request: HttpRequest, payload: StatementIn) -> Status[Any]:
    return Status(201, services.statement_issue(actor=api_caller(request), **payload.dict()))


@router.post("/proceeds", response={201: ProceedsOut}, summary="登记收汇 Record proceeds")
def proceeds_add(request: HttpRequest, payload: ProceedsIn) -> Status[Any]:
    return Status(201, services.proceeds_add(actor=api_caller(request), **payload.dict()))


@router.get("/tax/checklist", response=ChecklistOut, summary="无票免税与核定征收 Checklist")
def checklist(request: HttpRequest, year: int = 0) -> Any:
    user = api_caller(request)
    if not selectors.can_use_desk(user):
        raise PermissionDenied(_("只有企业用户可以使用出口服务。"))
    this = timezone.localdate().year
    year = year if 2000 <= year <= this else this
    data = tax.checklist(selectors.enterprise_for(user), year)
    r = data["rules"]
    return {
        "year": year,
        "all_met": data["all_met"],
        "checks": [c.__dict__ for c in data["checks"]],
        "revenue_cny": data["revenue"],
        "rate": data["rate"],
        "deemed_income_cny": data["deemed_income"],
        "estimate": True,
        "documents": [r.vat_document, r.eit_document],
    }
