"""``ddt prepare``: everything a release needs before its processes start, in one process.

System checks (``--deploy`` under production settings), migrations, the cache table, the code
tables (idempotent) and the static files (hashed and compressed for WhiteNoise). Used by
``make serve`` and by the systemd web unit (``ExecStartPre``); safe to run again.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "上线前准备：检查、迁移、缓存表、代码表、静态文件 / Prepare a release: checks, "
        "migrations, cache table, code tables, static files"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-static", action="store_true", help="skip collectstatic")

    def handle(self, *args: Any, **options: Any) -> None:
        steps: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
            ("check", (), {"deploy": not settings.DEBUG, "fail_level": "ERROR"}),
            ("migrate", (), {"interactive": False, "verbosity": 0}),
            ("createcachetable", (), {"verbosity": 0}),
            ("codes_load", (), {"verbosity": 0}),
        ]
        if not options["no_static"]:
            steps.append(("collectstatic", (), {"interactive": False, "verbosity": 0}))
        for name, call_args, call_options in steps:
            started = time.monotonic()
            call_command(name, *call_args, **call_options)
            self.stdout.write(f"{name}: {time.monotonic() - started:.1f} s")
