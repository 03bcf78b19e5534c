"""Issue 19 (十四, 十五) journey in real Chromium: the enterprise records an overseas warehousing
cost with its PDF and the proceeds it received, issues the FX netting statement and downloads it
as Excel and PDF, then opens the 无票免税/核定征收 checklist and the duty-free return deadlines;
every page fits a 375 px screen."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.testing import LATE_2026
from enterprises.validators import uscc_check_char

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(LATE_2026),
]

PDF = b"%PDF-1.4\n% overseas warehouse invoice\n%%EOF\n"


@pytest.fixture
def people(codes_loaded: None, make_user: Callable[..., Any]) -> dict[str, Any]:
    from exportdesk.models import ReturnWindow
    from exportdesk.windows import load_windows

    load_windows(ReturnWindow)  # the live server's database was flushed by earlier journeys
    from codes.models import County
    from customs.models import Declaration, LedgerAggregate, LedgerLine
    from enterprises.services import enterprise_create

    donghai = County.objects.get(code="320722")
    enterprise = enterprise_create(
        actor=None,
        uscc="91320722MA1EXPD01" + uscc_check_char("91320722MA1EXPD01"),
        name="东海县海外仓出口有限公司",
        county=donghai,
        kind="trader",
        contact_email="",
    )
    # one released 9610 export in USD in November 2026 (LATE_2026 is 2026-12-07)
    on = dt.date(2026, 11, 12)
    declaration = Declaration.objects.create(
        message_type="CEB603Message",
        direction="export",
        cop_no="J1",
        invt_no="23052026E000000001",
        ebc_code="3207960077",
        enterprise=enterprise,
        county=donghai,
        trade_mode="9610",
        customs_code="2305",
        country="502",
        declared_on=on,
        lines_count=1,
        total_cny_fen=7_100_000,
        released=True,
    )
    LedgerLine.objects.create(
        declaration=declaration,
        line_no=1,
        enterprise=enterprise,
        county=donghai,
        ebc_code="3207960077",
        mode="9610",
        direction="export",
        date=on,
        month=202611,
        country="502",
        hs_code="8518300000",
        goods_name="蓝牙耳机",
        unit="011",
        quantity=Decimal(100),
        unit_price=Decimal(100),
        currency="502",
        amount=Decimal(10000),
        rate=Decimal("7.1"),
        amount_cny_fen=7_100_000,
    )
    LedgerAggregate.objects.create(
        month=202611,
        year=2026,
        ebc_code="3207960077",
        enterprise=enterprise,
        county=donghai,
        mode="9610",
        direction="export",
        country="502",
        lines=1,
        amount_cny_fen=7_100_000,
    )
    return {"qiye": make_user("qiye", "enterprise", enterprise=enterprise)}


def _fits(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_enterprise_nets_costs_and_opens_the_tax_helpers(
    people: dict[str, Any],
    page: Any,
    login: Callable[[str], Any],
    shoot: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    login("qiye")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{page.base_url}/exportdesk/")
    expect(page.locator("h1")).to_have_text("出口服务")
    assert _fits(page) <= 375

    # an overseas warehousing cost with its PDF
    page.get_by_test_id("cost-add").click()
    page.select_option("select[name=kind]", "warehousing")
    page.select_option("select[name=currency]", "USD")
    page.fill("input[name=amount]", "1200.50")
    page.fill("input[name=incurred_on]", "2026-11-20")
    page.fill("input[name=payee]", "美国新泽西海外仓")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    page.set_input_files("input[name=document]", str(invoice))
    assert _fits(page) <= 375
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("costs")).to_contain_text("美国新泽西海外仓")

    # the proceeds received
    page.get_by_test_id("proceeds-add").click()
    page.select_option("select[name=currency]", "USD")
    page.fill("input[name=amount]", "8000")
    page.fill("input[name=received_on]", "2026-11-28")
    page.fill("input[name=bank]", "中国银行连云港分行")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("proceeds")).to_contain_text("中国银行连云港分行")

    # the statement for November
    page.select_option("#id_currency", "USD")
    page.fill("input[name=month_from]", "2026-11")
    page.fill("input[name=month_to]", "2026-11")
    page.get_by_test_id("statement-issue").click()
    figures = page.get_by_test_id("statement-figures")
    expect(figures).to_contain_text("10,000.00")  # released exports in USD
    expect(figures).to_contain_text("8,799.50")  # net due: 10,000 − 1,200.50
    expect(figures).to_contain_text("-799.50")  # received 8,000 − due 8,799.50
    assert _fits(page) <= 375
    shoot("exportdesk-statement")
    with page.expect_download() as info:
        page.get_by_test_id("download-xlsx").click()
    workbook = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    cells = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    numbers = [Decimal(str(c)) for c in cells if isinstance(c, int | float)]
    assert Decimal("8799.50") in numbers and Decimal("10000") in numbers
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")

    # the tax checklist: what is missing, and the estimate with its rule
    page.goto(f"{page.base_url}/exportdesk/tax/?year=2026")
    checklist = page.get_by_test_id("checklist")
    expect(checklist.locator('[data-check="customs"]')).to_have_attribute("data-ok", "1")
    expect(checklist.locator('[data-check="no_invoice"]')).to_have_attribute("data-ok", "0")
    deemed = page.get_by_test_id("deemed")
    expect(deemed).to_contain_text("估算")
    expect(deemed).to_contain_text("2,840.00")  # 71,000 CNY × 4 %
    expect(deemed).to_contain_text("国家税务总局公告2019年第36号")
    assert _fits(page) <= 375
    shoot("exportdesk-tax")

    # the return deadlines: six months from 2026-11-12
    page.goto(f"{page.base_url}/exportdesk/returns/?year=2026")
    row = page.get_by_test_id("returns").locator("tbody tr").first
    expect(row).to_contain_text("2027-05-12")
    expect(row).to_have_attribute("data-state", "open")
    assert _fits(page) <= 375


def _push_cost(base_url: str, token: str, uscc: str, key: str) -> int:
    """The warehouse partner's system pushes a cost through the API with its bearer token."""
    import urllib.error
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode(
        {
            "enterprise": uscc,
            "idempotency_key": key,
            "kind": "warehousing",
            "currency": "USD",
            "amount": "640.00",
            "incurred_on": "2026-11-25",
            "payee": "美国新泽西海外仓",
            "reference": "WH-2026-11",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the live test server
        f"{base_url}/api/v1/exportdesk/costs",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_enterprise_authorises_its_warehouse_which_pushes_a_cost_until_revoked(
    people: dict[str, Any],
    make_user: Callable[..., Any],
    page: Any,
    login: Callable[[str], Any],
    shoot: Callable[[str], Path],
) -> None:
    from accounts.services import api_token_create
    from exportdesk.models import OverseasCost

    warehouse = make_user(
        "haiwaicang", "partner", partner_kind="warehouse", organisation="新泽西海外仓公司"
    )
    _token, raw = api_token_create(actor=warehouse, user=warehouse, name="push", scope="write")
    uscc = people["qiye"].enterprise.uscc

    login("qiye")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{page.base_url}/exportdesk/")
    # before any authorisation the push is refused
    assert _push_cost(page.base_url, raw, uscc, "WH-0") == 403

    # the enterprise authorises its warehouse partner by clicks
    page.get_by_test_id("authorisations").click()
    page.select_option("select[name=partner]", str(warehouse.pk))
    page.select_option("select[name=scope]", "report_costs")
    page.select_option("select[name=days]", "90")
    assert _fits(page) <= 375
    page.get_by_test_id("authorise").click()
    table = page.get_by_test_id("authorisations")
    expect(table).to_contain_text("新泽西海外仓公司")
    expect(table.get_by_test_id("consent-state")).to_have_text("有效")

    # the partner pushes a cost; a retry with the same key stores nothing
    assert _push_cost(page.base_url, raw, uscc, "WH-1") == 201
    assert _push_cost(page.base_url, raw, uscc, "WH-1") == 200
    assert OverseasCost.objects.filter(reported_by=warehouse).count() == 1

    # the enterprise sees it, marked with its source, and on the statement
    page.goto(f"{page.base_url}/exportdesk/")
    expect(page.get_by_test_id("costs")).to_contain_text("新泽西海外仓公司报送")
    page.select_option("#id_currency", "USD")
    page.fill("input[name=month_from]", "2026-11")
    page.fill("input[name=month_to]", "2026-11")
    page.get_by_test_id("statement-issue").click()
    expect(page.get_by_test_id("statement-figures")).to_contain_text("9,360.00")  # 10,000 − 640
    expect(page.get_by_test_id("statement-costs")).to_contain_text("新泽西海外仓公司报送")
    assert _fits(page) <= 375
    shoot("exportdesk-partner-cost")

    # the enterprise revokes; the next push is refused and stores nothing
    page.goto(f"{page.base_url}/exportdesk/authorisations/")
    page.get_by_test_id("authorisations").locator("button").click()
    expect(page.get_by_test_id("consent-state")).to_have_text("已撤回")
    assert _push_cost(page.base_url, raw, uscc, "WH-2") == 403
    assert OverseasCost.objects.filter(reported_by=warehouse).count() == 1
