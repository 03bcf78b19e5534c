"""Shared test fixtures.

Locally, PostgreSQL and browser tests skip with a message when the service is missing; in CI
(``CI=true``) a missing service is an error, so those tests can never silently skip there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from typing import Any

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("DDT_CHROMIUM", "/usr/bin/chromium")
# DDT_TEST_TODAY=YYYY-MM-DD runs the whole session on that day (10:00 Shanghai time, the clock
# ticking): CI runs the suite on other days too, so a test that depends on the real date fails
# there before it fails on a calendar day (scripts/run_tests.py --today).
TEST_TODAY = os.environ.get("DDT_TEST_TODAY", "")


def pytest_configure(config: pytest.Config) -> None:
    if TEST_TODAY:
        import datetime as dt
        from zoneinfo import ZoneInfo

        import time_machine

        day = dt.date.fromisoformat(TEST_TODAY)
        start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
        time_machine.travel(start, tick=True).start()


def pytest_report_header(config: pytest.Config) -> str | None:
    return f"clock: {TEST_TODAY} (DDT_TEST_TODAY)" if TEST_TODAY else None


def require_or_skip(available: bool, what: str) -> None:
    """Skip locally when ``what`` is missing; fail in CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} not available here (runs in CI)")


@pytest.fixture
def counties(db: Any) -> dict[str, Any]:
    """Two counties, enough for permission tests (the full table comes from `ddt codes load`)."""
    from codes.models import County, CountyKind

    donghai, _ = County.objects.get_or_create(
        code="320722",
        defaults={
            "name": "东海县",
            "name_en": "Donghai County",
            "kind": CountyKind.COUNTY,
            "sort_order": 4,
        },
    )
    ganyu, _ = County.objects.get_or_create(
        code="320707",
        defaults={
            "name": "赣榆区",
            "name_en": "Ganyu District",
            "kind": CountyKind.DISTRICT,
            "sort_order": 3,
        },
    )
    return {"donghai": donghai, "ganyu": ganyu}


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """Create a user through the service (so the audit chain sees it).

    Password: 'Ddt-Test-Pass-1'.
    """
    from accounts.services import user_create

    def _make(username: str, role: str, **kwargs: Any) -> Any:
        return user_create(
            actor=None,
            username=username,
            password="Ddt-Test-Pass-1",  # noqa: S106 - test users only
            role=role,
            **kwargs,
        )

    return _make


@pytest.fixture(scope="session")
def chromium_path() -> str:
    require_or_skip(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), "Chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Any:
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev extra missing
        require_or_skip(False, "playwright (Python package)")
        raise
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    """A fresh browser page in Chinese (zh-CN) pointed at the live test server."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()
