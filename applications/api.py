"""Applications API (/api/v1/applications): rounds, applications, evidence, transitions,
notifications.

Same permissions as the pages (selectors scope every read, services and the workflow check every
write). Amounts are decimal strings. Submitting takes an ``Idempotency-Key`` header: the same
key (per enterprise) always answers with the same application.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from accounts.auth import api_caller
from applications import selectors, services
from applications.filters import ApplicationFilterSet
from applications.measures import fields_for, measures_open_for
from applications.models import Application, Notification
from applications.views import evidence_response
from applications.workflow import allowed_transitions, transition
from core.lists import API_MAX_LIMIT

router = Router(tags=["applications"])


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


class RoundOut(Schema):
    id: int
    year: int
    name: str
    guide_year: str
    guide_hash: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    budget_total: str
    budget_mode: str
    accepting: bool
    reason: str


class MeasureOut(Schema):
    id: str
    article: str
    title: str
    kind: str
    one_off: bool
    needs_cost: bool
    needs_matter: bool
    needs_in_plan: bool
    needs_cost_date: bool
    needs_industry_belt: bool


class EvidenceOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class ApplicationEventOut(Schema):
    from_status: str
    to_status: str
    comment: str
    at: dt.datetime


class FlagOut(Schema):
    id: int
    year: int
    measure: str
    status: str
    county: str
    enterprise: str
    visible: bool


class EdgeOut(Schema):
    to: str
    label: str
    comment_required: bool
    confirmation: str = ""


class ApplicationOut(Schema):
    id: int
    round_id: int
    enterprise_id: int
    enterprise_name: str
    county: str | None
    measure: str
    matter: str
    cost: str | None
    cost_date: dt.date | None
    attributes: dict[str, Any]
    other_public_money: str
    other_public_money_note: str
    status: str
    status_label: str
    origin: str
    submitted_at: dt.datetime | None
    amount_proposed: str | None
    amount_approved: str | None
    amount_paid: str | None
    explanation: list[dict[str, Any]]
    created_at: dt.datetime


class ApplicationDetailOut(ApplicationOut):
    evidence: list[EvidenceOut]
    events: list[ApplicationEventOut]
    matter_flags: list[FlagOut]
    transitions: list[EdgeOut]


class ApplicationPage(Schema):
    count: int
    items: list[ApplicationOut]


class ApplicationIn(Schema):
    round_id: int
    measure: str
    matter: str = Field("", max_length=100, description="发票号或合同号 / invoice or contract no.")
    cost: str | None = Field(None, description="申报费用，十进制字符串 / cost, decimal string")
    cost_date: dt.date | None = Field(
        None,
        description="费用发生日期（费用类事项必填，须在指南考核期内）/ the day the cost arose "
        "(YYYY-MM-DD; required for cost shares, within the guide's period)",
    )
    attributes: dict[str, Any] = Field(
        default_factory=dict,
        description='{"in_plan": bool (a5.exhibition), "industry_belt": int (a4.industry_belt: '
        'id of a belt of the enterprise\'s county), "note": str}',
    )
    other_public_money: str | None = Field(None, description="同一事项已获其他财政资金")
    other_public_money_note: str = Field("", max_length=300)


class ApplicationUpdateIn(Schema):
    matter: str = Field("", max_length=100)
    cost: str | None = None
    cost_date: dt.date | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    other_public_money: str | None = None
    other_public_money_note: str = Field("", max_length=300)


class TransitionIn(Schema):
    to: str
    comment: str = Field("", max_length=2000)


class NotificationOut(Schema):
    id: int
    application_id: int | None
    message: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class ReadIn(Schema):
    ids: list[Annotated[int, Field(ge=1)]] | None = Field(None, max_length=1000)


if TYPE_CHECKING:
    ApplicationFilters = Schema
else:  # status, q, round_id: the list page's filters (applications.filters)
    ApplicationFilters = ApplicationFilterSet.schema()


class ListQuery(ApplicationFilters):
    limit: int = Field(50, ge=1, le=API_MAX_LIMIT)
    offset: int = Field(0, ge=0, le=2**63 - 1)


def _out(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "round_id": app.round_id,
        "enterprise_id": app.enterprise_id,
        "enterprise_name": app.enterprise.name,
        "county": app.county.code if app.county_id and app.county else None,
        "measure": app.measure,
        "matter": app.matter,
        "cost": _money(app.cost),
        "cost_date": app.cost_date,
        "attributes": app.attributes,
        "other_public_money": _money(app.other_public_money),
        "other_public_money_note": app.other_public_money_note,
        "status": app.status,
        "status_label": str(app.get_status_display()),
        "origin": app.origin,
        "submitted_at": app.submitted_at,
        "amount_proposed": _money(app.amount_proposed),
        "amount_approved": _money(app.amount_approved),
        "amount_paid": _money(app.amount_paid),
        "explanation": app.explanation,
        "created_at": app.created_at,
    }


def _detail(request: HttpRequest, app: Application) -> dict[str, Any]:
    user = api_caller(request)
    return {
        **_out(app),
        "evidence": list(app.evidence.all()),
        "events": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "comment": e.comment,
                "at": e.at,
            }
            for e in app.events.all()
        ],
        "matter_flags": [
            {
                "id": f.pk,
                "year": f.year,
                "measure": f.measure,
                "status": f.status,
                "county": f.county,
                "enterprise": f.enterprise,
                "visible": f.visible,
            }
            for f in selectors.matter_flags_for(user=user, application=app)
        ],
        "transitions": [
            {
                "to": e.to,
                "label": e.label,
                "comment_required": e.comment_required,
                "confirmation": e.confirmation,
            }
            for e in allowed_transitions(actor=user, application=app)
        ],
    }


def _fresh(request: HttpRequest, pk: int) -> Application:
    return selectors.application_get_for(user=api_caller(request), pk=pk)


# ---------------------------------------------------------------- rounds


@router.get("/rounds", response=list[RoundOut], summary="申报批次 / application rounds")
def rounds(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": s.round.pk,
            "year": s.round.year,
            "name": s.round.name,
            "guide_year": s.round.guide_year,
            "guide_hash": s.round.guide_hash,
            "opens_on": s.round.opens_on,
            "closes_on": s.round.closes_on,
            "status": s.round.status,
            "budget_total": _money(s.round.budget_total),
            "budget_mode": s.round.budget_mode,
            "accepting": s.accepting,
            "reason": s.reason,
        }
        for s in selectors.round_states_for(user=api_caller(request))
    ]


@router.get(
    "/rounds/{round_id}/measures",
    response=list[MeasureOut],
    summary="本批次可申报事项 / measures the enterprise may apply for",
)
def round_measures(request: HttpRequest, round_id: int) -> list[dict[str, Any]]:
    user = api_caller(request)
    if not selectors.is_enterprise_user(user) or user.enterprise is None:
        raise PermissionDenied("只有企业用户可以申报 / enterprise users only")
    rnd = selectors.round_get_for(user=user, pk=round_id)
    out = []
    for m in measures_open_for(rnd=rnd, enterprise_kind=user.enterprise.kind):
        need = fields_for(m)
        out.append(
            {
                "id": m.id,
                "article": m.article,
                "title": m.title_zh,
                "kind": m.kind.value,
                "one_off": m.one_off,
                "needs_cost": need.cost,
                "needs_matter": need.matter_required,
                "needs_in_plan": need.in_plan,
                "needs_cost_date": need.dated,
                "needs_industry_belt": need.belt,
            }
        )
    return out


# ---------------------------------------------------------------- applications


@router.get("", response=ApplicationPage, summary="申报列表 / applications (scoped)")
def application_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    filters = query.dict(include={"status", "q", "round_id"})
    qs = selectors.application_list_for(user=api_caller(request), filters=filters)
    items = [_out(a) for a in qs[query.offset : query.offset + query.limit]]
    return {"count": qs.count(), "items": items}


def _round_for(request: HttpRequest, round_id: int) -> Any:
    return selectors.round_get_for(user=api_caller(request), pk=round_id)


def _fields(payload: ApplicationIn | ApplicationUpdateIn) -> dict[str, Any]:
    return {
        "matter": payload.matter,
        "cost": payload.cost,
        "cost_date": payload.cost_date,
        "attributes": payload.attributes,
        "other_public_money": payload.other_public_money,
        "other_public_money_note": payload.other_public_money_note,
    }


@router.post(
    "",
    response={200: ApplicationOut, 201: ApplicationOut},
    summary="新建草稿 / create a draft (optional Idempotency-Key)",
)
def application_create(
    request: HttpRequest,
    payload: ApplicationIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status:
    app, created = services.application_save_draft(
        actor=api_caller(request),
        round=_round_for(request, payload.round_id),
        idempotency_key=idempotency_key,
        measure=payload.measure,
        **_fields(payload),
    )
    return Status(201 if created else 200, _out(_fresh(request, app.pk)))


@router.post(
    "/submit",
    response={200: ApplicationOut, 201: ApplicationOut},
    summary="新建并提交 / create and submit in one request (Idempotency-Key required)",
)
def application_create_and_submit(
    request: HttpRequest,
    payload: ApplicationIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status:
    app, created = services.application_create_and_submit(
        actor=api_caller(request),
        round=_round_for(request, payload.round_id),
        round_read_now=True,
        idempotency_key=idempotency_key,
        measure=payload.measure,
        **_fields(payload),
    )
    # the service's instance is the row as stored (and the caller's own): no re-read
    return Status(201 if created else 200, _out(app))


@router.get("/notifications", response=list[NotificationOut], summary="站内消息 / notifications")
def notification_list(request: HttpRequest, unread: bool = False) -> list[Notification]:
    qs = selectors.notification_list_for(user=api_caller(request), unread_only=unread)
    return list(qs[:200])


@router.post("/notifications/read", summary="标为已读 / mark notifications read")
def notification_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    n = services.notifications_mark_read(actor=api_caller(request), ids=payload.ids)
    return {"marked": n}


@router.get(
    "/evidence/{evidence_id}",
    response={200: None},
    summary="下载证明材料 / download an evidence file (attachment)",
)
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = selectors.evidence_get_for(user=api_caller(request), pk=evidence_id)
    return evidence_response(evidence)


@router.get("/{application_id}", response=ApplicationDetailOut, summary="申报详情 / detail")
def application_detail(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return _detail(request, _fresh(request, application_id))


@router.patch("/{application_id}", response=ApplicationOut, summary="修改草稿 / change a draft")
def application_update(
    request: HttpRequest, application_id: int, payload: ApplicationUpdateIn
) -> dict[str, Any]:
    app = _fresh(request, application_id)
    services.application_save_draft(
        actor=api_caller(request),
        application=app,
        measure=app.measure,
        **_fields(payload),
    )
    return _out(_fresh(request, app.pk))


@router.post(
    "/{application_id}/submit",
    response=ApplicationOut,
    summary="提交草稿或重新提交 / submit (a retry answers with the same application)",
)
def application_submit(request: HttpRequest, application_id: int) -> dict[str, Any]:
    app = _fresh(request, application_id)
    services.application_submit(actor=api_caller(request), application=app)
    return _out(_fresh(request, app.pk))


@router.post(
    "/{application_id}/evidence",
    response={201: EvidenceOut},
    summary="上传证明材料 / upload evidence (PDF, JPEG, PNG; ≤ 20 MB)",
)
def evidence_upload(request: HttpRequest, application_id: int, file: File[UploadedFile]) -> Status:
    app = _fresh(request, application_id)
    evidence = services.evidence_add(actor=api_caller(request), application=app, upload=file)
    return Status(201, evidence)


@router.post(
    "/{application_id}/transition",
    response=ApplicationOut,
    summary="办理 / change status (review edges; see docs/applications.md)",
)
def application_transition(
    request: HttpRequest, application_id: int, payload: TransitionIn
) -> dict[str, Any]:
    user = api_caller(request)
    app = _fresh(request, application_id)
    allowed = {e.to for e in allowed_transitions(actor=user, application=app)}
    if payload.to not in allowed:
        raise PermissionDenied("不能对该申报执行此操作 / transition not allowed")
    if payload.to == "submitted":
        services.application_submit(actor=user, application=app)
    else:
        transition(actor=user, application=app, to=payload.to, comment=payload.comment)
    return _out(_fresh(request, app.pk))
