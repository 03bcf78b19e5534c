"""``ddt accounts token USERNAME --name X [--scope read|write] [--days D]``: create an API token
and print it (once). Scope ``read`` and ``DDT_API_TOKEN_DAYS`` days unless told otherwise."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import TokenScope, User
from accounts.services import api_token_create
from core.request_context import client_context


class Command(BaseCommand):
    help = "为用户创建 API 令牌并输出（只显示一次）/ Create an API token for a user, print it once"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="令牌名称 / token name")
        parser.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help="read（只读，默认）或 write（读写）/ read (default) or write",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="有效天数（默认 DDT_API_TOKEN_DAYS）/ lifetime in days",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在 / no such user: {options['username']}")
        try:
            with client_context(ip="cli"):
                _token, raw = api_token_create(
                    actor=None,
                    user=user,
                    name=options["name"],
                    scope=options["scope"],
                    days=options["days"],
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(raw)
