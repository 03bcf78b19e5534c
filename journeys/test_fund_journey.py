"""Issue 4 journey in real Chromium: the enterprise applies with an evidence file → the county
officer approves → the city reviewer runs the engine and proposes (explanation visible) → the
notice is published and its PDF downloads → the public files an objection, the reviewer resolves
it → approved → the finance officer records the payment. The enterprise, in its own browser
session, sees each status and finally the amount with its explanation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from time_machine import TimeMachineFixture

from core.testing import LATE_2026
from enterprises.validators import uscc_check_char
from journeys.steps import sign_in as _login
from journeys.steps import sign_out as _logout

# A day inside the policy, so the 2026 round can be open around "today" (see core.testing).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(LATE_2026),
]

# A minimal but well-formed PDF: the upload check sniffs the content, not the name.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def people(codes_loaded: None, make_user: Callable[..., Any]) -> dict[str, Any]:
    from applications import services as app_services
    from codes.models import County
    from enterprises.services import enterprise_create, recognition_add

    donghai = County.objects.get(code="320722")
    enterprise = enterprise_create(
        actor=None,
        uscc="91320722MA1FUND01" + uscc_check_char("91320722MA1FUND01"),
        name="东海县晶华水晶工艺品有限公司",
        county=donghai,
        kind="manufacturer",
        contact_email="",
    )
    reviewer = make_user("city", "city_reviewer")
    # (七) brand promotion pays brand enterprises: this one entered the 重点品牌企业培育库 in 2025.
    recognition_add(actor=reviewer, enterprise=enterprise, type="brand_pool", year=2025)
    rnd = app_services.round_create_from_guide(actor=reviewer, year=2026)
    today = timezone.localdate()
    rnd = app_services.round_update(
        actor=reviewer,
        round=rnd,
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=10),
    )
    app_services.round_open(actor=reviewer, round=rnd)
    return {
        "enterprise": make_user("qiye", "enterprise", enterprise=enterprise),
        "county_officer": make_user("donghai", "county_officer", county=donghai),
        "city_reviewer": reviewer,
        "finance_officer": make_user("finance", "finance_officer"),
        "round": rnd,
    }


def test_fund_journey_from_application_to_disbursement(
    page: Any,
    people: dict[str, Any],
    shoot: Callable[[str], Path],
    tmp_path: Path,
    time_machine: TimeMachineFixture,
) -> None:
    from applications.models import Application
    from funds.models import PublicNotice

    rnd = people["round"]
    base = page.base_url
    # the enterprise keeps its own browser session throughout
    ent_context = page.context.browser.new_context(locale="zh-CN")
    ent_context.set_default_timeout(15_000)
    ent = ent_context.new_page()
    ent.base_url = base
    _login(ent, "qiye")

    # 1. the enterprise applies with an evidence file
    ent.goto(f"{base}/applications/rounds/{rnd.pk}/apply/a7.brand_promotion/")
    ent.fill("input[name=matter]", "INV-2026-0088")
    ent.fill("input[name=cost]", "80000.00")
    ent.fill("input[name=cost_date]", "2026-11-20")  # the invoice date, inside the 2026 period
    evidence = tmp_path / "发票.pdf"
    evidence.write_bytes(EVIDENCE_PDF)
    ent.set_input_files("input[name=evidence_files]", str(evidence))
    ent.get_by_test_id("submit-application").click()
    ent.wait_for_load_state()
    app = Application.objects.get()
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("待县区审核")
    expect(ent.get_by_test_id("evidence-list")).to_contain_text("发票.pdf")

    # 2. the county officer approves to city review
    _login(page, "donghai")
    page.goto(f"{base}/applications/{app.pk}/")
    page.get_by_test_id("transition-city_review").click()
    page.wait_for_load_state()
    _logout(page)
    ent.reload()
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("待市级审核")

    # 3. the city reviewer runs the engine (background task), sees the explanation, proposes
    _login(page, "city")
    page.goto(f"{base}/funds/rounds/")
    page.get_by_role("button", name="运行资金测算").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("run-status")).to_have_text("已完成")
    result = page.get_by_test_id("run-result")
    expect(result).to_contain_text("40,000.00")
    expect(result).to_contain_text("第（七）条")
    expect(page.get_by_test_id("technical-info")).to_contain_text("sha256:")
    shoot("fund-journey-run")
    page.get_by_test_id("accept-run").click()
    page.wait_for_load_state()
    ent.reload()
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("拟支持")
    expect(ent.get_by_test_id("amount-proposed")).to_have_text("40,000.00")
    expect(ent.get_by_test_id("explanation")).to_contain_text("× 50%")

    # 4. the notice is published; its PDF downloads
    page.goto(f"{base}/funds/rounds/{rnd.pk}/notice/")
    page.get_by_test_id("publish-notice").click()
    page.wait_for_load_state()
    notice = PublicNotice.objects.get()
    expect(page.get_by_test_id("notice-period")).to_contain_text("7 个工作日")
    _logout(page)
    ent.reload()
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("公示中")

    # 5. the public (not logged in) reads the notice, downloads the PDF and files an objection
    page.goto(f"{base}/funds/notices/")
    page.get_by_role("link", name=notice.title).click()
    expect(page.get_by_test_id("notice-entries")).to_contain_text("东海县晶华水晶工艺品有限公司")
    expect(page.get_by_test_id("notice-entries")).not_to_contain_text("INV-2026-0088")
    with page.expect_download() as info:
        page.get_by_test_id("notice-pdf").click()
    pdf_path = tmp_path / "notice.pdf"
    info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    page.get_by_test_id("file-objection").click()  # empty: refused with messages
    expect(page.locator(".errorlist").first).to_be_visible()
    page.fill("input[name=name]", "王先生")
    page.fill("input[name=phone]", "13812345678")
    page.fill("textarea[name=text]", "请核实该企业品牌推广费用发票是否真实。")
    page.get_by_test_id("file-objection").click()
    expect(page.get_by_test_id("objection-filed")).to_be_visible()
    shoot("fund-journey-objection")

    # 6. the reviewer cannot approve during the notice period, nor before the objection is
    # resolved (the button says why); resolves it; approves
    _login(page, "city")
    page.goto(f"{base}/funds/notices/{notice.pk}/review/")
    expect(page.get_by_test_id("approve-notice-disabled")).to_be_disabled()
    expect(page.get_by_test_id("approval-refusal")).to_contain_text(str(notice.ends_on))
    _logout(page)
    ent_url = ent.url
    # time passes (the clock moves; nothing is edited): the notice period is over, and both
    # sessions have expired in the meantime
    time_machine.shift(notice.ends_on - timezone.localdate() + dt.timedelta(days=2))
    _login(page, "city")
    page.goto(f"{base}/funds/notices/{notice.pk}/review/")
    expect(page.get_by_test_id("approve-notice-disabled")).to_be_disabled()
    expect(page.get_by_test_id("approval-refusal")).to_contain_text("异议")
    page.fill("textarea[name=resolution]", "经核实，发票真实有效，异议不成立。")
    page.get_by_role("button", name="处理异议").click()
    page.wait_for_load_state()
    page.get_by_test_id("approve-notice").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("notice-status")).to_have_text("已批准")
    _logout(page)
    _login(ent, "qiye")
    ent.goto(ent_url)
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("已批准")
    expect(ent.get_by_test_id("amount-approved")).to_have_text("40,000.00")

    # 7. the finance officer records the payment
    _login(page, "finance")
    page.goto(f"{base}/funds/payments/")
    page.get_by_role("link", name="登记拨付").click()
    page.fill("input[name=bank_reference]", "BOC-LYG-20261126-0001")
    page.get_by_test_id("record-payment").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("paid")).to_contain_text("BOC-LYG-20261126-0001")

    # 8. the enterprise sees the amount paid with its explanation
    ent.reload()
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("已拨付")
    expect(ent.get_by_test_id("amount-paid")).to_have_text("40,000.00")
    expect(ent.get_by_test_id("explanation")).to_contain_text("第（七）条")
    ent.screenshot(path=str(shoot("fund-journey-paid").with_name("fund-journey-enterprise.png")))
    ent_context.close()
