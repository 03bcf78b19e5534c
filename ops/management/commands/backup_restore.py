from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify
from ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "从归档恢复到空数据库和空文件存储（先核对 SM3）/ Restore an archive into an empty "
        "database and media storage (checked against its SM3 manifest first)"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="ddt backup create 写出的归档 / an archive")
        parser.add_argument(
            "--expect-sm3",
            default="",
            help="创建时打印的清单 SM3 / the manifest SM3 printed by `ddt backup create`",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到归档 / no such archive: {path}")
        try:
            summary = restore_backup(path, expect_sm3=options["expect_sm3"])
        except BackupError as exc:
            raise CommandError(f"未恢复 / not restored: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成 / restored: {summary.engine}, {summary.media_files} media files"
            )
        )
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"审计链断裂于第 {result.broken_seq} 条 / audit chain broken at entry "
                f"{result.broken_seq}: {result.reason}"
            )
        self.stdout.write(f"审计链完整 / audit chain intact: {result.checked} entries")
