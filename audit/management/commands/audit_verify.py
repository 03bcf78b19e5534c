from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import Anchor, audit_link_waiting, audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链 / Verify the SM3 hash chain of the audit log (exit 1 if broken)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--head",
            help="链外保存的链头（ddt audit head 的输出）/ a head printed by `ddt audit head`",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        head = None
        if options.get("head"):
            try:
                head = Anchor.parse(options["head"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        # Entries stored while another transaction held the chain head are linked right after
        # their commit; any still waiting (a process stopped in between) are linked first.
        linked = audit_link_waiting(wait=True)
        result = audit_verify(head=head)
        if not result.ok:
            raise CommandError(
                f"审计链断裂于第 {result.broken_seq} 条：{result.reason}"
                f" / audit chain broken at entry {result.broken_seq}: {result.reason}"
                f" ({result.checked} entries verified before it)"
            )
        n = result.checked
        message = f"审计链完整，共 {n} 条 / audit chain intact: {n} entries"
        if head is not None:
            message += f"；与链头 {head.seq} 一致 / matches the anchored head {head.seq}"
        if linked:
            message += f"（先链接了 {linked} 条待链接记录 / {linked} waiting entries linked first）"
        self.stdout.write(self.style.SUCCESS(message))
