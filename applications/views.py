"""Applications pages: parse the request, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import duplicate_selectors, selectors, services
from applications.filters import ApplicationFilterSet
from applications.forms import (
    ApplicationForm,
    EvidenceUploadForm,
    RoundCreateForm,
    RoundDatesForm,
    TransitionForm,
)
from applications.measures import (
    BENEFICIARY_LABELS,
    KIND_LABELS,
    fields_for,
    measure_title,
    measures_open_for,
)
from applications.models import Application, ApplicationStatus, Round
from applications.workflow import allowed_transitions
from core.forms import attempt, form_status, submit
from core.http import AuthedHttpRequest
from core.lists import ListPage
from entitlement.measures import catalogue

S = ApplicationStatus


def _flags(rows: list[Application]) -> dict[str, Any]:
    """The duplicate flags of a page of applications (same invoice number, same evidence)."""
    return {
        "flags": selectors.matter_flag_counts(applications=rows),
        "evidence_flags": duplicate_selectors.evidence_flag_counts(applications=rows),
    }


MINE = ListPage(
    template="applications/mine.html", results_template="applications/_mine_results.html"
)
INBOX = ListPage(
    template="applications/inbox.html",
    results_template="applications/_app_results.html",
    page_size=100,
    row_context=_flags,
)
ALL = ListPage(
    filters=ApplicationFilterSet,
    template="applications/list.html",
    results_template="applications/_app_results.html",
    page_size=50,
    row_context=_flags,
)
NOTIFICATIONS = ListPage(
    template="applications/notifications.html",
    results_template="applications/_notification_results.html",
    page_size=50,
)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if selectors.is_enterprise_user(user):
        return redirect("applications:mine")
    if user.role in {"county_officer", "city_reviewer"}:
        return redirect("applications:inbox")
    return redirect("applications:list")


# ---------------------------------------------------------------- rounds


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    states = selectors.round_states_for(user=user)
    return render(
        request,
        "applications/round_list.html",
        {
            "states": states,
            "can_manage": services.can_manage_rounds(user),
            "is_enterprise": selectors.is_enterprise_user(user),
            "any_accepting": any(s.accepting for s in states),
            "next_round": selectors.next_opening(),
            "create_form": RoundCreateForm() if services.can_manage_rounds(user) else None,
        },
    )


@login_required
@require_POST
def round_create(request: AuthedHttpRequest) -> HttpResponse:
    if not services.can_manage_rounds(request.user):
        raise PermissionDenied(_("只有市商务局审核人员可以管理申报批次。"))
    form = RoundCreateForm(request.POST)
    if done := submit(
        request,
        form,
        lambda data: services.round_create_from_guide(
            actor=request.user, year=data["year"], name=data["name"]
        ),
    ):
        messages.success(request, _("已按申报指南创建批次，请核对日期后开放申报。"))
        return redirect("applications:round_edit", pk=done.value.pk)
    states = selectors.round_states_for(user=request.user)
    return render(
        request,
        "applications/round_list.html",
        {"states": states, "can_manage": True, "create_form": form},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    if not services.can_manage_rounds(request.user):
        raise PermissionDenied(_("只有市商务局审核人员可以管理申报批次。"))
    rnd = selectors.round_get_for(user=request.user, pk=pk)
    initial = {"name": rnd.name, "opens_on": rnd.opens_on, "closes_on": rnd.closes_on}
    form = RoundDatesForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.round_update(actor=request.user, round=rnd, **data),
    ):
        messages.success(request, _("批次日期已保存。"))
        return redirect("applications:round_edit", pk=rnd.pk)
    return render(
        request,
        "applications/round_edit.html",
        {
            "round": rnd,
            "form": form,
            "state": selectors.round_state(rnd),
            "counts": _round_counts(rnd),
            # the open button comes from the service's own rule (None: it may be pressed)
            "open_refusal": services.round_open_refusal(rnd),
        },
        status=form_status(request),
    )


def _round_counts(rnd: Round) -> list[tuple[str, int]]:
    from django.db.models import Count

    rows = dict(
        rnd.applications.exclude(status=S.DRAFT)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(str(label), rows[value]) for value, label in S.choices if value in rows]


@login_required
@require_POST
def round_set_status(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    if not services.can_manage_rounds(request.user):
        raise PermissionDenied(_("只有市商务局审核人员可以管理申报批次。"))
    rnd = selectors.round_get_for(user=request.user, pk=pk)
    service = {"open": services.round_open, "close": services.round_close}.get(action)
    if service is None:
        raise Http404("no such action")
    attempt(
        request,
        lambda: service(actor=request.user, round=rnd),
        success=_("已开放申报。") if action == "open" else _("已截止申报。"),
    )
    return redirect("applications:round_edit", pk=rnd.pk)


# ---------------------------------------------------------------- applying


def _require_enterprise(request: HttpRequest) -> Any:
    if not selectors.is_enterprise_user(request.user):
        raise PermissionDenied(_("只有企业用户可以申报。"))
    return request.user


@login_required
@require_GET
def round_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_enterprise(request)
    rnd = selectors.round_get_for(user=user, pk=pk)
    state = selectors.round_state(rnd)
    measures = (
        measures_open_for(rnd=rnd, enterprise_kind=user.enterprise.kind) if state.accepting else []
    )
    return render(
        request,
        "applications/round_apply.html",
        {
            "round": rnd,
            "state": state,
            "next_round": None if state.accepting else selectors.next_opening(),
            "measures": [
                {
                    "m": m,
                    "kind": KIND_LABELS[m.kind],
                    "beneficiary": BENEFICIARY_LABELS[m.beneficiary],
                }
                for m in measures
            ],
        },
    )


def _store_files(request: AuthedHttpRequest, app: Application, files: list[Any]) -> list[str]:
    """Add each file; the refusals (one message per refused file)."""
    errors: list[str] = []
    for upload in files:
        try:
            services.evidence_add(actor=request.user, application=app, upload=upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: AuthedHttpRequest, pk: int, measure: str) -> HttpResponse:
    user = _require_enterprise(request)
    rnd = selectors.round_get_for(user=user, pk=pk)
    state = selectors.round_state(rnd)
    allowed = {m.id: m for m in measures_open_for(rnd=rnd, enterprise_kind=user.enterprise.kind)}
    m = allowed.get(measure)
    if m is None or not state.accepting:
        messages.error(request, state.reason if not state.accepting else _("该事项不适用。"))
        return redirect("applications:round_apply", pk=rnd.pk)
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        need=fields_for(m),
        belts=selectors.belt_choices(user.enterprise.county_id),
    )
    if done := submit(
        request,
        form,
        lambda data: services.application_save_draft(
            actor=user,
            round=rnd,
            idempotency_key=data["idempotency_key"] or "",
            measure=m.id,
            **form.service_fields(),
        ),
    ):
        app, created = done.value
        if not created:  # a double click or a retry: the first request did the work
            messages.info(request, _("该申报已保存，未重复创建。"))
            return redirect("applications:detail", pk=app.pk)
        file_errors = _store_files(request, app, form.cleaned_data["evidence_files"])
        for e in file_errors:
            messages.error(request, e)
        if request.POST.get("action") == "submit" and not file_errors:
            return _submit_and_redirect(request, app)
        messages.success(request, _("草稿已保存。"))
        return redirect("applications:edit", pk=app.pk)
    return render(
        request,
        "applications/application_form.html",
        {"round": rnd, "measure": m, "form": form, "application": None},
        status=form_status(request),
    )


def _submit_and_redirect(request: AuthedHttpRequest, app: Application) -> HttpResponse:
    if attempt(
        request,
        lambda: services.application_submit(actor=request.user, application=app),
        success=_("申报已提交，等待县区审核。"),
    ):
        return redirect("applications:detail", pk=app.pk)
    return redirect("applications:edit", pk=app.pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = _require_enterprise(request)
    app = selectors.application_get_for(user=user, pk=pk)
    if app.status not in services.EDITABLE_STATUSES:
        return redirect("applications:detail", pk=app.pk)
    m = catalogue().get(app.measure)
    if m is None:
        raise Http404("unknown measure")
    initial = {
        "matter": app.matter,
        "cost": app.cost,
        "cost_date": app.cost_date,
        "in_plan": {True: "yes", False: "no"}.get(app.attributes.get("in_plan"), ""),
        "note": app.attributes.get("note", ""),
        "industry_belt": app.attributes.get("industry_belt", ""),
        "other_public_money": app.other_public_money,
        "other_public_money_note": app.other_public_money_note,
    }
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        need=fields_for(m),
        initial=initial,
        belts=selectors.belt_choices(app.enterprise.county_id),
    )
    if submit(
        request,
        form,
        lambda _data: services.application_save_draft(
            actor=user, application=app, measure=app.measure, **form.service_fields()
        ),
    ):
        file_errors = _store_files(request, app, form.cleaned_data["evidence_files"])
        for e in file_errors:
            messages.error(request, e)
        if request.POST.get("action") == "submit" and not file_errors:
            return _submit_and_redirect(request, app)
        messages.success(request, _("已保存。"))
        return redirect("applications:edit", pk=app.pk)
    return render(
        request,
        "applications/application_form.html",
        {
            "round": app.round,
            "measure": m,
            "form": form,
            "application": app,
            "evidence": app.evidence.all(),
            "events": app.events.select_related("actor"),
        },
        status=form_status(request),
    )


# ---------------------------------------------------------------- lists and detail


@login_required
@require_GET
def mine(request: AuthedHttpRequest) -> HttpResponse:
    user = _require_enterprise(request)
    return MINE.render(
        request,
        lambda _values: selectors.application_list_for(user=user),
        {
            "accepting": selectors.accepting_rounds(),
            "next_round": selectors.next_opening(),
            "unread": selectors.notification_list_for(user=user, unread_only=True).count(),
        },
    )


@login_required
@require_GET
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in {"county_officer", "city_reviewer"}:
        raise PermissionDenied(_("只有县区和市级审核人员有待审列表。"))
    return INBOX.render(request, lambda _values: selectors.inbox_for(user=user))


@login_required
@require_GET
def application_list(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.is_reviewer(request.user):
        raise PermissionDenied(_("无权查看申报列表。"))
    return ALL.render(
        request,
        lambda values: selectors.application_list_for(user=request.user, filters=values),
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get_for(user=request.user, pk=pk)
    edges = allowed_transitions(actor=request.user, application=app)
    return render(
        request,
        "applications/detail.html",
        {
            "app": app,
            "measure_title": measure_title(app.measure),
            "belt_name": selectors.belt_name(app),
            "events": app.events.select_related("actor"),
            "evidence": app.evidence.all(),
            "flags": selectors.matter_flags_for(user=request.user, application=app),
            "evidence_duplicates": duplicate_selectors.evidence_duplicates_for(
                user=request.user, application=app
            ),
            "can_decide_duplicates": duplicate_selectors.can_decide(request.user),
            "is_reviewer": selectors.is_reviewer(request.user),
            "edges": edges,
            "needs_comment": any(e.comment_required for e in edges),
            "transition_form": TransitionForm(),
            "can_edit": selectors.is_enterprise_user(request.user)
            and app.status in services.EDITABLE_STATUSES,
        },
    )


@login_required
@require_POST
def application_transition(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get_for(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("无效的操作。"))
        return redirect("applications:detail", pk=app.pk)
    to = form.cleaned_data["to"]
    allowed = {e.to for e in allowed_transitions(actor=request.user, application=app)}
    if to not in allowed:
        raise PermissionDenied(_("您不能对该申报执行此操作。"))
    if to == S.SUBMITTED:
        return _submit_and_redirect(request, app)
    from applications.workflow import transition

    attempt(
        request,
        lambda: transition(
            actor=request.user, application=app, to=to, comment=form.cleaned_data["comment"]
        ),
        success=_("已办理：%(status)s。") % {"status": S(to).label},
    )
    return redirect("applications:detail", pk=app.pk)


# ---------------------------------------------------------------- evidence


@login_required
@require_POST
def evidence_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = _require_enterprise(request)
    app = selectors.application_get_for(user=user, pk=pk)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        errors = _store_files(request, app, form.cleaned_data["evidence_files"])
        for e in errors:
            messages.error(request, e)
        if not errors:
            messages.success(request, _("材料已上传。"))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("applications:edit", pk=app.pk)


@login_required
@require_POST
def evidence_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = _require_enterprise(request)
    evidence = selectors.evidence_get_for(user=user, pk=pk)
    attempt(
        request,
        lambda: services.evidence_remove(actor=user, evidence=evidence),
        success=_("材料已删除。"),
    )
    return redirect("applications:edit", pk=evidence.application_id)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = selectors.evidence_get_for(user=request.user, pk=pk)
    return evidence_response(evidence)


def evidence_response(evidence: Any) -> FileResponse:
    """The file as an attachment with its sniffed type, never rendered inline."""
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- notifications


@login_required
@require_GET
def notifications(request: AuthedHttpRequest) -> HttpResponse:
    return NOTIFICATIONS.render(
        request, lambda _values: selectors.notification_list_for(user=request.user)
    )


@login_required
@require_POST
def notifications_read(request: AuthedHttpRequest) -> HttpResponse:
    services.notifications_mark_read(actor=request.user)
    return redirect(reverse("applications:notifications"))
