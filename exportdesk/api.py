"""Export desk API (/api/v1/exportdesk): the enterprise's own statements, proceeds and tax
checklist, with the same rules as the pages (an enterprise reads and writes its own only); and
the partner reports: a warehouse or logistics partner pushes overseas costs (``POST /costs``),
the bank partner proceeds (``POST /proceeds``), each only for an enterprise that authorised it
on the export desk, each with an idempotency key (a retry answers 200 with the stored row)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.access import is_partner
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
    """An enterprise user gives ``bank``; a bank partner gives ``enterprise`` (the USCC of an
    enterprise that authorised it) and ``idempotency_key``, and its own name is the bank."""

    currency: str = Field(max_length=3)
    amount: Decimal
    received_on: dt.date
    bank: str = Field("", max_length=200)
    reference: str = Field("", max_length=64)
    enterprise: str = Field("", max_length=18)
    idempotency_key: str = Field("", max_length=100)


class ProceedsOut(Schema):
    id: int
    currency: str
    amount: Decimal
    received_on: dt.date
    bank: str
    reference: str
    source_name: str


class CostReportIn(Schema):
    enterprise: str = Field(max_length=18)
    idempotency_key: str = Field(max_length=100)
    kind: str = Field(max_length=16)
    currency: str = Field(max_length=3)
    amount: Decimal
    incurred_on: dt.date
    payee: str = Field(max_length=200)
    reference: str = Field("", max_length=64)


class ReportedCostOut(Schema):
    id: int
    kind: str
    currency: str
    amount: Decimal
    incurred_on: dt.date
    payee: str
    reference: str
    has_document: bool
    enterprise_uscc: str
    excluded: bool


class ReportedProceedsOut(Schema):
    id: int
    currency: str
    amount: Decimal
    received_on: dt.date
    reference: str
    enterprise_uscc: str
    excluded: bool


class PartnerReportsOut(Schema):
    costs: list[ReportedCostOut]
    proceeds: list[ReportedProceedsOut]


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


@router.post(
    "/proceeds", response={200: ProceedsOut, 201: ProceedsOut}, summary="收汇 Record proceeds"
)
def proceeds_add(request: HttpRequest, payload: ProceedsIn) -> Status[Any]:
    user = api_caller(request)
    data = payload.dict()
    enterprise, key = data.pop("enterprise"), data.pop("idempotency_key")
    if is_partner(user):
        data.pop("bank")
        receipt, created = services.proceeds_report(
            actor=user, enterprise=enterprise, idempotency_key=key, **data
        )
        return Status(201 if created else 200, receipt)
    return Status(201, services.proceeds_add(actor=user, **data))


@router.post(
    "/costs",
    response={200: ReportedCostOut, 201: ReportedCostOut},
    summary="报送境外费用 Report an overseas cost (warehouse / logistics partner)",
)
def cost_report(
    request: HttpRequest,
    payload: Form[CostReportIn],
    document: File[UploadedFile | None] = None,
) -> Status[Any]:
    cost, created = services.cost_report(
        actor=api_caller(request), document=document, **payload.dict()
    )
    return Status(201 if created else 200, _cost_out(cost))


def _cost_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "currency": c.currency,
        "amount": c.amount,
        "incurred_on": c.incurred_on,
        "payee": c.payee,
        "reference": c.reference,
        "has_document": bool(c.document),
        "enterprise_uscc": c.enterprise.uscc,
        "excluded": c.excluded_at is not None,
    }


@router.get(
    "/reports", response=PartnerReportsOut, summary="本机构报送的记录 What this partner reported"
)
def partner_reports(request: HttpRequest) -> Any:
    user = api_caller(request)
    return {
        "costs": [_cost_out(c) for c in selectors.reported_costs_for(user=user)[:500]],
        "proceeds": [
            {
                "id": r.pk,
                "currency": r.currency,
                "amount": r.amount,
                "received_on": r.received_on,
                "reference": r.reference,
                "enterprise_uscc": r.enterprise.uscc,
                "excluded": r.excluded_at is not None,
            }
            for r in selectors.reported_proceeds_for(user=user)[:500]
        ],
    }


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
