"""A management command that delegates to a command of ``entitlement.cli``.

Invalid input raises ``CommandError(returncode=2)``: Django prints it on stderr and exits
with status 2; the command writes nothing on stdout (the output is built before writing).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entitlement import cli


class EngineCommand(BaseCommand):
    engine_command = ""
    requires_system_checks: list[str] = []  # pure computation: no database, no checks
    requires_migrations_checks = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = cli.HELP[self.engine_command]

    def add_arguments(self, parser: CommandParser) -> None:
        cli.COMMANDS[self.engine_command][0](parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cli.run(self.engine_command, options, self.stdout)  # type: ignore[arg-type]
        except cli.InputError as exc:
            raise CommandError(
                f"输入无效 / invalid input:\n{exc}", returncode=cli.EXIT_INVALID
            ) from exc
