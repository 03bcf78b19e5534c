"""At 375 px nothing makes a page wider than the screen: wide tables scroll inside their frame.

A visually hidden label inside a scrolled table once widened the whole registrations page to
663 px (an absolutely positioned element outside any positioned ancestor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.testing import LATE_2026
from enterprises.validators import uscc_check_char

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrations_to_verify_fit_a_phone(
    codes_loaded: None, make_user: Callable[..., Any], page: Any, login: Callable[[str], Any]
) -> None:
    from codes.models import County
    from enterprises.models import Enterprise

    donghai = County.objects.get(code="320722")
    Enterprise.objects.create(
        uscc="91320722MA1NARR01" + uscc_check_char("91320722MA1NARR01"),
        name="东海县窄屏测试跨境电商有限公司",
        county=donghai,
        kind="trader",
        status="pending",
        contact_name="王五",
        contact_phone="13900000000",
    )
    make_user("donghai", "county_officer", county=donghai)
    page.set_viewport_size({"width": 375, "height": 800})
    login("donghai")
    page.goto(f"{page.base_url}/enterprises/registrations/")
    assert page.get_by_text("东海县窄屏测试跨境电商有限公司").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls inside
    # ... and says so: a shadow on the side with more to see, moving as it scrolls
    assert "scroll-right" in (wrap.get_attribute("class") or "")
    wrap.evaluate(
        "el => { el.scrollLeft = el.scrollWidth; el.dispatchEvent(new Event('scroll')); }"
    )
    page.wait_for_function(
        "() => document.querySelector('.table-wrap').classList.contains('scroll-left')"
    )
    assert "scroll-right" not in (wrap.get_attribute("class") or "")


PHONE = {"width": 375, "height": 800}


def _fits(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_header_collapses_into_a_menu_that_opens_by_click(
    codes_loaded: None, make_user: Callable[..., Any], page: Any, login: Callable[[str], Any]
) -> None:
    make_user("city", "city_reviewer")  # the longest menu
    page.set_viewport_size(PHONE)
    login("city")
    page.goto(f"{page.base_url}/")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 70  # one row: the brand and the menu button
    nav = page.locator(".main-nav")
    toggle = page.locator("[data-menu-toggle]")
    assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert nav.get_by_role("link", name="公示审核").is_visible()
    assert _fits(page) <= 375
    toggle.click()
    assert not nav.is_visible()
    # on a wide screen the menu is the plain row, without a button
    page.set_viewport_size({"width": 1280, "height": 900})
    assert nav.is_visible() and not toggle.is_visible()


KEY_PAGES = {
    "enterprise": ["/", "/enterprises/mine/", "/applications/mine/", "/applications/rounds/"],
    "county_officer": ["/", "/applications/inbox/", "/enterprises/registrations/"],
    "city_reviewer": ["/", "/applications/all/", "/funds/rounds/", "/funds/notices/"],
    "finance_officer": ["/", "/funds/payments/", "/applications/all/"],
    "partner": ["/", "/logistics/", "/vouchers/list/"],
    "administrator": ["/", "/audit/"],
}


@pytest.mark.time_machine(LATE_2026)
def test_key_pages_of_each_role_fit_a_phone(
    codes_loaded: None, make_user: Callable[..., Any], page: Any, login: Callable[[str], Any]
) -> None:
    from applications.models import Application
    from applications.services import round_create_from_guide
    from codes.models import County
    from enterprises.models import Enterprise

    donghai = County.objects.get(code="320722")
    enterprise = Enterprise.objects.create(
        uscc="91320722MA1NARR02" + uscc_check_char("91320722MA1NARR02"),
        name="东海县窄屏测试二号跨境电商有限公司",
        county=donghai,
        kind="trader",
        status="active",
    )
    users: dict[str, dict[str, Any]] = {
        "enterprise": {"enterprise": enterprise},
        "county_officer": {"county": donghai},
        "city_reviewer": {},
        "finance_officer": {},
        "partner": {"partner_kind": "logistics", "logistics_code": "3207980001"},
        "administrator": {},
    }
    # an application whose matter is one long unbroken reference (it once made a page 703 px wide)
    rnd = round_create_from_guide(actor=make_user("narrow_city_setup", "city_reviewer"), year=2026)
    app = Application.objects.create(
        round=rnd,
        enterprise=enterprise,
        county=donghai,
        measure="a3.benchmark",
        matter="INV" + "0123456789" * 9,
    )
    key_pages = {**KEY_PAGES, "enterprise": [*KEY_PAGES["enterprise"], f"/applications/{app.pk}/"]}
    page.set_viewport_size(PHONE)
    for role, extra in users.items():
        make_user(f"narrow_{role}", role, **extra)
        page.context.clear_cookies()
        login(f"narrow_{role}")
        for path in key_pages[role]:
            page.goto(f"{page.base_url}{path}")
            assert page.locator("main").count() == 1, (role, path)
            assert _fits(page) <= 375, (role, path, _fits(page))
