"""Pages of the funds app: proposal runs, notices and objections, payments, matching, 免申即享.

Views parse, call a selector or service, and render; permissions live in ``funds.selectors``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.excel import excel_response
from core.forms import attempt, submit
from core.http import AuthedHttpRequest
from core.lists import ListPage
from core.request_context import client_ip_from_request
from funds import documents, selectors, services
from funds.forms import (
    BankConfirmForm,
    NoticeForm,
    ObjectionForm,
    ObjectionLookupForm,
    PaymentForm,
    ResolveForm,
)
from funds.models import ObjectionStatus
from funds.services.matching import candidates, enterprise_matching
from funds.services.notices import approval_refusal, is_open_for_objections
from ops.selectors import queued_notice


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您无权访问此页面。"))


# --- proposal runs ---


@login_required
def rounds(request: AuthedHttpRequest) -> HttpResponse:
    _require(selectors.can_view_runs(request.user))
    rows = []
    for rnd in selectors.round_list():
        rows.append(
            {
                "round": rnd,
                **selectors.round_pipeline(rnd),
                "approved_total": selectors.round_approved_total(rnd.pk),
                "runs": selectors.run_list_for(user=request.user, round_id=rnd.pk)[:5],
                "notices": selectors.notice_list_for_reviewer(user=request.user, round_id=rnd.pk),
            }
        )
    return render(
        request,
        "funds/rounds.html",
        {"rows": rows, "can_run": selectors.can_run_proposals(request.user)},
    )


@login_required
@require_POST
def run_start(request: AuthedHttpRequest, round_pk: int) -> HttpResponse:
    _require(selectors.can_run_proposals(request.user))
    rnd = selectors.round_get(pk=round_pk)
    done = attempt(
        request,
        lambda: services.proposal_run_start(actor=request.user, round=rnd),
        success=_("测算已开始，完成后可查看结果。"),
    )
    if done is None:
        return redirect("funds:rounds")
    return redirect("funds:run_detail", pk=done.value.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get_for(user=request.user, pk=pk)
    return render(
        request,
        "funds/run_detail.html",
        {
            "run": run,
            "queued": queued_notice(
                status=run.status, created_at=run.created_at, user=request.user
            ),
            "rows": selectors.run_rows(run),
            "can_accept": selectors.can_run_proposals(request.user) and run.status == "done",
        },
    )


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get_for(user=request.user, pk=pk)
    queued = queued_notice(status=run.status, created_at=run.created_at, user=request.user)
    response = render(request, "funds/_run_progress.html", {"run": run, "queued": queued})
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the result table
    return response


@login_required
@require_POST
def run_accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get_for(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.proposal_run_accept(actor=request.user, run=run),
        success=_("已采纳测算结果：符合条件的申报已列入拟支持。"),
    )
    return redirect("funds:run_detail", pk=pk)


# --- notices (reviewer) ---


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: AuthedHttpRequest, round_pk: int) -> HttpResponse:
    _require(selectors.can_manage_notices(request.user))
    rnd = selectors.round_get(pk=round_pk)
    apps = list(selectors.proposed_for_notice(user=request.user, round=rnd))
    default = _("%(name)s 拟支持项目公示") % {"name": rnd.name}
    form = NoticeForm(request.POST or None, initial={"title": default})
    ids = [int(x) for x in request.POST.getlist("application") if x.isdigit()]
    if done := submit(
        request,
        form,
        lambda data: services.notice_publish(
            actor=request.user, round=rnd, title=data["title"], application_ids=ids or None
        ),
    ):
        messages.success(request, _("公示已发布。"))
        return redirect("funds:notice_review", pk=done.value.pk)
    return render(request, "funds/notice_new.html", {"round": rnd, "apps": apps, "form": form})


@login_required
def notice_review(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for_reviewer(user=request.user, pk=pk)
    objections = selectors.objection_list_for(user=request.user, notice=notice)
    return render(
        request,
        "funds/notice_review.html",
        {
            "notice": notice,
            "objections": objections,
            "open_objections": objections.filter(status=ObjectionStatus.OPEN).count(),
            # the approve button comes from the service's own rule (None: it may be pressed)
            "approval_refusal": approval_refusal(notice, today=timezone.localdate()),
            "can_manage": selectors.can_manage_notices(request.user),
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_POST
def objection_resolve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get_for(user=request.user, pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写处理意见。"))
    else:
        attempt(
            request,
            lambda: services.objection_resolve(
                actor=request.user,
                objection=objection,
                resolution=form.cleaned_data["resolution"],
            ),
            success=_("异议已处理。"),
        )
    return redirect("funds:notice_review", pk=objection.notice_id)


@login_required
@require_POST
def notice_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for_reviewer(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.notice_approve(actor=request.user, notice=notice),
        success=_("已批准公示中的全部项目。"),
    )
    return redirect("funds:notice_review", pk=pk)


# --- notices (public) ---


def notices(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = list(selectors.notice_public_qs())
    return render(
        request,
        "funds/notices.html",
        {
            "current": [n for n in items if is_open_for_objections(n, today)],
            "past": [n for n in items if not is_open_for_objections(n, today)],
            "can_review": selectors.can_view_objections(request.user),
        },
    )


def _notice_state(notice: Any) -> None:
    """Attach the review state a reviewer's list shows: in period, awaiting approval, approved."""
    today = timezone.localdate()
    if notice.status != "open":
        notice.review_state, notice.review_style = _("已批准"), "ok"
    elif is_open_for_objections(notice, today):
        notice.review_state, notice.review_style = _("公示中"), ""
    else:
        notice.review_state, notice.review_style = _("公示期满，待批准"), "warn"


def _prepare_notices(rows: list[Any]) -> None:
    for notice in rows:
        _notice_state(notice)


NOTICES_REVIEW = ListPage(
    template="funds/notice_manage.html",
    results_template="funds/_notice_manage_results.html",
    prepare_rows=_prepare_notices,
)


@login_required
def notice_manage(request: AuthedHttpRequest) -> HttpResponse:
    """The city level's notices: period, objections to handle, approval (公示审核)."""
    _require(selectors.can_view_objections(request.user))
    return NOTICES_REVIEW.render(
        request, lambda _values: selectors.notice_list_for_reviewer(user=request.user)
    )


@require_http_methods(["GET", "POST"])
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_public(pk=pk)
    entries = list(notice.entries.all())
    is_open = is_open_for_objections(notice, timezone.localdate())
    form = ObjectionForm(request.POST or None, entries=entries)
    filed = None
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("该公示不在公示期内，不能提出异议。"))
        elif done := submit(
            request,
            form,
            lambda data: services.objection_file(
                notice=notice,
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                text=data["text"],
                entry_id=data["entry"],
                client_ip=client_ip_from_request(request),
            ),
        ):
            filed = done.value
            form = ObjectionForm(entries=entries)
    # The objector's look-up by reference and contact (a GET form on this page).
    lookup_form = ObjectionLookupForm(request.GET if "ref" in request.GET else None)
    looked_up = None
    if lookup_form.is_bound and lookup_form.is_valid():
        looked_up = selectors.objection_lookup(
            notice=notice,
            reference=lookup_form.cleaned_data["ref"],
            contact=lookup_form.cleaned_data["contact"],
        )
    return render(
        request,
        "funds/notice_detail.html",
        {
            "notice": notice,
            "entries": entries,
            "is_open": is_open,
            "form": form,
            "filed": filed,
            "lookup_form": lookup_form,
            "looked_up": looked_up,
            "total": sum(e.amount for e in entries),
            "can_review": selectors.can_view_objections(request.user),
        },
        status=400 if request.method == "POST" and not filed and is_open else 200,
    )


def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_public(pk=pk)
    response = HttpResponse(documents.notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}.pdf"'
    return response


# --- payments ---


@login_required
def payments(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_view_payments(request.user))
    return render(
        request,
        "funds/payments.html",
        {
            "unpaid": selectors.approved_unpaid_for(user=request.user),
            "paid": selectors.disbursement_list_for(user=request.user)[:200],
            "can_record": selectors.can_record_payments(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def payment_record(request: AuthedHttpRequest, application_pk: int) -> HttpResponse:
    app = selectors.approved_application_for_payment(user=request.user, pk=application_pk)
    form = PaymentForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if submit(
        request,
        form,
        lambda data: services.disbursement_record(
            actor=request.user,
            application=app,
            paid_on=data["paid_on"],
            bank_reference=data["bank_reference"],
        ),
    ):
        messages.success(request, _("拨付已登记。"))
        return redirect("funds:payments")
    return render(request, "funds/payment_record.html", {"application": app, "form": form})


@login_required
def payments_export(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_view_payments(request.user))
    data = documents.payments_workbook(selectors.disbursement_list_for(user=request.user))
    return excel_response(data, "disbursements.xlsx")


# --- matching and 免申即享 ---


@login_required
def matching(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("enterprise")
    enterprise = selectors.enterprise_for_matching(
        user=request.user, enterprise_id=int(raw) if raw and raw.isdigit() else None
    )
    year, rows, notes = enterprise_matching(enterprise=enterprise)
    return render(
        request,
        "funds/matching.html",
        {
            "enterprise": enterprise,
            "year": year,
            "rows": rows,
            "notes": notes,
            "confirmation": selectors.bank_confirmation_of(enterprise.pk),
            "is_own": getattr(request.user, "enterprise_id", None) == enterprise.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bank_confirm(request: AuthedHttpRequest) -> HttpResponse:
    enterprise = selectors.enterprise_for_matching(user=request.user, enterprise_id=None)
    if request.user.enterprise_id != enterprise.pk:
        raise Http404
    form = BankConfirmForm(request.POST or None, initial={"account_name": enterprise.name})
    if submit(
        request,
        form,
        lambda data: services.bank_account_confirm(
            actor=request.user, enterprise=enterprise, **data
        ),
    ):
        messages.success(request, _("收款账户与协议已确认。"))
        return redirect("funds:matching")
    return render(
        request,
        "funds/bank_confirm.html",
        {
            "form": form,
            "enterprise": enterprise,
            "confirmation": selectors.bank_confirmation_of(enterprise.pk),
        },
    )


@login_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_view_candidates(request.user))
    rounds_ = list(selectors.round_list())
    raw = request.GET.get("round")
    rnd = next((r for r in rounds_ if raw and str(r.pk) == raw), rounds_[0] if rounds_ else None)
    found: list[Any] = candidates(round=rnd) if rnd else []
    return render(
        request,
        "funds/candidates.html",
        {
            "rounds": rounds_,
            "round": rnd,
            "candidates": found,
            "can_propose": selectors.can_propose_without_application(request.user),
        },
    )


@login_required
@require_POST
def candidate_propose(request: AuthedHttpRequest, round_pk: int) -> HttpResponse:
    _require(selectors.can_propose_without_application(request.user))
    from enterprises import selectors as registry

    rnd = selectors.round_get(pk=round_pk)
    try:
        enterprise = registry.enterprise_get(pk=int(request.POST.get("enterprise", "0") or 0))
    except ValueError:
        raise Http404 from None
    if done := attempt(
        request,
        lambda: services.propose_without_application(
            actor=request.user,
            round=rnd,
            enterprise=enterprise,
            measure=request.POST.get("measure", ""),
        ),
    ):
        messages.success(
            request, _("已发起免申即享，申报 #%(pk)s 进入市级审核。") % {"pk": done.value.pk}
        )
    return redirect(f"{reverse('funds:candidates')}?round={rnd.pk}")
