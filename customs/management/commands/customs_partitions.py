"""``ddt customs partitions [--months N] [--list]``: on PostgreSQL, make sure the ledger line
table has its partition for this month and the next N (default 24), and for any month whose
lines went to the default partition (run it monthly, e.g. from cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from customs import partitions


class Command(BaseCommand):
    # A batch job: no URL/template system checks (they belong to serving the site).
    requires_system_checks: list[str] = []
    help = (
        "确保海关台账明细表按月分区已建到未来若干月（仅 PostgreSQL）/ "
        "Create the ledger's monthly partitions ahead (PostgreSQL only)"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--months", type=int, default=24, help="本月之后的月数 / months after this one"
        )
        parser.add_argument("--list", action="store_true", help="列出分区 / list partitions")

    def handle(self, *args: Any, **options: Any) -> None:
        ahead = options["months"]
        if not 0 <= ahead <= 240:
            raise CommandError("--months 须在 0–240 之间 / must be 0–240", returncode=2)
        if not partitions.is_partitioned():
            self.stdout.write("台账明细表未分区（仅 PostgreSQL 分区）/ ledger lines: plain table")
            return
        first = partitions.month_of(timezone.localdate())
        created = partitions.ensure_partitions(
            first=first, last=partitions.add_months(first, ahead)
        )
        for month in created:
            self.stdout.write(f"created {partitions.partition_name(month)}")
        known = partitions.partitions()
        months = sorted(b[0] for b in known.values() if b is not None)
        self.stdout.write(
            f"{len(created)} created; {len(months)} monthly partitions "
            f"({months[0] if months else '-'} … {months[-1] if months else '-'}) + default"
        )
        if options["list"]:
            for name in sorted(known):
                self.stdout.write(name)
