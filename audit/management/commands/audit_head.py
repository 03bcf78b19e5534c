from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_head, audit_link_waiting, audit_verify


class Command(BaseCommand):
    help = (
        "打印审计链头（序号:哈希），供在数据库之外留存 / Print the audit chain head "
        "(<seq>:<hash>) to keep outside the database; check it later with "
        "`ddt audit verify --head <seq>:<hash>`"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        audit_link_waiting(wait=True)
        result = audit_verify()
        if not result.ok:  # never anchor a chain that is already broken
            raise CommandError(
                f"审计链断裂于第 {result.broken_seq} 条：{result.reason}"
                f" / audit chain broken at entry {result.broken_seq}: {result.reason}"
            )
        self.stdout.write(str(audit_head()))
