"""Production settings: refuse the development secret; ``check --deploy`` is clean."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

DDT = str(Path(sys.executable).parent / "ddt")


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: no secret, and not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE.
    dropped = ("DDT_SECRET", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return subprocess.run(
        [DDT, *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "diandiantong.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _random_key(n: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(n))


@pytest.mark.parametrize(
    "key",
    [None, "ddt-development-only-secret-key-do-not-use-in-production", "short-key"],
    ids=["unset", "development-key", "too-short"],
)
def test_production_refuses_a_weak_secret(key: str | None) -> None:
    env = {"DDT_ALLOWED_HOSTS": "ddt.example.gov.cn"}
    if key is not None:
        env["DDT_SECRET_KEY"] = key
    result = _run(["check"], **env)
    assert result.returncode != 0
    assert "DDT_SECRET_KEY" in result.stderr


def test_production_check_deploy_is_clean() -> None:
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DDT_SECRET_KEY=_random_key(),
        DDT_ALLOWED_HOSTS="ddt.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_hardening_values() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS)"
    )
    result = _run(
        ["shell", "-v", "0", "-c", code],
        DDT_SECRET_KEY=_random_key(),
        DDT_ALLOWED_HOSTS="ddt.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "DENY"]
