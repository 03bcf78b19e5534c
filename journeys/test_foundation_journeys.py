"""Issue 2 journeys as a person walks them: log in as each role, register an enterprise (a wrong
check character first), an officer filters and searches the registry, switch language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from enterprises.validators import uscc_check_char

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(codes_loaded: None, make_user: Callable[..., Any]) -> dict[str, Any]:
    from codes.models import County
    from enterprises.services import enterprise_create

    donghai = County.objects.get(code="320722")
    ganyu = County.objects.get(code="320707")
    own = enterprise_create(
        actor=None,
        uscc="91320722MA1AAAAA1" + uscc_check_char("91320722MA1AAAAA1"),
        name="东海县晶华水晶工艺品有限公司",
        county=donghai,
        kind="manufacturer",
    )
    enterprise_create(
        actor=None,
        uscc="91320707MA1BBBBB2" + uscc_check_char("91320707MA1BBBBB2"),
        name="赣榆海头海鲜电子商务有限公司",
        county=ganyu,
        kind="trader",
    )
    return {
        "enterprise": make_user("qiye", "enterprise", enterprise=own),
        "county_officer": make_user("donghai", "county_officer", county=donghai),
        "city_reviewer": make_user("city", "city_reviewer"),
        "finance_officer": make_user("finance", "finance_officer"),
        "partner": make_user("bank", "partner", partner_kind="bank"),
        "administrator": make_user("admin", "administrator"),
    }


ROLE_LANDING = {
    # role: (menu entry that must be visible, menu entry that must not be)
    "enterprise": ("我的企业", "企业档案"),
    "county_officer": ("企业档案", "审计日志"),
    "city_reviewer": ("企业档案", "审计日志"),
    "finance_officer": ("企业档案", "代码表"),
    "partner": ("首页", "企业档案"),
    "administrator": ("审计日志", "我的企业"),
}


@pytest.mark.parametrize("role", list(ROLE_LANDING))
def test_each_role_logs_in_and_sees_its_menu(
    page: Any, login: Callable[..., Any], people: dict[str, Any], role: str
) -> None:
    user = people[role]
    login(user.username)
    nav = page.locator("nav.main-nav")
    shown, hidden = ROLE_LANDING[role]
    assert nav.get_by_role("link", name=shown, exact=True).count() == 1
    assert nav.get_by_role("link", name=hidden, exact=True).count() == 0
    assert user.get_role_display() in page.get_by_test_id("whoami").inner_text()
    page.locator("form[action$='/logout/'] button").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="登录").first.is_visible()


def test_register_with_wrong_check_character_then_right_one(
    page: Any, codes_loaded: None, shoot: Callable[[str], Any]
) -> None:
    from enterprises.models import Enterprise

    body = "91320722MA1CRYPT4"
    right = body + uscc_check_char(body)
    wrong = body + next(c for c in "0123456789ABCDEFGH" if c != right[-1])

    page.goto(f"{page.base_url}/enterprises/register/")
    page.get_by_label("统一社会信用代码").fill(wrong)
    page.get_by_label("企业名称").fill("东海县明珠水晶饰品有限公司")
    page.get_by_label("所属县区").select_option(label="东海县")
    page.get_by_label("企业类型").select_option("manufacturer")
    page.get_by_label("用户名").fill("mingzhu")
    page.locator("input[name=password1]").fill("Crystal-Shop-2026")
    page.locator("input[name=password2]").fill("Crystal-Shop-2026")
    page.locator("input[name=privacy_consent]").check()
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    error = page.locator("#id_uscc_error")
    assert "校验码错误" in error.inner_text()
    assert f"应为“{right[-1]}”" in error.inner_text()
    assert page.get_by_label("统一社会信用代码").get_attribute("aria-invalid") == "true"
    assert not Enterprise.objects.filter(name="东海县明珠水晶饰品有限公司").exists()
    shoot("register-wrong-check-character")

    page.get_by_label("统一社会信用代码").fill(right)
    page.locator("input[name=password1]").fill("Crystal-Shop-2026")
    page.locator("input[name=password2]").fill("Crystal-Shop-2026")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    assert page.url.endswith("/enterprises/mine/")
    assert "东海县明珠水晶饰品有限公司" in page.locator("main").inner_text()
    saved = Enterprise.objects.get(uscc=right)
    assert saved.status == "pending"
    assert saved.users.get().username == "mingzhu"


def test_officer_filters_and_searches_the_registry(
    page: Any, login: Callable[..., Any], people: dict[str, Any], shoot: Callable[[str], Any]
) -> None:
    login("city")
    page.goto(f"{page.base_url}/enterprises/")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 2

    page.get_by_label("县区").select_option("320707")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    expect(rows).to_have_count(1)
    assert "赣榆海头海鲜" in rows.first.inner_text()

    page.get_by_role("link", name="重置").click()
    page.wait_for_load_state()
    page.get_by_label("搜索").fill("晶华")
    page.get_by_role("button", name="查询").click()
    expect(rows).to_have_count(1)
    assert "东海县晶华水晶" in rows.first.inner_text()
    shoot("registry-search")

    # A county officer sees only their county, whatever the filter asks for.
    page.locator("form[action$='/logout/'] button").click()
    login("donghai")
    page.goto(f"{page.base_url}/enterprises/?county=320707")
    assert "赣榆海头海鲜" not in page.locator("main").inner_text()


def test_switch_language_keeps_the_page(
    page: Any, login: Callable[..., Any], people: dict[str, Any]
) -> None:
    login("city")
    page.goto(f"{page.base_url}/enterprises/")
    assert page.locator("h1").inner_text() == "企业档案"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith("/enterprises/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() != "企业档案"
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "企业档案"
