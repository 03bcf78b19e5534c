"""Writes of the statistics app: the monthly report archive."""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from stats import charts, selectors
from stats.models import Report, ReportStatus

if TYPE_CHECKING:
    from accounts.models import User


def parse_month(text: str) -> dt.date:
    """'2026-10' → 2026-10-01; a clear Chinese error for anything else or a month not yet finished.

    A monthly report covers a whole month, so the current month (still running) and later ones
    are refused: the report of November can be built from 1 December on.
    """
    try:
        year, month = (int(part) for part in str(text).strip().split("-"))
        first = dt.date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ValidationError(_("月份格式应为 YYYY-MM，例如 2026-10。")) from exc
    if not 2024 <= year <= 2027:
        raise ValidationError(_("月份须在政策期内（2024至2027年）。"))
    if first > timezone.localdate().replace(day=1) - dt.timedelta(days=1):
        raise ValidationError(_("只能生成已结束月份的报告（本月及以后的月份尚未结束）。"))
    return first


@transaction.atomic
def report_request(*, actor: User | None, month: dt.date) -> Report:
    """Queue the monthly report of ``month`` (first day); the task renders it in the background.

    ``actor`` None is the command line (``ddt stats report``).
    """
    if actor is not None and not selectors.can_write_reports(actor):
        raise PermissionDenied(_("无权生成统计报告。"))
    report = Report.objects.create(month=month.replace(day=1), created_by=actor)
    audit_record(actor=actor, action="stats.report_request", obj=report, after=snapshot(report))
    from stats.tasks import build_report_task

    transaction.on_commit(lambda: build_report_task.enqueue(report.pk))
    return report


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_context(month: dt.date) -> dict[str, Any]:
    """Everything the report template shows for ``month`` (city-wide, as of the month's end)."""
    from audit.services import audit_head

    last = dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    targets, progress = selectors.targets_table(as_of=last, county=None)
    trade = selectors.trade_tables(year=month.year, county=None, until_month=month.month)
    fund = selectors.fund_tables(year=month.year, county=None)
    by_month = trade[0]
    images = [
        _svg_data_uri(
            charts.bar_chart(
                str(by_month.title),
                [r[0][5:] for r in by_month.rows],
                [
                    (str(by_month.columns[1]), by_month.column(1)),
                    (str(by_month.columns[2]), by_month.column(2)),
                ],
            )
        )
    ]
    for table in trade[1:]:
        if table.rows:
            images.append(
                _svg_data_uri(
                    charts.bar_chart(
                        str(table.title),
                        [str(r[0])[:6] for r in table.rows],
                        [(str(table.columns[1]), table.column(1))],
                    )
                )
            )
    trend_images = [
        _svg_data_uri(
            charts.line_chart(
                p.target.text("name"),
                [str(y) for y, _v in p.trend],
                [v for _y, v in p.trend],
                goal=p.target.value,
            )
        )
        for p in progress
    ]
    return {
        "month": month,
        "as_of": last,
        "targets": targets,
        "trade": trade,
        "fund": fund,
        "images": images,
        "trend_images": trend_images,
        "generated_at": timezone.localtime(),
        # The audit chain head at generation time, printed so the paper/PDF archive anchors the
        # chain outside the database (check with `ddt audit verify --head <seq>:<hash>`).
        "audit_head": str(audit_head()),
    }


def render_pdf(month: dt.date) -> bytes:
    from weasyprint import HTML

    html = render_to_string("stats/report_pdf.html", report_context(month))
    return bytes(HTML(string=html).write_pdf())


def report_build(*, report_id: int) -> Report:
    """Render and store the PDF of a queued report; a failure is kept on the row."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.DONE:
            return report
        report.status = ReportStatus.RUNNING
        report.save(update_fields=["status"])
    try:
        pdf = render_pdf(report.month)
    except Exception as exc:
        report.status = ReportStatus.FAILED
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        audit_record(actor=None, action="stats.report_failed", obj=report, after=snapshot(report))
        return report
    with transaction.atomic():
        report.file.save(f"{report.month:%Y-%m}-{report.pk}.pdf", ContentFile(pdf), save=False)
        report.size = len(pdf)
        report.sha256 = hashlib.sha256(pdf).hexdigest()
        report.status = ReportStatus.DONE
        report.finished_at = timezone.now()
        report.save()
        audit_record(actor=None, action="stats.report_built", obj=report, after=snapshot(report))
    return report
