"""The ``ddt`` console entry point: the project's ``manage.py`` plus our own commands.

``ddt migrate``, ``ddt runserver`` and every Django command work as with ``manage.py``;
project commands (``ddt audit verify``, ``ddt codes load``, ``ddt demo load`` …) are Django
management commands whose first word names the app. ``ddt audit verify`` is accepted as
well as ``ddt audit_verify``.
"""

from __future__ import annotations

import os
import sys

HELP = """\
ddt — 点点通 跨境电商公共服务平台命令行 / Diandiantong command line

用法 Usage: ddt <命令 command> [选项 options]

项目命令 Project commands:
  codes load            载入代码表（县区、国别、币制、计量单位、监管方式、节假日）
                        Load code tables (counties, countries, currencies, units, modes, holidays)
  audit verify          校验审计日志哈希链，发现断链时以非零状态退出
                        Verify the audit log hash chain; exits non-zero on the first broken link
  audit head            打印审计链头（序号:哈希）供链外留存；audit verify --head 据此核对
                        Print the chain head (<seq>:<hash>) to keep outside the database;
                        `audit verify --head H` then detects a recomputed chain or a cut tail
  demo load             载入演示数据（可重复运行，不产生重复记录）
                        Load demo data (idempotent)
  enterprises import    从 Excel 导入企业（全部成功或全部不导入）
                        Import enterprises from Excel (all-or-nothing)
  accounts token        为用户创建 API 令牌 / Create an API token for a user
  policy evaluate       测算情景中每笔申报的应得金额及理由 / Evaluate a scenario's claims
  policy compare        两份指南下的测算对比 / Compare totals under another guide
  policy measures       政策措施目录 / List the policy catalogue
  policy check-guide    校验年度申报指南 / Validate an annual guide
  policy replay RUN_ID  重放资金测算批次并核对结果 / Replay a proposal run and compare
  customs ingest        导入海关报文（文件、文件夹、zip）/ Ingest CEB messages
  customs stats         跨境电商进出口统计 / CBEC trade statistics
  customs rates FILE    更新月度汇率表 / Update the monthly exchange-rate table
  customs partitions    建立台账明细未来月份分区（PostgreSQL，每月运行）
                        Create the ledger's coming monthly partitions (PostgreSQL, monthly)
  stats report          生成统计月报（PDF）/ Produce the monthly statistics report
  logistics track NO    运单物流轨迹（--format json|table）/ A waybill's timeline
  vouchers expire       运力券到期处理，余额退回资金池（每日运行）/ Expire vouchers (daily)
  worker                后台任务进程（带心跳，/readyz 据此判断）/ Background task worker
                        with a heartbeat (read by /readyz and the admin)
  backup create FILE    备份数据库与上传文件（SM3 清单）/ Back up database + media files
  backup restore FILE   恢复到空数据库与空文件存储 / Restore into an empty database + storage

Django 命令 Django commands: migrate, runserver, createsuperuser, check --deploy, shell …
  ddt help <命令>       查看某个命令的帮助 / help for one command
  ddt help --commands   列出全部命令 / list every command
"""

# "ddt audit verify" → "ddt audit_verify": two-word project commands.
_GROUPS = {
    "audit",
    "codes",
    "demo",
    "enterprises",
    "accounts",
    "policy",
    "customs",
    "stats",
    "logistics",
    "vouchers",
    "backup",
}


def normalise_argv(argv: list[str]) -> list[str]:
    if len(argv) >= 3 and argv[1] in _GROUPS and not argv[2].startswith("-"):
        return [argv[0], f"{argv[1]}_{argv[2].replace('-', '_')}", *argv[3:]]
    return argv


# ``ddt policy <command>``: the engine's commands need no database; they run without
# Django's start-up (``entitlement.cli``). Only ``policy replay`` goes through Django.
_ENGINE_COMMANDS = {"evaluate", "compare", "measures", "check-guide"}


def policy_main(args: list[str]) -> int:
    """``ddt policy …`` without Django: the engine commands, and ``--help``."""
    from entitlement import cli

    return cli.main(args, prog="ddt policy")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        sys.stdout.write(HELP)
        return
    if argv[1] == "policy" and (
        len(argv) == 2 or argv[2] in _ENGINE_COMMANDS or argv[2] in {"-h", "--help"}
    ):
        raise SystemExit(policy_main(argv[2:] or ["--help"]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diandiantong.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(normalise_argv(argv))


if __name__ == "__main__":
    main()
