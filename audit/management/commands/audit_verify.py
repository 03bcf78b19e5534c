from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链 / Verify the SM3 hash chain of the audit log (exit 1 if broken)"

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"审计链断裂于第 {result.broken_seq} 条：{result.reason}"
                f" / audit chain broken at entry {result.broken_seq}: {result.reason}"
                f" ({result.checked} entries verified before it)"
            )
        n = result.checked
        message = f"审计链完整，共 {n} 条 / audit chain intact: {n} entries"
        self.stdout.write(self.style.SUCCESS(message))
