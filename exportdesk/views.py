"""Export desk pages (出口服务): the enterprise's FX netting (costs, proceeds, statements with
Excel and PDF) and tax helpers (checklist, return deadlines, 9810 sale confirmations); the
officers' guidance page and the statements counted by county. Views parse, call a selector or a
service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.excel import excel_response
from core.forms import form_status, submit
from core.http import AuthedHttpRequest
from core.lists import paginate
from exportdesk import documents, selectors, services, tax
from exportdesk.forms import (
    AuthorisationForm,
    CostForm,
    InvoiceForm,
    ProceedsForm,
    ReturnForm,
    SaleForm,
    StatementForm,
)
from exportdesk.models import CostKind
from exportdesk.rules import rules

# the labels of the menu entries core/navigation.py shows enterprises and officers (their
# translations live in this app's catalogue)
MAX_FLAGGED = 10_000  # recorded returns judged for the "late returns only" filter
MENU_LABELS = (gettext_lazy("出口服务"), gettext_lazy("出口服务指引"), gettext_lazy("报送记录"))


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def _enterprise_only(request: AuthedHttpRequest) -> None:
    _require(selectors.can_use_desk(request.user), _("只有企业用户可以使用出口服务。"))


def _year(request: AuthedHttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    if selectors.can_see_overview(request.user):
        return redirect("exportdesk:guide")
    _enterprise_only(request)
    today = timezone.localdate()
    first = today.replace(day=1)
    start = (first - dt.timedelta(days=1)).replace(day=1) if today.month > 1 else first
    context: dict[str, Any] = {
        "costs": selectors.cost_list_for(user=request.user)[:50],
        "proceeds": selectors.proceeds_list_for(user=request.user)[:50],
        "statements": selectors.statement_list_for(user=request.user)[:50],
        "statement_form": StatementForm(
            initial={"month_from": f"{start:%Y-%m}", "month_to": f"{today:%Y-%m}"}
        ),
        "rules": rules(),
    }
    return render(request, "exportdesk/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cost_add(request: AuthedHttpRequest) -> HttpResponse:
    _enterprise_only(request)
    form = CostForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if submit(request, form, lambda data: services.cost_add(actor=request.user, **data)):
        messages.success(request, _("境外费用已登记。"))
        return redirect("exportdesk:index")
    return render(
        request,
        "exportdesk/form.html",
        {"form": form, "title": _("登记境外费用"), "multipart": True},
        status=form_status(request),
    )


@login_required
def cost_document(request: AuthedHttpRequest, pk: int) -> FileResponse:
    cost = selectors.cost_get_for(user=request.user, pk=pk)
    if not cost.document:  # a partner may report a cost without its PDF
        raise Http404
    response = FileResponse(
        cost.document.open("rb"),
        as_attachment=True,
        filename=f"cost-{cost.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def proceeds_add(request: AuthedHttpRequest) -> HttpResponse:
    _enterprise_only(request)
    form = ProceedsForm(request.POST or None)
    if submit(request, form, lambda data: services.proceeds_add(actor=request.user, **data)):
        messages.success(request, _("收汇记录已登记。"))
        return redirect("exportdesk:index")
    return render(
        request,
        "exportdesk/form.html",
        {"form": form, "title": _("登记收汇")},
        status=form_status(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_issue(request: AuthedHttpRequest) -> HttpResponse:
    _enterprise_only(request)
    form = StatementForm(request.POST or None)
    if done := submit(
        request, form, lambda data: services.statement_issue(actor=request.user, **data)
    ):
        messages.success(request, _("轧差结算说明已出具。"))
        return redirect("exportdesk:statement", number=done.value.number)
    return render(
        request,
        "exportdesk/form.html",
        {"form": form, "title": _("出具轧差结算说明")},
        status=form_status(request),
    )


@login_required
def statement_detail(request: AuthedHttpRequest, number: str) -> HttpResponse:
    s = selectors.statement_get_for(user=request.user, number=number)
    return render(
        request,
        "exportdesk/statement.html",
        {
            "s": s,
            "rows": documents.summary_rows(s),
            "rules": rules(),
            "kinds": dict(CostKind.choices),
        },
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
def statement_xlsx(request: AuthedHttpRequest, number: str) -> HttpResponse:
    s = selectors.statement_get_for(user=request.user, number=number)
    return _no_store(excel_response(documents.statement_xlsx(s), f"{s.number}.xlsx"))


@login_required
def statement_pdf(request: AuthedHttpRequest, number: str) -> HttpResponse:
    s = selectors.statement_get_for(user=request.user, number=number)
    response = HttpResponse(documents.statement_pdf(s), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{s.number}.pdf"'
    return _no_store(response)


@login_required
@require_http_methods(["GET", "POST"])
def tax_checklist(request: AuthedHttpRequest) -> HttpResponse:
    _enterprise_only(request)
    enterprise = selectors.enterprise_for(request.user)
    year = _year(request)
    form = InvoiceForm(request.POST or None, initial={"year": year})
    if done := submit(
        request, form, lambda data: services.invoice_declare(actor=request.user, **data)
    ):
        messages.success(request, _("声明已保存。"))
        return redirect(f"{request.path}?year={done.value.year}")
    data = tax.checklist(enterprise, year)
    if request.method == "GET" and data["declaration"] is not None:
        form = InvoiceForm(
            initial={"year": year, "no_purchase_invoice": data["declaration"].no_purchase_invoice}
        )
    return render(
        request,
        "exportdesk/tax.html",
        {"data": data, "form": form, "year": year, "years": _years()},
        status=form_status(request),
    )


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 4, -1))


@login_required
@require_http_methods(["GET", "POST"])
def returns(request: AuthedHttpRequest) -> HttpResponse:
    _enterprise_only(request)
    enterprise = selectors.enterprise_for(request.user)
    form = ReturnForm(request.POST or None)
    if submit(request, form, lambda data: services.goods_return_record(actor=request.user, **data)):
        messages.success(request, _("退运已登记。"))
        return redirect(request.get_full_path())
    if request.method == "POST":
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(request.get_full_path())
    year = _year(request)
    today = timezone.localdate()
    windows = tax.windows()
    inventories = tax.export_inventories(enterprise.pk, year)
    flag = request.GET.get("flagged") == "1"
    items: Any = inventories
    if flag:
        # only recorded returns can be flagged: few rows, judged before paginating
        returned = inventories.filter(goods_return__isnull=False)[:MAX_FLAGGED]
        items = [r for r in (tax.return_row(d, windows, today) for d in returned) if r.flagged]
    page = paginate(request, items, 50)
    rows = [
        r if isinstance(r, tax.ReturnRow) else tax.return_row(r, windows, today)
        for r in page.object_list
    ]
    return render(
        request,
        "exportdesk/returns.html",
        {
            "rows": rows,
            "page": page,
            "year": year,
            "years": _years(),
            "windows": windows,
            "today": today,
            "flag": flag,
            "reasons": ReturnForm.base_fields["reason"].choices,  # type: ignore[attr-defined]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def overseas(request: AuthedHttpRequest) -> HttpResponse:
    _enterprise_only(request)
    enterprise = selectors.enterprise_for(request.user)
    form = SaleForm(request.POST or None)
    if submit(request, form, lambda data: services.sale_confirm(actor=request.user, **data)):
        messages.success(request, _("销售已确认。"))
        return redirect("exportdesk:overseas")
    if request.method == "POST":
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("exportdesk:overseas")
    page = paginate(request, tax.awaiting_sale(enterprise.pk), 50)
    return render(
        request,
        "exportdesk/overseas.html",
        {"page": page, "rules": rules(), "today": timezone.localdate()},
    )


@login_required
def guide(request: AuthedHttpRequest) -> HttpResponse:
    _require(
        selectors.can_use_desk(request.user) or selectors.can_see_overview(request.user),
        _("无权查看出口服务。"),
    )
    return render(
        request,
        "exportdesk/guide.html",
        {
            "rules": rules(),
            "windows": tax.windows(),
            "officer": selectors.can_see_overview(request.user),
        },
    )


@login_required
def overview(request: AuthedHttpRequest) -> HttpResponse:
    _require(selectors.can_see_overview(request.user), _("只有政府部门用户可以查看出口服务统计。"))
    return render(
        request, "exportdesk/overview.html", {"data": selectors.overview_for(user=request.user)}
    )


# ------------------------------------------------------------------ partner reports


@login_required
@require_http_methods(["GET", "POST"])
def authorisations(request: AuthedHttpRequest) -> HttpResponse:
    """The enterprise's report authorisations: grant one to a named partner, see each, revoke."""
    _enterprise_only(request)
    form = AuthorisationForm(request.POST or None)
    if submit(request, form, lambda data: services.authorisation_grant(actor=request.user, **data)):
        messages.success(request, _("已授权该机构向本企业的轧差结算报送数据。"))
        return redirect("exportdesk:authorisations")
    return render(
        request,
        "exportdesk/authorisations.html",
        {"form": form, "consents": selectors.authorisation_list_for(user=request.user)[:200]},
        status=form_status(request),
    )


@login_required
@require_POST
def authorisation_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _enterprise_only(request)
    consent = selectors.authorisation_get_for(user=request.user, pk=pk)
    try:
        services.authorisation_revoke(actor=request.user, consent=consent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("授权已撤回，该机构不能再报送。"))
    return redirect("exportdesk:authorisations")


@login_required
@require_POST
def reported_exclude(request: AuthedHttpRequest, what: str, pk: int) -> HttpResponse:
    """Leave a partner-reported cost or proceeds entry out of statements, or take it back."""
    _enterprise_only(request)
    if what == "cost":
        item: Any = selectors.cost_get_for(user=request.user, pk=pk)
    else:
        item = selectors.proceeds_get_for(user=request.user, pk=pk)
    excluded = request.POST.get("excluded") == "1"
    try:
        services.reported_exclude(actor=request.user, item=item, excluded=excluded)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("该记录不再计入新出具的说明。") if excluded else _("该记录重新计入说明。")
        )
    return redirect("exportdesk:index")


@login_required
def partner_reports(request: AuthedHttpRequest) -> HttpResponse:
    """A warehouse, logistics or bank partner's own reports, and where it may report."""
    _require(
        bool(selectors.reporting_partner_kind(request.user)),
        _("只有海外仓、物流企业和银行可以报送。"),
    )
    active = selectors.partner_authorisations_for(user=request.user)
    return render(
        request,
        "exportdesk/partner_reports.html",
        {
            "costs": selectors.reported_costs_for(user=request.user)[:200],
            "proceeds": selectors.reported_proceeds_for(user=request.user)[:200],
            "active": active[:200],
        },
    )
