"""``ddt customs stats --year Y [--county C] [--format json|table|xlsx]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from customs.excel import stats_workbook
from customs.stats import customs_stats, stats_table


class Command(BaseCommand):
    # A batch job: no URL/template system checks (they belong to serving the site).
    requires_system_checks: list[str] = []
    help = "跨境电商海关监管进出口统计（仅计已放行）/ Customs-monitored CBEC trade statistics"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True, help="年度 / year")
        parser.add_argument("--county", default="", help="县区代码 / county code")
        parser.add_argument("--format", choices=["json", "table", "xlsx"], default="json")
        parser.add_argument("--output", "-o", default="", help="xlsx 输出文件 / output file")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 1900 <= year <= 2999:
            raise CommandError("年度无效 / bad year", returncode=2)
        county = options["county"].strip() or None
        if county:
            from codes.models import County

            if not County.objects.filter(code=county).exists():
                raise CommandError(f"县区代码不存在 / no such county: {county}", returncode=2)
        data = customs_stats(year=year, county=county)
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif fmt == "table":
            self.stdout.write(stats_table(data))
        else:
            content = stats_workbook(data)
            if options["output"]:
                Path(options["output"]).write_bytes(content)
                self.stdout.write(f"已写入 written: {options['output']}")
            else:
                sys.stdout.buffer.write(content)
