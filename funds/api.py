"""Funds API (/api/v1/funds): proposal runs, public notices and objections, approval,
disbursements, policy matching and 免申即享 candidates. Same permissions as the pages (selectors
and services); the public notice list, detail and objection filing need no authentication."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from accounts.auth import api_caller
from core.request_context import client_ip_from_request
from enterprises import selectors as registry
from funds import selectors, services
from funds.models import NoticeEntry, Objection, ProposalRun, PublicNotice
from funds.services.matching import candidates, enterprise_matching

router = Router(tags=["funds"])

MAX_ID = 2**63 - 1  # a database id (bigint): larger values are refused with 422, not a 500


# --- schemas ---


class RunIn(Schema):
    round_id: int = Field(ge=1, le=MAX_ID)


class ProposalRunOut(Schema):
    id: int
    round_id: int
    status: str
    progress: int
    step: str
    engine_version: str
    guide_hash: str
    inputs_hash: str
    claim_count: int
    error: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    accepted_at: dt.datetime | None


class RunResultOut(Schema):
    run: ProposalRunOut
    result: dict[str, Any] | None
    notes: list[dict[str, str]]


class EntryOut(Schema):
    id: int
    enterprise_name: str
    measure_title: str
    amount: Decimal


class NoticeOut(Schema):
    id: int
    round_id: int
    title: str
    status: str
    published_on: dt.date
    working_days: int
    ends_on: dt.date
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj: PublicNotice) -> list[NoticeEntry]:
        return list(obj.entries.all())


class NoticeIn(Schema):
    round_id: int = Field(ge=1, le=MAX_ID)
    title: str = Field(max_length=200)
    application_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=1000
    )


class ObjectionIn(Schema):
    name: str = Field(max_length=50)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    text: str = Field(max_length=2000)
    entry_id: int | None = Field(None, ge=1, le=MAX_ID)


class ObjectionReceipt(Schema):
    id: int
    reference: str  # 受理编号: with the phone or e-mail, looks the objection up on the notice page
    status: str
    created_at: dt.datetime


class ObjectionOut(Schema):
    id: int
    reference: str
    notice_id: int
    entry_id: int | None
    name: str
    phone: str
    email: str
    text: str
    status: str
    resolution: str
    resolved_at: dt.datetime | None
    created_at: dt.datetime


class ResolveIn(Schema):
    resolution: str = Field(max_length=2000)


class DisbursementIn(Schema):
    application_id: int = Field(ge=1, le=MAX_ID)
    paid_on: dt.date
    bank_reference: str = Field(max_length=64)


class DisbursementOut(Schema):
    id: int
    application_id: int
    enterprise_id: int
    measure: str
    matter: str
    year: int
    amount: Decimal
    paid_on: dt.date
    bank_reference: str


class ApplicationAmountOut(Schema):
    id: int
    status: str
    amount_proposed: Decimal | None
    amount_approved: Decimal | None
    amount_paid: Decimal | None


class ReasonOut(Schema):
    code: str
    article: str
    message: str


class MatchOut(Schema):
    measure: str
    title: str
    article: str
    kind: str
    likely: bool
    amount: Decimal
    example_cost: Decimal | None
    reasons: list[ReasonOut]
    missing: list[str]


class MatchingOut(Schema):
    enterprise_id: int
    year: int | None
    measures: list[MatchOut]
    notes: list[dict[str, str]]


class CandidateOut(Schema):
    enterprise_id: int
    enterprise_name: str
    measure: str
    title: str
    amount: Decimal
    reasons: list[ReasonOut]
    account_confirmed: bool
    application_id: int | None


class ProposeIn(Schema):
    round_id: int = Field(ge=1, le=MAX_ID)
    enterprise_id: int = Field(ge=1, le=MAX_ID)
    measure: str = Field(max_length=64)


# --- runs ---


@router.post("/runs", response={201: ProposalRunOut}, summary="发起资金测算 / Start a proposal run")
def run_start(request: HttpRequest, payload: RunIn) -> Status:
    if not selectors.can_run_proposals(api_caller(request)):
        raise PermissionDenied("只有市商务局审核人员可以发起资金测算。")
    run = services.proposal_run_start(
        actor=api_caller(request), round=selectors.round_get(pk=payload.round_id)
    )
    run.refresh_from_db()
    return Status(201, run)


@router.get("/runs", response=list[ProposalRunOut], summary="测算批次列表 / Proposal runs")
def run_list(request: HttpRequest, round_id: int | None = Query(None, ge=1, le=MAX_ID)) -> Any:
    return list(selectors.run_list_for(user=api_caller(request), round_id=round_id)[:200])


@router.get("/runs/{pk}", response=ProposalRunOut, summary="测算进度 / Run status and progress")
def run_status(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> ProposalRun:
    return selectors.run_get_for(user=api_caller(request), pk=pk)


@router.get("/runs/{pk}/result", response=RunResultOut, summary="测算结果 / Run result")
def run_result(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    run = selectors.run_get_for(user=api_caller(request), pk=pk)
    return {"run": run, "result": run.result, "notes": run.notes}


@router.post("/runs/{pk}/accept", response=ProposalRunOut, summary="采纳测算结果 / Accept a run")
def run_accept(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> ProposalRun:
    run = selectors.run_get_for(user=api_caller(request), pk=pk)
    return services.proposal_run_accept(actor=api_caller(request), run=run)


# --- notices ---


@router.get(
    "/notices", response=list[NoticeOut], auth=None, summary="公示列表（公开）/ Public notices"
)
def notice_list(request: HttpRequest) -> Any:
    return list(selectors.notice_public_qs()[:100])


@router.get(
    "/notices/{pk}", response=NoticeOut, auth=None, summary="公示详情（公开）/ A public notice"
)
def notice_detail(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> PublicNotice:
    return selectors.notice_get_public(pk=pk)


@router.post("/notices", response={201: NoticeOut}, summary="发布公示 / Publish a notice")
def notice_publish(request: HttpRequest, payload: NoticeIn) -> Status:
    if not selectors.can_manage_notices(api_caller(request)):
        raise PermissionDenied("只有市商务局审核人员可以发布公示。")
    notice = services.notice_publish(
        actor=api_caller(request),
        round=selectors.round_get(pk=payload.round_id),
        title=payload.title,
        application_ids=payload.application_ids,
    )
    return Status(201, selectors.notice_get_public(pk=notice.pk))


@router.post(
    "/notices/{pk}/objections",
    response={201: ObjectionReceipt},
    auth=None,
    summary="提出异议（公开）/ File an objection",
)
def objection_file(
    request: HttpRequest, payload: ObjectionIn, pk: int = Path(..., ge=1, le=MAX_ID)
) -> Status:
    notice = selectors.notice_get_public(pk=pk)
    objection = services.objection_file(
        notice=notice,
        name=payload.name,
        phone=payload.phone,
        email=payload.email,
        text=payload.text,
        entry_id=payload.entry_id,
        client_ip=client_ip_from_request(request),
    )
    return Status(201, objection)


@router.get(
    "/notices/{pk}/objections", response=list[ObjectionOut], summary="异议列表 / Objections"
)
def objection_list(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    notice = selectors.notice_get_for_reviewer(user=api_caller(request), pk=pk)
    return list(selectors.objection_list_for(user=api_caller(request), notice=notice))


@router.post(
    "/objections/{pk}/resolve", response=ObjectionOut, summary="处理异议 / Resolve an objection"
)
def objection_resolve(
    request: HttpRequest, payload: ResolveIn, pk: int = Path(..., ge=1, le=MAX_ID)
) -> Objection:
    objection = selectors.objection_get_for(user=api_caller(request), pk=pk)
    return services.objection_resolve(
        actor=api_caller(request), objection=objection, resolution=payload.resolution
    )


@router.post(
    "/notices/{pk}/approve",
    response=list[ApplicationAmountOut],
    summary="批准公示项目 / Approve a notice's entries",
)
def notice_approve(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    notice = selectors.notice_get_for_reviewer(user=api_caller(request), pk=pk)
    services.notice_approve(actor=api_caller(request), notice=notice)
    ids = list(notice.entries.values_list("application_id", flat=True))
    return list(selectors.applications_by_pk(ids))


# --- disbursements ---


@router.get("/disbursements", response=list[DisbursementOut], summary="拨付记录 / Disbursements")
def disbursement_list(
    request: HttpRequest, year: int | None = Query(None, ge=1900, le=2100)
) -> Any:
    if not selectors.can_view_payments(api_caller(request)):
        raise PermissionDenied("无权查看拨付记录。")
    return list(selectors.disbursement_list_for(user=api_caller(request), year=year)[:1000])


@router.post(
    "/disbursements", response={201: DisbursementOut}, summary="登记拨付 / Record a payment"
)
def disbursement_record(request: HttpRequest, payload: DisbursementIn) -> Status:
    app = selectors.approved_application_for_payment(
        user=api_caller(request), pk=payload.application_id
    )
    disbursement = services.disbursement_record(
        actor=api_caller(request),
        application=app,
        paid_on=payload.paid_on,
        bank_reference=payload.bank_reference,
    )
    return Status(201, disbursement)


# --- matching and 免申即享 ---


@router.get("/matching", response=MatchingOut, summary="政策匹配 / Policy matching")
def matching(
    request: HttpRequest, enterprise_id: int | None = Query(None, ge=1, le=MAX_ID)
) -> dict[str, Any]:
    enterprise = selectors.enterprise_for_matching(
        user=api_caller(request), enterprise_id=enterprise_id
    )
    year, rows, notes = enterprise_matching(enterprise=enterprise)
    return {"enterprise_id": enterprise.pk, "year": year, "measures": rows, "notes": notes}


@router.get(
    "/candidates", response=list[CandidateOut], summary="免申即享候选 / No-application candidates"
)
def candidate_list(request: HttpRequest, round_id: int = Query(..., ge=1, le=MAX_ID)) -> Any:
    if not selectors.can_view_candidates(api_caller(request)):
        raise PermissionDenied("无权查看免申即享候选。")
    return [
        {
            "enterprise_id": c.enterprise.pk,
            "enterprise_name": c.enterprise.name,
            "measure": c.measure,
            "title": c.title,
            "amount": c.amount,
            "reasons": c.reasons,
            "account_confirmed": c.confirmation is not None,
            "application_id": c.application.pk if c.application else None,
        }
        for c in candidates(round=selectors.round_get(pk=round_id))
    ]


@router.post(
    "/candidates/propose",
    response={201: ApplicationAmountOut},
    summary="免申即享：进入市级审核 / Propose without application",
)
def candidate_propose(request: HttpRequest, payload: ProposeIn) -> Status:
    if not selectors.can_propose_without_application(api_caller(request)):
        raise PermissionDenied("只有市商务局审核人员可以发起免申即享。")
    enterprise = registry.enterprise_get(pk=payload.enterprise_id)
    app = services.propose_without_application(
        actor=api_caller(request),
        round=selectors.round_get(pk=payload.round_id),
        enterprise=enterprise,
        measure=payload.measure,
    )
    return Status(201, app)
