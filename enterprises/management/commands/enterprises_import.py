"""``ddt enterprises import FILE --actor USERNAME``: all-or-nothing Excel import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from enterprises.services import enterprises_import


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx）导入企业，全部成功或全部不导入 / "
        "Import enterprises from Excel (all-or-nothing)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="导入文件 .xlsx / the .xlsx file")
        parser.add_argument(
            "--actor",
            required=True,
            help="以该用户身份导入（市商务局审核人员或管理员）/ username recorded in the audit log",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"用户“{options['actor']}”不存在或已停用 / no such active user")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path} / file not found")
        try:
            with path.open("rb") as handle:
                result = enterprises_import(actor=actor, file=handle, filename=path.name)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            for error in result.errors:
                where = f"第{error.row}行" if error.row else "文件"
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            raise CommandError(
                f"导入失败：{len(result.errors)} 处错误，未导入任何企业 / "
                "import failed, nothing saved",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入 {len(result.created)} 家企业 / imported {len(result.created)}"
            )
        )
