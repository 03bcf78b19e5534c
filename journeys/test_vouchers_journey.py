"""Issue 18 capacity vouchers (运力券) in real Chromium, by clicks only: the city reviewer sets the
year's pool, records the capacity bought from a logistics company, creates and publishes a batch;
the enterprise records its logistics contract (with its file) and claims vouchers in the batch;
the logistics partner redeems part of a voucher against an invoice; the month ends (the clock
moves, no row is edited) and finance issues the company's monthly settlement statement, downloads
it and pays it; the city reviewer sees the dashboard. Every page is also checked at 375 px: nothing
makes it wider than the screen."""

from __future__ import annotations

import datetime as dt
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

START = at(2026, 6, 15)  # a Monday in the 2026 policy year (its guide opens a11.capacity_voucher)
CARRIER = "3207980001"
CONTRACT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def people(codes_loaded: None, make_user: Callable[..., Any]) -> dict[str, Any]:
    from codes.models import County
    from enterprises.demo import generate_uscc
    from enterprises.services import enterprise_create

    donghai = County.objects.get(code="320722")
    enterprise = enterprise_create(
        actor=None,
        uscc=generate_uscc(random.Random(18), "320722"),
        name="东海县运力券旅程跨境电商有限公司",
        county=donghai,
        kind="trader",
    )
    return {
        "enterprise": make_user("qiye", "enterprise", enterprise=enterprise),
        "city": make_user("city", "city_reviewer"),
        "finance": make_user("finance", "finance_officer"),
        "carrier": make_user(
            "wuliu",
            "partner",
            partner_kind="logistics",
            logistics_code=CARRIER,
            organisation="连云港快运",
        ),
    }


def test_pool_batch_claim_redeem_settle_and_pay(
    page: Any, people: dict[str, Any], time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(START)
    pg = page
    main = pg.locator("main")

    # -- the city reviewer: pool, capacity purchase, batch, publish
    _login(pg, "city")
    _nav(pg, "运力券批次")
    fits_phone(pg)
    _click(pg, main.get_by_role("link", name="资金池与运力采购"))
    pool_form = pg.get_by_test_id("pool-form")
    expect(pool_form.get_by_label("年度")).to_have_value("2026")
    pool_form.get_by_label("资金池总额").fill("1000000")
    fits_phone(pg)
    _click(pg, pool_form.get_by_role("button", name="保存资金池"))
    expect(pg.get_by_test_id("pool-left")).to_have_text("1,000,000.00")
    purchase = pg.get_by_test_id("purchase-form")
    purchase.get_by_label("物流企业海关编码").fill(CARRIER)
    purchase.get_by_label("物流企业名称").fill("连云港快运有限公司")
    purchase.get_by_label("采购合同编号").fill("CG-2026-01")
    purchase.get_by_label("采购运力金额").fill("500000")
    fits_phone(pg)
    _click(pg, purchase.get_by_role("button", name="登记"))
    expect(pg.get_by_test_id("purchases")).to_contain_text("连云港快运有限公司")

    _nav(pg, "运力券批次")
    _click(pg, pg.get_by_test_id("batch-create"))
    pg.get_by_label("批次名称").fill("2026 年第一批运力券")
    pg.get_by_label("批次额度").fill("300000")
    expect(pg.get_by_label("券面额")).to_have_value("1000,500,100")
    pg.get_by_label("有效期止").fill("2026-09-30")
    fits_phone(pg)
    _click(pg, main.get_by_role("button", name="创建（暂不发布）"))
    expect(pg.get_by_test_id("batch-status")).to_have_text("未发布")
    fits_phone(pg)
    _click(pg, pg.get_by_test_id("publish"))
    expect(pg.get_by_test_id("batch-status")).to_have_text("发放中")
    _logout(pg)

    # -- the enterprise: its logistics contract, then the claim in the open batch
    _login(pg, "qiye")
    _nav(pg, "运力券")
    _click(pg, main.get_by_role("link", name="物流合同"))
    _click(pg, pg.get_by_test_id("contract-create"))
    pg.get_by_label("合作物流企业").select_option(CARRIER)
    pg.get_by_label("合同编号").fill("WL-2026-A001")
    pg.get_by_label("合同金额").fill("300000")
    pg.get_by_label("合同期起").fill("2026-06-01")
    pg.get_by_label("合同期止").fill("2026-12-31")
    pg.get_by_label("合同文件").set_input_files(
        {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": CONTRACT_PDF}
    )
    fits_phone(pg)
    _click(pg, main.get_by_role("button", name="登记"))
    expect(main).to_contain_text("WL-2026-A001")
    expect(main).to_contain_text("未申领")
    fits_phone(pg)
    _click(pg, pg.get_by_test_id("open-batches").get_by_role("link", name="2026 年第一批运力券"))
    claim = pg.get_by_test_id("claim-form")
    claim.get_by_label("物流合同").select_option(label="连云港快运有限公司 WL-2026-A001")
    fits_phone(pg)
    _click(pg, claim.get_by_role("button", name="申领"))
    # 2% of 300,000 is 6,000, issued as six 1,000 vouchers
    expect(main).to_contain_text("发放运力券 6 张，合计 6,000.00 元")
    expect(main).to_contain_text("共 6 张运力券")
    fits_phone(pg)
    _logout(pg)

    # -- the logistics partner: redeems part of a voucher against an invoice
    _login(pg, "wuliu")
    _nav(pg, "运力券")
    expect(main).to_contain_text("运力券核销")
    fits_phone(pg)
    _click(pg, main.locator("table a").first)
    redeem = pg.get_by_test_id("redeem-form")
    redeem.get_by_label("发票号码").fill("FP20260615001")
    redeem.get_by_label("发票金额").fill("2000")
    expect(redeem.get_by_label("开票日期")).to_have_value("2026-06-15")
    redeem.get_by_label("本次核销金额").fill("600")
    fits_phone(pg)
    _click(pg, redeem.get_by_role("button", name="确认核销"))
    expect(pg.get_by_test_id("voucher-redeemed")).to_have_text("600.00")
    expect(pg.get_by_test_id("voucher-remaining")).to_have_text("400.00")
    expect(pg.get_by_test_id("redemptions")).to_contain_text("FP20260615001")
    _logout(pg)

    # -- June is over: finance issues the company's June statement, downloads it and pays it
    time_machine.move_to(at(2026, 7, 2))
    _login(pg, "finance")
    _nav(pg, "运力券结算")
    issue = pg.get_by_test_id("issue-form")
    expect(issue.get_by_label("结算月份")).to_have_value("2026-06")
    issue.get_by_label("物流企业").select_option(CARRIER)
    fits_phone(pg)
    _click(pg, issue.get_by_role("button", name="生成结算单"))
    expect(pg.get_by_test_id("settlement-status")).to_have_text("待支付")
    expect(pg.get_by_test_id("settlement-amount")).to_have_text("600.00")
    expect(pg.get_by_test_id("statement-rows")).to_contain_text("FP20260615001")
    with pg.expect_download() as download:
        pg.get_by_test_id("statement-xlsx").click()
    assert download.value.suggested_filename == f"settlement-{CARRIER}-202606.xlsx"
    fits_phone(pg)
    pay = pg.get_by_test_id("pay-form")
    expect(pay.get_by_label("支付日期")).to_have_value("2026-07-02")
    pay.get_by_label("银行流水号").fill("BANK-20260702-01")
    _click(pg, pay.get_by_role("button", name="确认支付"))
    expect(pg.get_by_test_id("settlement-status")).to_have_text("已支付")
    expect(pg.get_by_test_id("pay-form")).to_have_count(0)
    _logout(pg)

    # -- the city reviewer: the dashboard shows what was issued, redeemed and paid
    _login(pg, "city")
    _nav(pg, "运力券看板")
    expect(pg.get_by_test_id("pool-used")).to_have_text("6,000.00")
    expect(pg.get_by_test_id("pool-left")).to_have_text("994,000.00")
    rows = pg.get_by_test_id("dashboard-rows")
    expect(rows).to_contain_text("东海县")
    expect(rows).to_contain_text("2026-06")
    fits_phone(pg)
    _nav(pg, "运力券批次")
    _click(pg, main.get_by_role("link", name="资金池与运力采购"))
    _click(pg, main.get_by_role("link", name="2026", exact=True))
    figures = pg.get_by_test_id("pool-figures")
    expect(figures).to_contain_text("600.00")
    fits_phone(pg)


def test_the_partner_cannot_redeem_another_company_s_voucher_by_url(
    page: Any,
    people: dict[str, Any],
    make_user: Callable[..., Any],
    time_machine: TimeMachineFixture,
) -> None:
    """A partner of another company opening a voucher's address gets a 404, and nothing moves."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vouchers import services
    from vouchers.models import Redemption, Voucher

    time_machine.move_to(START)
    city = people["city"]
    pool = services.pool_set(actor=city, year=2026, amount="1000000")
    services.purchase_record(
        actor=city,
        pool=pool,
        logistics_code=CARRIER,
        company_name="连云港快运有限公司",
        contract_no="CG-2026-01",
        amount="500000",
        valid_from="2026-01-01",
        valid_to="2026-12-31",
    )
    batch = services.batch_create(
        actor=city,
        pool=pool,
        name="2026 年第一批运力券",
        amount="300000",
        face_values=["1000"],
        valid_from="2026-06-01",
        valid_to="2026-09-30",
        per_enterprise_limit="100000",
    )
    batch = services.batch_publish(actor=city, batch=batch)
    contract = services.contract_record(
        actor=people["enterprise"],
        logistics_code=CARRIER,
        contract_no="WL-2026-A001",
        amount="100000",
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 12, 31),
        file=SimpleUploadedFile("c.pdf", CONTRACT_PDF, "application/pdf"),
    )
    services.claim_create(actor=people["enterprise"], batch=batch, contract=contract)
    code = Voucher.objects.values_list("code", flat=True).first()
    make_user("other", "partner", partner_kind="logistics", logistics_code="3207980002")

    _login(page, "other")
    _nav(page, "运力券")
    expect(page.locator("main")).to_contain_text("没有运力券")
    response = page.goto(f"{page.base_url}/vouchers/v/{code}/")
    assert response is not None and response.status == 404
    assert Redemption.objects.count() == 0
