"""Steps the browser journeys share: signing in and out, the main menu, a click that waits for
the next page, and the 375 px width check."""

from __future__ import annotations

from typing import Any

from journeys.conftest import PASSWORD

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def sign_in(pg: Any, username: str, password: str = PASSWORD) -> None:
    pg.goto(f"{pg.base_url}/accounts/login/")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", password)
    pg.locator("main button[type=submit]").click()
    pg.wait_for_load_state()


def sign_out(pg: Any) -> None:
    pg.locator("form[action$='/logout/'] button").click()
    pg.wait_for_load_state()


def nav(pg: Any, label: str) -> None:
    """Click an entry of the main navigation (opening the menu first on a narrow screen)."""
    toggle = pg.locator("[data-menu-toggle]")
    if toggle.is_visible():
        toggle.click()
    pg.locator("nav.main-nav").get_by_role("link", name=label, exact=True).click()
    pg.wait_for_load_state()


def click(pg: Any, locator: Any) -> None:
    locator.click()
    pg.wait_for_load_state()


def page_width(pg: Any) -> int:
    return int(pg.evaluate("document.documentElement.scrollWidth"))


def fits_phone(pg: Any) -> None:
    """The page as it is now, at 375 px: nothing makes the document wider than the screen."""
    pg.set_viewport_size(PHONE)
    try:
        width = page_width(pg)
        assert width <= 375, f"{pg.url} is {width} px wide at 375 px"
    finally:
        pg.set_viewport_size(DESKTOP)
