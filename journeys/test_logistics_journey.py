"""Issue 18 logistics tracking (物流查询跟踪) in real Chromium, by clicks only.

The data are the logistics demo's (``logistics.demo.load_demo``: CEB505–510 messages ingested
through the customs channel and carrier events pushed through the partner's service) for one
registered enterprise. The enterprise follows a parcel from the menu to its timeline; the
logistics partner creates a write token on its token page, pushes events for its own waybills
through ``POST /api/v1/logistics/events`` (as a carrier's system would; another company's
waybill is refused and nothing is stored) and finds them on its pages; the city reviewer reads
the county/month aggregates; anyone queries a waybill's status steps. Every page is also checked
at 375 px: nothing makes it wider than the screen."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from time_machine import TimeMachineFixture

from core.testing import at
from journeys.steps import click as _click
from journeys.steps import fits_phone
from journeys.steps import nav as _nav
from journeys.steps import sign_in as _login
from journeys.steps import sign_out as _logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = at(2026, 6, 15)
ENTERPRISE = "东海县物流旅程跨境电商有限公司"


@pytest.fixture
def people(
    codes_loaded: None, make_user: Callable[..., Any], time_machine: TimeMachineFixture
) -> dict[str, Any]:
    from codes.models import County
    from enterprises.demo import generate_uscc
    from enterprises.services import enterprise_create
    from logistics import demo

    time_machine.move_to(TODAY)
    donghai = County.objects.get(code="320722")
    enterprise = enterprise_create(
        actor=None,
        uscc=generate_uscc(random.Random(18), "320722"),
        name=ENTERPRISE,
        county=donghai,
        kind="trader",
        customs_code="3207960001",
    )
    people = {
        "enterprise": make_user("qiye", "enterprise", enterprise=enterprise),
        # the demo binds the ``logistics`` partner to its company code (demo.DEMO_CODE)
        "carrier": make_user("logistics", "partner", partner_kind="logistics"),
        "other_carrier": make_user(
            "other_carrier", "partner", partner_kind="logistics", logistics_code="3207980009"
        ),
        "city": make_user("city", "city_reviewer"),
    }
    assert demo.load_demo() > 0
    return people


def test_enterprise_follows_its_parcel_to_the_timeline(page: Any, people: dict[str, Any]) -> None:
    pg = page
    main = pg.locator("main")
    _login(pg, "qiye")
    _nav(pg, "物流跟踪")
    expect(main).to_contain_text("共 40 个运单")
    fits_phone(pg)
    first = main.locator("table a").first
    number = first.inner_text()
    _click(pg, first)
    expect(main.locator("h1")).to_contain_text(number)
    expect(main).to_contain_text(ENTERPRISE)
    timeline = pg.get_by_test_id("timeline")
    expect(timeline).to_contain_text("运单已申报")  # from the customs channel (CEB505)
    expect(timeline).to_contain_text("海关报文")
    expect(timeline).to_contain_text("已揽收")  # from the carrier
    expect(timeline).to_contain_text("物流企业推送")
    assert pg.get_by_test_id("status").inner_text() not in {"", "—"}
    fits_phone(pg)


def test_partner_pushes_events_with_its_token_and_sees_them(
    page: Any, people: dict[str, Any]
) -> None:
    from logistics.demo import DEMO_CODE
    from logistics.models import Shipment, ShipmentEvent

    pg = page
    main = pg.locator("main")
    _login(pg, "logistics")
    _click(pg, pg.get_by_role("link", name="API 令牌"))
    pg.get_by_label("令牌名称").fill("轨迹推送")
    pg.get_by_label("读写").check()
    fits_phone(pg)
    _click(pg, main.get_by_role("button", name="创建"))
    token = pg.get_by_test_id("new-token").locator("code.token").inner_text()

    def push(events: list[dict[str, str]]) -> Any:
        return pg.request.post(
            f"{pg.base_url}/api/v1/logistics/events",
            headers={"Authorization": f"Bearer {token}"},
            data={"events": events},
        )

    def scan(no: str, key: str, code: str, hour: int, text: str, company: str = DEMO_CODE) -> Any:
        return {
            "logistics_no": no,
            "logistics_code": company,
            "at": at(2026, 6, 15, hour).isoformat(),
            "code": code,
            "text": text,
            "idempotency_key": key,
        }

    batch = [
        scan("LYGJOURNEY01", "j-1", "picked_up", 8, "已揽收（旅程营业部）"),
        scan("LYGJOURNEY01", "j-2", "departed_origin", 9, "已发往监管中心（旅程）"),
    ]
    answer = push(batch)
    assert answer.status == 200, answer.text()
    assert answer.json() == {"received": 2, "stored": 2, "duplicates": 0, "shipments_created": 1}
    again = push(batch)  # the carrier's retry: nothing stored twice
    assert again.json()["stored"] == 0 and again.json()["duplicates"] == 2

    # a waybill of another company is refused, and the whole batch with it
    events_before = ShipmentEvent.objects.count()
    foreign = push(
        [
            scan("LYGJOURNEY02", "j-3", "picked_up", 10, "他人运单", company="3207980009"),
            scan("LYGJOURNEY01", "j-4", "arrived_site", 10, "已运抵"),
        ]
    )
    assert foreign.status == 403
    assert ShipmentEvent.objects.count() == events_before
    assert not Shipment.objects.filter(logistics_no="LYGJOURNEY02").exists()

    _nav(pg, "物流跟踪")
    expect(main).to_contain_text("共 41 个运单")
    pg.get_by_label("运单号或订单号").fill("LYGJOURNEY01")
    _click(pg, main.get_by_role("button", name="查询"))
    expect(main).to_contain_text("共 1 个运单")
    fits_phone(pg)
    _click(pg, main.get_by_role("link", name="LYGJOURNEY01"))
    timeline = pg.get_by_test_id("timeline")
    expect(timeline).to_contain_text("已揽收（旅程营业部）")
    expect(timeline).to_contain_text("已发往监管中心（旅程）")
    expect(timeline).not_to_contain_text("已运抵")
    expect(pg.get_by_test_id("status")).to_have_text("已离开始发地")
    fits_phone(pg)
    _logout(pg)

    # the other company's partner does not see this company's waybills
    _login(pg, "other_carrier")
    _nav(pg, "物流跟踪")
    expect(main).to_contain_text("共 0 个运单")
    expect(main).not_to_contain_text("LYGJOURNEY01")


def test_city_reads_the_aggregates_and_anyone_the_status_steps(
    page: Any, people: dict[str, Any]
) -> None:
    from logistics.models import Shipment

    pg = page
    main = pg.locator("main")
    _login(pg, "city")
    _nav(pg, "物流统计")
    table = pg.get_by_test_id("aggregates")
    expect(table).to_contain_text("2026 年各县区物流时效")
    expect(table).to_contain_text("东海县")
    expect(table).to_contain_text("2026-0")
    fits_phone(pg)
    _nav(pg, "物流跟踪")
    expect(main).to_contain_text("共 40 个运单")
    fits_phone(pg)
    _logout(pg)

    number = Shipment.objects.order_by("logistics_no").values_list("logistics_no", flat=True)[0]
    _nav(pg, "运单查询")
    pg.get_by_label("运单号").fill(number)
    _click(pg, main.get_by_role("button", name="查询"))
    steps = pg.get_by_test_id("steps")
    expect(steps).to_contain_text("运单已申报")
    expect(steps).to_contain_text("已揽收")
    content = pg.content()
    assert ENTERPRISE not in content and "海州营业部" not in content  # no names, no carrier text
    fits_phone(pg)
