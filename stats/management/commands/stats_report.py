"""``ddt stats report --month 2026-10``: build the monthly PDF report into the archive."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stats import services
from stats.models import Report, ReportStatus


class Command(BaseCommand):
    help = "生成统计月报 PDF 并存入报告档案 / Build the monthly statistics PDF report"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-10")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="只排队，由后台任务生成 / only queue it for the background worker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = services.parse_month(options["month"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        report = services.report_request(actor=None, month=month)
        if not options["queue"]:
            report = services.report_build(report_id=report.pk)
        report.refresh_from_db()
        if report.status == ReportStatus.FAILED:
            raise CommandError(f"report #{report.pk} failed: {report.error}")
        state = Report.objects.get(pk=report.pk)
        self.stdout.write(
            f"report #{state.pk} {state.label} {state.status} {state.size} bytes {state.file.name}"
        )
