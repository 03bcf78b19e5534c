"""``ddt customs rates [PATH.csv]``: load the shipped reference rates or an official rate file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.request_context import client_context
from customs.rates import load_shipped_rates, read_rates_csv
from customs.services import exchange_rate_set


class Command(BaseCommand):
    # A batch job: no URL/template system checks (they belong to serving the site).
    requires_system_checks: list[str] = []
    help = "载入汇率表（不带参数：载入随系统发布的参考值）/ Load monthly exchange rates"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", default="", help="CSV: currency,month,rate[,note]")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["path"]:
            self.stdout.write(f"参考汇率 reference rates loaded: {load_shipped_rates()}")
            return
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"文件不存在 / no such file: {path}", returncode=2)
        try:
            rows = read_rates_csv(path)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        with client_context(ip="cli"):
            for currency, month, rate, _ref in rows:
                exchange_rate_set(
                    actor=None, currency=currency, month=month, rate=rate, source=path.name
                )
        self.stdout.write(f"汇率 rates set: {len(rows)}")
