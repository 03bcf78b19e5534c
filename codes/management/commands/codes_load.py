"""``ddt codes load [table …] [--force]``: load the shipped code tables (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from codes.loaders import CodeTableError, load_all, read_manifest

STATUS = {
    "loaded": "已载入 loaded",
    "updated": "已更新 updated",
    "unchanged": "未变 unchanged",
}


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = "载入代码表（县区、国别、币制、计量单位、监管方式、节假日）/ Load the code tables"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "tables", nargs="*", help="代码表名称，缺省为全部 / table names (default: all)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="文件未变也重新写入 / re-apply files even when unchanged",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names: list[str] = options["tables"]
        try:
            known = read_manifest()
            unknown = [n for n in names if n not in known]
            if unknown:
                raise CommandError(
                    f"未知代码表 / unknown table: {', '.join(unknown)}"
                    f"（可选 / choose from: {', '.join(known)}）"
                )
            results = load_all(names or None, force=options["force"])
        except CodeTableError as exc:
            raise CommandError(
                f"载入失败，未做任何修改 / load failed, nothing changed: {exc}"
            ) from exc
        header = ["代码表 Table", "版本 Version", "状态 Status", "新增 Created", "更新 Updated",
                  "行数 Rows", "保留 Kept"]  # fmt: skip
        table = [
            [r.table, r.version, STATUS[r.status], str(r.created), str(r.updated), str(r.rows),
             str(r.kept)]
            for r in results
        ]  # fmt: skip
        widths = [max(_width(row[i]) for row in [header, *table]) for i in range(len(header))]
        for row in [header, *table]:
            line = "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
        for r in results:
            for warning in r.warnings:
                self.stderr.write(self.style.WARNING(f"{r.table}: {warning}"))
        changed = sum(1 for r in results if r.changed)
        self.stdout.write(
            self.style.SUCCESS(f"完成：{changed} 张表有变化 / done: {changed} table(s) changed")
        )
