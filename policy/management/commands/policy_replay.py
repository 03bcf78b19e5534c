"""``ddt policy replay RUN_ID``: re-evaluate a stored proposal run (decision record) with the
current engine and say whether the result matches exactly (exit 0) or not (exit 1, with a
summary of the differences)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "重放资金测算批次并核对结果是否一致 / Replay a proposal run and check the result matches"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run_id", type=int, help="测算批次编号 / proposal run id")

    def handle(self, *args: Any, **options: Any) -> None:
        from funds.models import ProposalRun
        from funds.services import replay

        try:
            run = ProposalRun.objects.get(pk=options["run_id"])
        except ProposalRun.DoesNotExist:
            raise CommandError(
                f"测算批次不存在 / no proposal run #{options['run_id']}", returncode=2
            ) from None
        match, diffs = replay(run)
        self.stdout.write(
            f"测算批次 run #{run.pk}: engine {run.engine_version}, guide {run.guide_hash}, "
            f"inputs {run.inputs_hash}\n"
        )
        if match:
            self.stdout.write("结果一致 / result matches exactly\n")
            return
        self.stdout.write("结果不一致 / result does NOT match:\n")
        for line in diffs or ["(no field-level difference found; JSON differs)"]:
            self.stdout.write(f"  {line}\n")
        raise SystemExit(1)
