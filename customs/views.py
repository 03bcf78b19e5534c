"""Customs pages: parse the request, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codes.selectors import code_names
from core.excel import excel_response
from core.forms import attempt
from core.http import AuthedHttpRequest
from core.lists import ListPage
from customs import excel, selectors, services
from customs.filters import DeclarationFilterSet
from customs.forms import MapCodeForm, UploadForm
from customs.models import IngestRun
from customs.stats import customs_stats
from ops.selectors import queued_notice

RUNS = ListPage(template="customs/run_list.html", results_template="customs/_run_results.html")
DECLARATIONS = ListPage(
    filters=DeclarationFilterSet,
    template="customs/declaration_list.html",
    results_template="customs/_declaration_results.html",
    page_size=50,
)
BREACHES = ListPage(
    template="customs/retail_breaches.html",
    results_template="customs/_breach_results.html",
    page_size=50,
)


def _require_view(request: HttpRequest) -> None:
    if not selectors.can_view_customs(request.user):
        raise PermissionDenied(_("无权查看海关数据。"))


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    runs = selectors.run_list_for(user=request.user)[:10]
    user = request.user
    own = getattr(user, "enterprise", None) if getattr(user, "is_enterprise_user", False) else None
    year = timezone.localdate().year
    return render(
        request,
        "customs/index.html",
        {
            "runs": runs,
            "can_upload": selectors.can_upload(user),
            "is_officer": selectors.is_officer(user),
            "own_enterprise_id": own.pk if own is not None else None,
            "trade": selectors.trade_summary_for(user=user, enterprise=own, year=year)
            if own is not None
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_upload(request.user):
        raise PermissionDenied(_("无权上传海关报文。"))
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        channel_allowed=selectors.can_upload_channel(request.user),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = services.ingest_upload(
                    actor=request.user,
                    files=form.cleaned_data["batch"],
                    channel=bool(form.cleaned_data.get("channel")),
                )
            except ValidationError as exc:
                for error in exc.messages:
                    form.add_error("batch", error)
            else:
                messages.success(request, _("已上传，正在后台处理。"))
                return redirect("customs:run_detail", pk=run.pk)
        status = 400
    return render(
        request,
        "customs/upload.html",
        {"form": form, "max_mb": services.max_upload_bytes() // 2**20},
        status=status,
    )


@login_required
@require_GET
def run_list(request: AuthedHttpRequest) -> HttpResponse:
    _require_view(request)
    return RUNS.render(request, lambda _values: selectors.run_list_for(user=request.user))


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get_for(user=request.user, pk=pk)
    return render(request, "customs/run_detail.html", _run_context(request, run))


@login_required
@require_POST
def run_resume(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Ingest a failed run's files again as a new run (``services.ingest_resume``)."""
    run = selectors.run_get_for(user=request.user, pk=pk)
    done = attempt(
        request,
        lambda: services.ingest_resume(actor=request.user, run=run),
        success=_("已重新排队导入本批次文件。"),
    )
    return redirect("customs:run_detail", pk=done.value.pk if done else run.pk)


@login_required
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment polled by htmx every 2 s until the run has finished."""
    run = selectors.run_get_for(user=request.user, pk=pk)
    return render(request, "customs/_run_progress.html", _run_context(request, run))


def _run_context(request: HttpRequest, run: IngestRun) -> dict[str, Any]:
    """The run and, while it waits for a worker past the threshold, the queued notice."""
    return {
        "run": run,
        "queued": queued_notice(status=run.status, created_at=run.created_at, user=request.user),
    }


@login_required
@require_GET
def declaration_list(request: AuthedHttpRequest) -> HttpResponse:
    _require_view(request)
    return DECLARATIONS.render(
        request,
        lambda values: selectors.declaration_list_for(user=request.user, filters=values),
    )


@login_required
@require_GET
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_for(user=request.user, pk=pk)
    names = code_names()
    lines = [
        (line, {"unit": names.unit(line.unit), "currency": names.currency(line.currency),
                "country": names.country(line.country)})
        for line in declaration.month_lines()[:200]
    ]  # fmt: skip
    return render(
        request,
        "customs/declaration_detail.html",
        {
            "declaration": declaration,
            "trade_mode": names.mode(declaration.trade_mode),
            "history": selectors.status_history(declaration),
            "lines": lines,
        },
    )


@login_required
@require_GET
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's released ledger lines as Excel (the six 无票免税 / 核定征收 fields)."""
    enterprise = selectors.enterprise_for_ledger(user=request.user, pk=pk)
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else None
    lines = selectors.ledger_lines_for(user=request.user, enterprise=enterprise, year=year)
    title = f"{enterprise.name} {enterprise.uscc} {year or ''}"
    content = excel.ledger_workbook(lines.iterator(chunk_size=2000), title=title)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return excel_response(content, f"ledger-{enterprise.uscc}-{stamp}.xlsx")


@login_required
@require_GET
def unknown_codes(request: HttpRequest) -> HttpResponse:
    if not selectors.can_map_codes(request.user):
        raise PermissionDenied(_("仅政府部门可以查看。"))
    return render(
        request,
        "customs/unknown_codes.html",
        {"rows": selectors.unknown_codes_for(user=request.user), "form": MapCodeForm()},
    )


@login_required
@require_POST
def map_code(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_map_codes(request.user):
        raise PermissionDenied(_("仅政府部门可以对应海关代码。"))
    from enterprises import selectors as registry

    form = MapCodeForm(request.POST)
    if form.is_valid():
        enterprise = registry.enterprise_by_uscc(form.cleaned_data["uscc"])
        if enterprise is None:
            messages.error(request, _("找不到该统一社会信用代码的企业。"))
        else:
            attempt(
                request,
                lambda: services.customs_code_map(
                    actor=request.user, code=form.cleaned_data["code"], enterprise=enterprise
                ),
                success=_("已对应到 %(n)s。") % {"n": enterprise.name},
            )
    else:
        messages.error(request, _("请填写企业统一社会信用代码。"))
    return redirect("customs:unknown_codes")


@login_required
@require_GET
def retail_breaches(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.is_officer(request.user):
        raise PermissionDenied(_("仅政府部门可以查看。"))
    return BREACHES.render(
        request, lambda _values: selectors.retail_breaches_for(user=request.user)
    )


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view_stats(request.user):
        raise PermissionDenied(_("仅政府部门可以查看。"))
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() and 1900 < int(year_raw) < 3000 else None
    year = year or timezone.localdate().year
    county = selectors.stats_county_for(request.user, request.GET.get("county", ""))
    data = customs_stats(year=year, county=county)
    return render(request, "customs/stats.html", {"data": data, "county": county or ""})
