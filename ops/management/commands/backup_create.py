from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "备份数据库与全部上传文件到一个归档（含 SM3 清单）/ Back up the database and every "
        "media file into one archive with an SM3 manifest"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file", help="归档文件（不得已存在）/ archive to write (must not exist)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = create_backup(Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成 / backup written: {summary.archive} ({summary.engine}, "
                f"{summary.media_files} media files)"
            )
        )
        self.stdout.write(f"manifest SM3: {summary.manifest_sm3}")
