"""Issue 15 attendance in real Chromium: enterprise users register (each sees a personal
check-in code), one checks in with its own code (someone else's code is refused first); the
county officer checks in one row with its button and another with the bulk action; the unchanged
Excel template, downloaded and uploaded again, imports nothing and says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journeys.steps import sign_in as _login
from journeys.steps import sign_out as _logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def training(codes_loaded: None, make_user: Callable[..., Any]) -> Any:
    from codes.models import County
    from enterprises.services import enterprise_create
    from enterprises.validators import uscc_check_char
    from events.services import event_publish

    donghai = County.objects.get(code="320722")
    base = "91320722MA1EAAT0"
    for n, username in enumerate(["qiye_a", "qiye_b", "qiye_c"]):
        stem = f"{base}{n}"
        enterprise = enterprise_create(
            actor=None,
            uscc=stem + uscc_check_char(stem),
            name=f"东海县示范水晶{n}号有限公司",
            county=donghai,
            kind="manufacturer",
        )
        make_user(username, "enterprise", enterprise=enterprise, phone=f"1390000000{n + 1}")
    officer = make_user("donghai", "county_officer", county=donghai)
    return event_publish(
        actor=officer,
        title="跨境电商直播实务培训",
        kind="training",
        starts_at=timezone.now() + dt.timedelta(hours=1),  # check-in is open, registration too
        capacity=30,
        organiser="东海县商务局",
        county=donghai,
    )


def _register(pg: Any, username: str, title: str) -> str:
    _login(pg, username)
    pg.get_by_role("navigation", name="主导航").get_by_role("link", name="培训与活动").click()
    pg.get_by_role("link", name=title).click()
    pg.get_by_role("button", name="在线报名").click()
    pg.wait_for_load_state()
    code: str = pg.get_by_test_id("my-check-in-code").inner_text()
    expect(pg.locator(".messages")).to_contain_text(f"您的个人签到码：{code}")
    return code


def test_attendance_by_code_by_row_and_in_bulk(
    page: Any, training: Any, tmp_path: Path, shoot: Callable[[str], Path]
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    codes = {}
    for username in ("qiye_a", "qiye_b", "qiye_c"):
        codes[username] = _register(page, username, training.title)
        _logout(page)
    assert len(set(codes.values())) == 3

    # the attendee enters someone else's code (refused), then its own
    _login(page, "qiye_a")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的报名").click()
    expect(page.locator("main table")).to_contain_text(codes["qiye_a"])
    page.get_by_role("link", name=training.title).click()
    page.get_by_test_id("self-check-in").click()
    page.fill("input[name=code]", codes["qiye_b"])
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("签到码无效")
    assert not training.registrations.filter(attended=True).exists()
    page.fill("input[name=code]", codes["qiye_a"].lower())
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("签到成功")
    _logout(page)

    # the county officer: B by its row's button, C by ticking it and the bulk action
    _login(page, "donghai")
    page.goto(f"{page.base_url}/events/")
    page.get_by_role("link", name=training.title).click()
    page.get_by_role("link", name="报名名单").first.click()
    expect(page.get_by_test_id("summary")).to_contain_text("签到 1 人")
    # on a phone the list with its check-in buttons scrolls inside its frame, not the page
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="为 qiye_b 签到").click()
    expect(page.get_by_test_id("summary")).to_contain_text("签到 2 人")
    page.get_by_role("checkbox", name="选择 qiye_c").check()
    page.get_by_test_id("mark-selected").click()
    expect(page.get_by_test_id("summary")).to_contain_text("报名 3 人，签到 3 人")
    expect(page.get_by_role("button", name="签到", exact=True)).to_have_count(0)
    shoot("attendance-registrations")

    # the unchanged template: downloaded, uploaded, nothing imported and the page says so
    page.get_by_role("link", name="导入签到名单").first.click()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载模板").click()
    template = tmp_path / "签到名单模板.xlsx"
    info.value.save_as(template)
    page.set_input_files("input[name=file]", str(template))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text("只有示例行")
    assert training.registrations.count() == 3
    assert not training.registrations.filter(phone="13800000000").exists()
