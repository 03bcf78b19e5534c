"""Statistics pages: parse the request, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.excel import csv_response, excel_response
from core.http import AuthedHttpRequest
from ops.selectors import queued_notice
from stats import excel, opendata, selectors, services
from stats.models import ReportStatus
from stats.open_tables import long_rows, open_tables
from stats.selectors import Table, chart

PAGES = {"overview", "trade", "fund", "counties", "own"}


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "").strip()
    if not raw:
        return opendata.valid_year(None)
    try:
        return opendata.valid_year(int(raw))
    except (ValueError, ValidationError):
        messages.error(request, _("年度须在2024至2027之间，已显示本年度。"))
        return opendata.valid_year(None)


def _as_of(year: int) -> dt.date:
    return min(selectors.today(), dt.date(year, 12, 31))


def _context(
    request: HttpRequest, page: str, year: int, county: Any, **extra: Any
) -> dict[str, Any]:
    from codes import selectors as codes

    user = request.user
    for c in extra.get("charts", []):
        c["data_id"] = f"{c['id']}-data"
    return {
        "page": page,
        "year": year,
        "years": list(range(2024, 2028)),
        "county": county,
        "counties": codes.county_qs() if selectors.can_view_city(user) else [],
        "is_city": selectors.can_view_city(user),
        "can_reports": selectors.can_read_reports(user),
        **extra,
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Each role's statistics entry: city overview, the officer's county, the enterprise's own."""
    user = request.user
    if selectors.can_view_city(user):
        return redirect("stats:overview")
    if selectors.can_view_dashboards(user):
        return redirect("stats:county", code=user.county.code)  # type: ignore[union-attr]
    if selectors.can_view_own(user):
        return redirect("stats:own")
    raise PermissionDenied(_("无权查看统计看板。"))


def _overview(request: HttpRequest, code: str | None) -> HttpResponse:
    year = _year(request)
    county = selectors.county_scope(request.user, code)
    table, progress = selectors.targets_table(as_of=_as_of(year), county=county)
    cards = []
    for p in progress:
        spec = p.as_dict()
        spec["kind"] = "trend"
        chart_id = f"chart-target-{p.target.id}"
        cards.append({"p": p, "spec": spec, "id": chart_id, "data_id": f"{chart_id}-data"})
    return render(
        request,
        "stats/overview.html",
        _context(request, "overview", year, county, table=table, cards=cards),
    )


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("county") or None
    if not selectors.can_view_city(request.user) and selectors.can_view_dashboards(request.user):
        code = code or request.user.county.code  # type: ignore[union-attr]
    return _overview(request, code)


@login_required
@require_GET
def county(request: HttpRequest, code: str) -> HttpResponse:
    return _overview(request, code)


@login_required
@require_GET
def counties(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view_city(request.user):
        raise PermissionDenied(_("县区对比仅市级用户可见。"))
    year = _year(request)
    table = selectors.county_comparison(year=year)
    charts = [
        {"id": "chart-tilemap", "spec": selectors.tile_map(table)},
        {"id": "chart-county-trade", "spec": chart(table, "bar", value_cols=[2])},
        {"id": "chart-county-counts", "spec": chart(table, "bar", value_cols=[3, 6])},
    ]
    return render(
        request,
        "stats/counties.html",
        _context(request, "counties", year, None, tables=[table], charts=charts),
    )


def _table_charts(tables: list[Table], kinds: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for table in tables:
        kind = kinds.get(table.key)
        if kind:
            cols = [1, 2] if table.key == "trade_month" else [1]
            if table.key == "fund_measure":
                cols = [1, 2]
            out.append({"id": f"chart-{table.key}", "spec": chart(table, kind, value_cols=cols)})
    return out


@login_required
@require_GET
def trade(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    county = selectors.county_scope(request.user, request.GET.get("county") or None)
    tables = selectors.trade_tables(year=year, county=county)
    kinds = {
        "trade_month": "bar_stack",
        "trade_mode": "pie",
        "trade_country": "hbar",
        "trade_county": "bar",
        "trade_belt": "hbar",
        "trade_top": "hbar",
    }
    return render(
        request,
        "stats/tables.html",
        _context(
            request,
            "trade",
            year,
            county,
            tables=tables,
            charts=_table_charts(tables, kinds),
            title=_("跨境电商进出口"),
        ),
    )


@login_required
@require_GET
def fund(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    county = selectors.county_scope(request.user, request.GET.get("county") or None)
    tables = selectors.fund_tables(year=year, county=county)
    kinds = {"fund_measure": "hbar", "fund_county": "bar", "fund_funnel": "funnel"}
    return render(
        request,
        "stats/tables.html",
        _context(
            request,
            "fund",
            year,
            county,
            tables=tables,
            charts=_table_charts(tables, kinds),
            title=_("政策资金"),
        ),
    )


@login_required
@require_GET
def own(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    data = selectors.enterprise_view(user=request.user, year=year)
    tables = data["tables"]
    charts = [{"id": "chart-own-month", "spec": chart(tables[0], "bar")}]
    return render(
        request,
        "stats/own.html",
        _context(request, "own", year, None, tables=tables, charts=charts, data=data),
    )


@login_required
@require_GET
def export(request: HttpRequest, page: str) -> HttpResponse:
    """The tables of one dashboard page as an Excel workbook (same scope as the page)."""
    if page not in PAGES:
        raise PermissionDenied(_("没有这个统计页。"))
    year = _year(request)
    tables = selectors.dashboard_tables(
        page=page, user=request.user, year=year, county_code=request.GET.get("county") or None
    )
    body = excel.tables_workbook(
        tables, heading=_("点点通统计 %(page)s %(year)s") % {"page": page, "year": year}
    )
    return excel_response(body, f"stats-{page}-{year}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.report_list_for(user=request.user)
    error = ""
    status = 200
    if request.method == "POST":
        if not selectors.can_write_reports(request.user):
            raise PermissionDenied(_("无权生成统计报告。"))
        try:
            month = services.parse_month(request.POST.get("month", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
            status = 400
        else:
            services.report_request(actor=request.user, month=month)
            messages.success(request, _("已提交，报告正在后台生成。"))
            return redirect("stats:reports")
    reports = list(qs[:100])
    unfinished = [r for r in reports if r.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)]
    waiting = [r for r in unfinished if r.status == ReportStatus.QUEUED]
    oldest = min(waiting, key=lambda r: r.created_at) if waiting else None
    table = {
        "reports": reports,
        "done": ReportStatus.DONE,
        "polling": bool(unfinished),
        "queued": queued_notice(
            status=oldest.status, created_at=oldest.created_at, user=request.user
        )
        if oldest
        else None,
    }
    if request.method == "GET" and request.headers.get("HX-Request"):
        return render(request, "stats/_reports_table.html", table)  # the polled fragment
    return render(
        request,
        "stats/reports.html",
        _context(
            request,
            "reports",
            opendata.valid_year(None),
            None,
            **table,
            error=error,
            can_write=selectors.can_write_reports(request.user),
            # The last finished month: the current one is refused until it ends.
            default_month=(selectors.today().replace(day=1) - dt.timedelta(days=1)).strftime(
                "%Y-%m"
            ),
        ),
        status=status,
    )


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = selectors.report_get_for(user=request.user, pk=pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise PermissionDenied(_("报告尚未生成。"))
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"diandiantong-stats-{report.label}.pdf",
        content_type="application/pdf",
    )


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """Public aggregated statistics (no login; suppressed cells shown as “—”), and the same
    tables as CSV (``?format=csv``, one row per figure) or Excel (``?format=xlsx``)."""
    year = _year(request)
    tables = open_tables(year=year)
    download = request.GET.get("format")
    if download == "xlsx":
        heading = _("连云港跨境电商公开统计 · %(y)s") % {"y": year}
        return excel_response(
            excel.tables_workbook(tables, heading=heading), f"open-data-{year}.xlsx"
        )
    if download == "csv":
        header = [_("数据表"), _("项目"), _("指标"), _("数值")]
        return csv_response(header, long_rows(tables), f"open-data-{year}.csv")
    trade_data = opendata.open_trade(year=year)
    month_cells = trade_data["by_month"]
    spec = {
        "kind": "bar",
        "title": _("按月进出口额（元）"),
        "categories": [
            f"{c['key']['month'] // 100}-{c['key']['month'] % 100:02d}"
            for c in month_cells
            if not c["suppressed"]
        ],
        "series": [
            {
                "name": _("金额"),
                "data": [float(c["value"]) for c in month_cells if not c["suppressed"]],
            }
        ],
    }
    for c in (spec_list := [{"id": "chart-open-month", "spec": spec}]):
        c["data_id"] = f"{c['id']}-data"
    return render(
        request,
        "stats/open.html",
        {
            "year": year,
            "years": list(range(2024, 2028)),
            "tables": tables,
            "charts": spec_list,
            "minimum": opendata.MIN_ENTERPRISES,
        },
    )
