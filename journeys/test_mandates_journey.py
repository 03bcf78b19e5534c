"""Issue 19 (九 晶贸通, 十七 外综服代办) journey in real Chromium: an enterprise authorises the
晶贸通 service platform by clicks; the platform, through the API with its own bearer token,
uploads customs data for that enterprise and is refused for another; the enterprise sees the
act on its authorisation page and revokes; the platform's next upload is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from core.testing import LATE_2026
from enterprises.validators import uscc_check_char
from journeys.conftest import ARTIFACTS, PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(LATE_2026),
]

CODE_A = "3207960031"
CODE_B = "3207960032"


def _uscc(stem: str) -> str:
    return stem + uscc_check_char(stem)


@pytest.fixture
def people(codes_loaded: None, make_user: Callable[..., Any]) -> dict[str, Any]:
    from accounts.services import api_token_create
    from codes.models import County
    from enterprises.services import enterprise_create

    donghai = County.objects.get(code="320722")
    ganyu = County.objects.get(code="320707")
    a = enterprise_create(
        actor=None,
        uscc=_uscc("91320722MA1MAND01"),
        name="东海县晶华跨境贸易有限公司",
        county=donghai,
        kind="trader",
        customs_code=CODE_A,
        contact_email="",
    )
    b = enterprise_create(
        actor=None,
        uscc=_uscc("91320707MA1MAND02"),
        name="赣榆区海味跨境电商有限公司",
        county=ganyu,
        kind="trader",
        customs_code=CODE_B,
        contact_email="",
    )
    platform = make_user(
        "jingmaotong", "partner", partner_kind="service_platform", organisation="晶贸通"
    )
    _token, raw = api_token_create(actor=platform, user=platform, name="晶贸通接口")
    return {
        "a": a,
        "b": b,
        "qiye": make_user("qiye", "enterprise", enterprise=a),
        "platform": platform,
        "token": raw,
    }


def _session(page: Any, username: str) -> Any:
    context = page.context.browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = page.base_url
    pg.goto(f"{pg.base_url}/accounts/login/")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", PASSWORD)
    pg.locator("main button[type=submit]").click()
    pg.wait_for_load_state()
    return pg


def _xml(cop_no: str, code: str) -> bytes:
    from customs.ingestion.building import InventorySpec, LineSpec, build_inventories

    line = LineSpec(
        gcode="7117190000",
        gname="水晶手链",
        unit="011",
        qty=Decimal("2"),
        price=Decimal("10.00"),
        currency="502",
        country="502",
    )
    spec = InventorySpec(
        cop_no=cop_no,
        ebc_code=code,
        ebc_name="跨境电商企业",
        trade_mode="9610",
        declared_on=dt.date(2026, 11, 20),
        lines=[line],
        country="502",
    )
    return build_inventories("export", [spec])


def test_platform_acts_for_the_authorising_enterprise_until_it_revokes(
    page: Any, people: dict[str, Any]
) -> None:
    from customs.models import Declaration, IngestRun

    base = page.base_url
    api = page.context.browser.new_context().request  # the platform's own client: no cookies
    auth = {"Authorization": f"Bearer {people['token']}"}

    def upload(uscc: str, cop_no: str, code: str) -> Any:
        return api.post(
            f"{base}/api/v1/customs/uploads",
            headers=auth,
            multipart={
                "files": {"name": "d.xml", "mimeType": "text/xml", "buffer": _xml(cop_no, code)},
                "on_behalf_of": uscc,
            },
        )

    # 0. before any authorisation the platform is refused
    assert upload(people["a"].uscc, "A0", CODE_A).status == 403

    # 1. the enterprise authorises 晶贸通 by clicks, from its menu
    ent = _session(page, "qiye")
    ent.goto(f"{base}/")
    ent.get_by_role("link", name="代办授权", exact=True).first.click()
    ent.wait_for_load_state()
    ent.get_by_label("外贸综合服务平台").select_option(label="晶贸通")
    ent.get_by_label("代为上传海关数据").check()
    ent.get_by_label("查看贸易画像").check()
    ent.get_by_label("授权期限").select_option("90")
    ent.get_by_test_id("grant").click()
    ent.wait_for_load_state()
    expect(ent.get_by_test_id("mandate-state")).to_have_text("有效")
    detail_url = ent.url

    # 2. the platform uploads for that enterprise, and is refused for another
    response = upload(people["a"].uscc, "A1", CODE_A)
    assert response.status == 202, response.text()
    run = response.json()
    assert run["origin"] == "enterprise" and run["new"] == 1
    refused = upload(people["b"].uscc, "B1", CODE_B)
    assert refused.status == 403
    assert IngestRun.objects.count() == 1
    assert list(Declaration.objects.values_list("enterprise_id", flat=True)) == [people["a"].pk]

    # 3. the enterprise sees who acted, when and what, then revokes
    ent.goto(detail_url)
    rows = ent.get_by_test_id("action-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("jingmaotong")
    expect(rows.first).to_contain_text("代为上传海关数据")
    expect(rows.first).to_contain_text(f"#{run['id']}")
    ARTIFACTS.mkdir(exist_ok=True)
    ent.screenshot(path=str(ARTIFACTS / "mandates-journey-acts.png"), full_page=True)
    ent.on("dialog", lambda dialog: dialog.accept())  # the revoke button asks first
    ent.get_by_test_id("revoke").click()
    ent.wait_for_load_state()
    expect(ent.get_by_test_id("mandate-state")).to_have_text("已撤回")
    expect(ent.get_by_test_id("revoke")).to_have_count(0)

    # 4. the platform's next upload is refused and stores nothing
    assert upload(people["a"].uscc, "A2", CODE_A).status == 403
    assert IngestRun.objects.count() == 1 and Declaration.objects.count() == 1
