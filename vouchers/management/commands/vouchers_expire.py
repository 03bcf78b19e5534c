"""``ddt vouchers expire [--date YYYY-MM-DD]``: expire the active vouchers past their validity;
what was not redeemed goes back to the pool and the batch (``services.vouchers_expire``, one
transaction and one audit entry per pool). Run it once a day (cron or a systemd timer): the
project's django-tasks backend runs queued tasks but has no scheduler. Running it twice changes
nothing the second time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vouchers.services import vouchers_expire


class Command(BaseCommand):
    help = "运力券到期处理，余额退回资金池 / Expire vouchers past their validity"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--date",
            default="",
            help="按此日期判断到期（默认今天）/ the day to expire against (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date 应为 YYYY-MM-DD / --date must be YYYY-MM-DD") from None
        count = vouchers_expire(today=day)
        self.stdout.write(f"expired {count} voucher(s)")
