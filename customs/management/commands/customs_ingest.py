"""``ddt customs ingest PATH…``: ingest CEB message files, folders and .zip batches."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.request_context import client_context
from customs.models import IngestRun
from customs.services import fail_abandoned_runs, ingest_paths, ingest_resume


class ProgressBar:
    """A plain text progress bar on stderr (no extra dependency)."""

    def __init__(self, stream: Any, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled

    def __call__(self, run: IngestRun) -> None:
        if not self.enabled:
            return
        total = max(run.files_total, 1)
        width = 30
        filled = int(width * run.files_done / total)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {run.files_done}/{run.files_total} "
            f"文件 files · 新增 new {run.new} · 重复 dup {run.duplicates} · "
            f"被拒 rejected {run.rejected}   "
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def report_lines(run: IngestRun) -> list[str]:
    lines = [
        f"导入批次 Ingest run #{run.pk}: {run.status}",
        f"  文件 files: {run.files_total} (被拒 rejected {run.files_rejected})",
        f"  报文 messages: {run.messages}  新增 new: {run.new}  重复 duplicate: {run.duplicates}"
        f"  被拒 rejected: {run.rejected}",
        f"  商品行 lines: {run.lines}  匹配回执 receipts matched: {run.receipts_matched}"
        f"  新放行 released: {run.released}  零售进口超限 retail breaches: {run.retail_breaches}",
    ]
    for entry in run.touched:
        who = (
            f"{entry['name']} {entry['uscc']}"
            if entry["enterprise"]
            else f"{entry['code']} (未对应)"
        )
        lines.append(
            f"  · {who}: 清单 declarations {entry['declarations']}  放行 released "
            f"{entry['released']}  金额 CNY {entry['released_cny']}"
        )
    for error in run.errors:
        lines.append(f"  ✗ {error['file']}: {error['error']}")
    return lines


class Command(BaseCommand):
    # A batch job: no URL/template system checks (they belong to serving the site).
    requires_system_checks: list[str] = []
    help = "导入海关跨境电商报文（XML 文件、文件夹、zip 批量包）/ Ingest CEB message files"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "paths", nargs="*", help="XML 文件、文件夹或 .zip / files, folders, zips"
        )
        parser.add_argument(
            "--resume",
            type=int,
            default=None,
            metavar="RUN",
            help="重新导入失败批次的文件 / ingest the files of a failed run again",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报告 / JSON report")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]]
        resume = options["resume"]
        if bool(paths) == (resume is not None):
            raise CommandError(
                "给出路径或 --resume RUN 之一 / give paths or --resume", returncode=2
            )
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"路径不存在 / no such path: {', '.join(missing)}", returncode=2)
        bar = ProgressBar(sys.stderr, enabled=not options["no_progress"])
        with client_context(ip="cli"):
            fail_abandoned_runs()  # a run killed earlier is reported failed, and can be resumed
            if resume is not None:
                failed = IngestRun.objects.filter(pk=resume).first()
                if failed is None:
                    raise CommandError(f"没有批次 / no run #{resume}", returncode=2)
                try:
                    run = ingest_resume(actor=None, run=failed, on_progress=bar)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages), returncode=2) from exc
            else:
                run = ingest_paths(actor=None, paths=paths, on_progress=bar)
        bar.close()
        if options["json"]:
            fields = [
                *("files_total", "files_rejected", "messages", "new", "duplicates", "rejected"),
                *("lines", "receipts_matched", "released", "retail_breaches", "errors", "status"),
                *("origin", "touched"),
            ]
            self.stdout.write(
                json.dumps(
                    {"run": run.pk, **{f: getattr(run, f) for f in fields}}, ensure_ascii=False
                )
            )
        else:
            self.stdout.write("\n".join(report_lines(run)))
