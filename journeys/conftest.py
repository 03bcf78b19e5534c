"""Browser journeys: real Debian Chromium driven by Playwright against the live test server."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the (synchronous) database work of
# fixtures and teardown on that thread would otherwise be refused by Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Ddt-Test-Pass-1"  # noqa: S105 - test users only


@pytest.fixture
def codes_loaded(transactional_db: Any) -> None:
    from codes.loaders import load_all

    load_all()


@pytest.fixture
def login(page: Any) -> Callable[[str], Any]:
    def _login(username: str, password: str = PASSWORD) -> Any:
        page.goto(f"{page.base_url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        return page

    return _login


@pytest.fixture
def shoot(page: Any) -> Callable[[str], Path]:
    def _shoot(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot
