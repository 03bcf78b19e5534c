from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.request_context import client_context
from demo.data import DEMO_PASSWORD
from demo.loader import demo_load


class Command(BaseCommand):
    help = "载入演示数据（可重复运行，不产生重复记录）/ Load demo data (idempotent)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--count", type=int, default=200, help="企业数量 / number of enterprises"
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="不打印登录信息 / no logins"
        )
        parser.add_argument(
            "--no-customs", action="store_true", help="不生成海关报文 / skip demo customs messages"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with client_context(ip="cli"):
            report = demo_load(count=options["count"])
            if not options["no_customs"]:
                from customs.demo import load_demo_customs

                self.stdout.write("海关报文演示数据 Demo customs messages …")
                run = load_demo_customs()
                self.stdout.write(
                    f"  customs: 文件 files {run.files_total}, 报文 messages {run.messages}, "
                    f"新增 new {run.new}, 重复 duplicates {run.duplicates}, "
                    f"商品行 lines +{run.lines}"
                )
        self.stdout.write(
            f"演示数据 Demo data: 企业 enterprises +{report.enterprises_created} "
            f"(已有 existing {report.enterprises_existing}), 认定 recognitions "
            f"+{report.recognitions_created}, 用户 users +{report.users_created}"
        )
        for name, created in report.extras.items():
            self.stdout.write(f"  {name}: +{created}")
        if report.stages is not None:
            stages = report.stages
            if stages.round is not None:
                self.stdout.write(
                    f"  申报批次 round: {stages.round.name} "
                    f"({stages.round.opens_on} – {stages.round.closes_on}, {stages.round.status})"
                )
            for stage, created in stages.created.items():
                self.stdout.write(f"    {stage}: +{created}")
            for note in stages.notes:
                self.stdout.write(f"  注意 note: {note}")
        if options["quiet_logins"]:
            return
        self.stdout.write(f"\n演示账号 Demo logins（密码 password: {DEMO_PASSWORD}）")
        width = max(len(u) for u, _r, _l in report.logins)
        for username, role, label in report.logins:
            self.stdout.write(f"  {username.ljust(width)}  {role}  {label}")
