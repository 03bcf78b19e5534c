"""Browser journey: an enterprise follows its parcel from the menu to the timeline; the carrier
sees only its company's waybills; anyone queries a waybill's status steps."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

from logistics import services
from logistics.models import Shipment
from logistics.tests.conftest import LOG_Y, T0, event

# Playwright's sync API runs an event loop in the test thread (as in journeys/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Ddt-Test-Pass-1"


def _login(page: Any, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def _logout(page: Any) -> None:
    page.locator("form[action$='/logout/'] button").click()
    page.wait_for_load_state()


def test_enterprise_carrier_and_public_journey(page: Any, world: Any) -> None:
    services.carrier_events_push(
        actor=world.carrier_x,
        events=[
            event("LXJ1", "k1", "picked_up", text="张三 解放路1号"),
            event("LXJ1", "k2", "departed_country", at=T0 + dt.timedelta(hours=30)),
        ],
    )
    services.carrier_events_push(actor=world.carrier_y, events=[event("LYJ1", "k1", company=LOG_Y)])
    Shipment.objects.filter(logistics_no="LXJ1").update(enterprise=world.a, county=world.a.county)
    Shipment.objects.filter(logistics_no="LYJ1").update(enterprise=world.b, county=world.b.county)

    _login(page, "ent_a")
    page.locator("nav.main-nav").get_by_role("link", name="物流跟踪").click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert "LYJ1" not in main.inner_text()
    main.get_by_role("link", name="LXJ1").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已离境"
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "已揽收" in timeline and "已离境" in timeline
    _logout(page)

    _login(page, "log_y")
    page.locator("nav.main-nav").get_by_role("link", name="物流跟踪").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "LYJ1" in text and "LXJ1" not in text
    _logout(page)

    page.locator("nav.main-nav").get_by_role("link", name="运单查询").click()
    page.wait_for_load_state()
    page.get_by_label("运单号").fill("LXJ1")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    steps = page.get_by_test_id("steps").inner_text()
    assert "已揽收" in steps and "已离境" in steps
    assert "张三" not in page.content() and world.a.name not in page.content()
