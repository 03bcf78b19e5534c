from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiToken
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_accounts_token_prints_a_working_token(client: Client, users: dict[str, Any]) -> None:
    out = StringIO()
    call_command("accounts_token", "city1", "--name", "batch job", stdout=out)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.digest == ApiToken.digest_of(raw) and token.name == "batch job"
    response = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.json()["username"] == "city1"
    assert AuditEntry.objects.get(action="accounts.api_token_create").client_ip == "cli"


def test_accounts_token_unknown_user(db: Any) -> None:
    with pytest.raises(CommandError, match="nobody"):
        call_command("accounts_token", "nobody", "--name", "x")
    assert not ApiToken.objects.exists()


def test_accounts_token_via_cli_word_form() -> None:
    from diandiantong.cli import normalise_argv

    assert normalise_argv(["ddt", "accounts", "token", "u", "--name", "x"]) == [
        "ddt",
        "accounts_token",
        "u",
        "--name",
        "x",
    ]
