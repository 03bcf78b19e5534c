"""Browser checks of the shell: the Swagger docs work under our CSP, the language switch."""

from __future__ import annotations

import os
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the test database teardown is
# synchronous ORM work on the same thread, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_under_csp_without_network(page: Any) -> None:
    blocked: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: blocked.append(r.url) if not r.url.startswith(page.base_url) else None,
    )
    page.goto(f"{page.base_url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .information-container", timeout=20_000)
    page.get_by_text("/api/v1/accounts/me", exact=True).first.wait_for()
    assert blocked == []
    assert not [e for e in errors if "Content Security Policy" in e]


def test_language_switch_in_browser(page: Any) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    assert page.locator("h1").inner_text() == "登录点点通"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Sign in to Diandiantong"
    assert page.locator("html").get_attribute("lang") == "en"
