"""Customs API (/api/v1/customs): uploads, run status, declarations, statistics.

Same permissions as the pages: handlers parse, call a selector or a service, return a schema.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from accounts.auth import api_caller
from core.lists import API_MAX_LIMIT
from customs import selectors, services
from customs.filters import DeclarationFilterSet
from customs.models import Declaration, IngestRun, RunSource
from customs.stats import customs_stats
from mandates.selectors import customs_upload_enterprise

router = Router(tags=["customs"])


class IngestRunOut(Schema):
    id: int
    status: str
    source: str
    origin: str = Field(description="customs（海关数据通道）| enterprise | agent | county | city")
    files_total: int
    files_done: int
    files_rejected: int
    messages: int
    new: int
    duplicates: int
    rejected: int
    lines: int
    receipts_matched: int
    released: int
    retail_breaches: int
    percent: int
    errors: list[dict[str, Any]]
    touched: list[dict[str, Any]] = Field(
        description="涉及企业：清单数、放行数、放行金额 / enterprises touched and amounts"
    )
    resumed_from_id: int | None = None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class DeclarationOut(Schema):
    id: int
    message_type: str
    direction: str
    cop_no: str
    invt_no: str
    order_no: str
    logistics_no: str
    ebc_code: str
    enterprise_uscc: str | None
    trade_mode: str
    declared_on: dt.date
    total_cny: str
    status: str
    status_label: str
    released: bool
    origin: str = Field(description="customs（海关数据通道）| enterprise | agent | county | city")
    confirmed: bool = Field(
        description="海关确认（经海关数据通道回执放行）/ released by a customs-channel receipt"
    )

    @staticmethod
    def resolve_confirmed(obj: Declaration) -> bool:
        return obj.is_confirmed

    @staticmethod
    def resolve_enterprise_uscc(obj: Declaration) -> str | None:
        return obj.enterprise.uscc if obj.enterprise else None

    @staticmethod
    def resolve_total_cny(obj: Declaration) -> str:
        return f"{obj.total_cny:.2f}"


class HistoryOut(Schema):
    status: str
    label: str
    at: dt.datetime
    info: str


class LineOut(Schema):
    line_no: int
    hs_code: str
    goods_name: str
    unit: str
    quantity: str
    unit_price: str
    currency: str
    amount: str
    amount_cny: str
    country: str
    released: bool


class DeclarationDetailOut(DeclarationOut):
    history: list[HistoryOut]
    lines: list[LineOut]


class DeclarationPage(Schema):
    count: int
    items: list[DeclarationOut]


if TYPE_CHECKING:
    DeclarationFilters = Schema
else:  # q, direction, mode: the list page's filters (customs.filters)
    DeclarationFilters = DeclarationFilterSet.schema()


class DeclarationQuery(DeclarationFilters):
    limit: int = Field(50, ge=1, le=API_MAX_LIMIT)
    offset: int = Field(0, ge=0, le=2**63 - 1)


@router.post("/uploads", response={202: IngestRunOut}, summary="上传报文 / upload message files")
def upload(
    request: HttpRequest,
    files: list[UploadedFile] = File(...),  # noqa: B008
    channel: bool = Form(False),
    on_behalf_of: str = Form("", max_length=18),
) -> Status:
    """``channel``: the files are the customs data-exchange channel's (city reviewers and
    administrators only); only their receipts release declarations.

    ``on_behalf_of``: a service platform (外贸综合服务平台) names the USCC of the enterprise it
    uploads for; refused (403) unless that enterprise's mandate to it is active and covers
    customs uploads (docs/mandates.md). The run is then the enterprise's own upload."""
    caller = api_caller(request)
    enterprise = None
    if on_behalf_of:
        enterprise = customs_upload_enterprise(user=caller, uscc=on_behalf_of)
    run = services.ingest_upload(
        actor=caller,
        files=files,
        source=RunSource.API,
        channel=channel,
        on_behalf_of=enterprise,
    )
    run.refresh_from_db()
    return Status(202, run)


@router.get("/runs", response=list[IngestRunOut], summary="导入批次 / ingest runs")
def runs(request: HttpRequest, limit: int = 50) -> Any:
    if not selectors.can_view_customs(api_caller(request)):
        raise PermissionDenied("无权查看海关数据 / Permission denied")
    return selectors.run_list_for(user=api_caller(request))[: min(max(limit, 1), API_MAX_LIMIT)]


@router.get("/runs/{run_id}", response=IngestRunOut, summary="批次状态 / run status")
def run_status(request: HttpRequest, run_id: int) -> IngestRun:
    return selectors.run_get_for(user=api_caller(request), pk=run_id)


@router.get("/declarations", response=DeclarationPage, summary="清单 / declarations")
def declarations(request: HttpRequest, query: Query[DeclarationQuery]) -> dict[str, Any]:
    if not selectors.can_view_customs(api_caller(request)):
        raise PermissionDenied("无权查看海关数据 / Permission denied")
    qs = selectors.declaration_list_for(user=api_caller(request), filters=query.dict())
    return {"count": qs.count(), "items": list(qs[query.offset : query.offset + query.limit])}


@router.get("/declarations/{declaration_id}", response=DeclarationDetailOut)
def declaration(request: HttpRequest, declaration_id: int) -> Declaration:
    obj = selectors.declaration_get_for(user=api_caller(request), pk=declaration_id)
    history = [{**h, "info": h["info"] or ""} for h in selectors.status_history(obj)]
    lines = [
        {
            "line_no": line.line_no,
            "hs_code": line.hs_code,
            "goods_name": line.goods_name,
            "unit": line.unit,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "currency": line.currency,
            "amount": str(line.amount),
            "amount_cny": f"{line.amount_cny:.2f}",
            "country": line.country,
            "released": obj.released,
        }
        for line in obj.month_lines()
    ]
    setattr(obj, "history", history)  # noqa: B010 - read by the response schema
    setattr(obj, "lines", lines)  # noqa: B010
    return obj


@router.get("/stats", summary="进出口统计 / trade statistics (released lines, CNY)")
def stats(request: HttpRequest, year: int, county: str = "") -> dict[str, Any]:
    if not selectors.can_view_stats(api_caller(request)):
        raise PermissionDenied("仅政府部门可以查看统计 / officers only")
    return customs_stats(
        year=year,
        county=selectors.stats_county_for(api_caller(request), county),
    )
