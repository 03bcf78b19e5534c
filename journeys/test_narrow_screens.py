"""At 375 px nothing makes a page wider than the screen: wide tables scroll inside their frame.

A visually hidden label inside a scrolled table once widened the whole registrations page to
663 px (an absolutely positioned element outside any positioned ancestor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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
