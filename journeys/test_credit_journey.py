"""Issue 19 (九, 十七) journey in real Chromium: the enterprise compares products and applies for a
loan, granting the bank its trade profile and registry details (not its recognitions); the bank
sees exactly that, starts the review and takes the signed trade profile; the enterprise sees each
access and revokes the consent; the bank then sees nothing — not the application, not the data,
not the profile — while the profile it holds still verifies on the public page."""

from __future__ import annotations

from collections.abc import Callable
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


@pytest.fixture
def people(codes_loaded: None, make_user: Callable[..., Any]) -> dict[str, Any]:
    from codes.models import County
    from credit import services
    from customs.models import LedgerAggregate
    from enterprises.services import enterprise_create, recognition_add

    donghai = County.objects.get(code="320722")
    enterprise = enterprise_create(
        actor=None,
        uscc="91320722MA1CRED01" + uscc_check_char("91320722MA1CRED01"),
        name="东海县晶华跨境贸易有限公司",
        county=donghai,
        kind="trader",
        contact_email="",
    )
    city = make_user("city", "city_reviewer")
    recognition_add(actor=city, enterprise=enterprise, type="brand_pool", year=2025)
    LedgerAggregate.objects.create(
        month=202610,
        year=2026,
        ebc_code="3207960009",
        enterprise=enterprise,
        county=donghai,
        mode="9610",
        direction="export",
        country="502",
        lines=12,
        amount_cny_fen=86_420_000,
    )
    bank = make_user("bankuser", "partner", partner_kind="bank", organisation="示例银行连云港分行")
    loan = services.product_save(
        actor=bank,
        name="信用保险+保单融资",
        amount_min="100000",
        amount_max="3000000",
        rate_min="3.2",
        rate_max="4.5",
        term_months=12,
        criteria="已投保出口信用保险",
    )
    other = make_user("bank2", "partner", partner_kind="bank", organisation="另一银行")
    services.product_save(
        actor=other,
        name="跨境电商信用贷",
        amount_min="50000",
        amount_max="1000000",
        rate_min="3.9",
        rate_max="5.2",
        term_months=12,
    )
    return {
        "enterprise": enterprise,
        "qiye": make_user("qiye", "enterprise", enterprise=enterprise),
        "bank": bank,
        "loan": loan,
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


def _shoot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_enterprise_applies_then_revokes_and_the_bank_sees_only_what_was_consented(
    page: Any, people: dict[str, Any]
) -> None:
    from credit.models import ConsentAccess, CreditApplication

    base = page.base_url
    ent = _session(page, "qiye")
    bank = _session(page, "bankuser")

    # 1. the enterprise finds the products in its menu, compares two, and applies for the loan
    ent.goto(f"{base}/")
    ent.get_by_role("link", name="金融保险", exact=True).first.click()
    ent.wait_for_load_state()
    for box in ent.locator("input[name=ids]").all():
        box.check()
    ent.get_by_test_id("compare").click()
    ent.wait_for_load_state()
    expect(ent.get_by_test_id("compare-table")).to_contain_text("信用保险+保单融资")
    expect(ent.get_by_test_id("compare-table")).to_contain_text("跨境电商信用贷")
    ent.get_by_role("link", name="信用保险+保单融资").click()
    ent.get_by_test_id("apply").click()
    ent.fill("input[name=amount]", "600000")
    ent.fill("input[name=term_months]", "6")
    ent.fill("input[name=purpose]", "海外仓备货")
    ent.check("input[name=scopes][value=trade]")
    ent.check("input[name=scopes][value=registry]")
    ent.get_by_test_id("apply-submit").click()
    ent.wait_for_load_state()
    expect(ent.get_by_test_id("application-status")).to_have_text("已受理")
    application = CreditApplication.objects.get()
    assert application.consent.scopes == ["trade", "registry"]

    # 2. the bank sees the application with exactly the consented data, reviews, takes the profile
    bank.goto(f"{base}/")
    bank.get_by_role("link", name="融资保险申请").first.click()
    bank.wait_for_load_state()
    bank.get_by_role("link", name=str(application.pk), exact=True).click()
    bank.wait_for_load_state()
    data = bank.get_by_test_id("consented-data")
    expect(data.get_by_test_id("data-trade-total")).to_contain_text("864200.00")
    expect(data.get_by_test_id("data-registry")).to_contain_text(people["enterprise"].uscc)
    expect(data.get_by_test_id("data-recognitions")).to_have_count(0)  # not consented
    expect(data.get_by_test_id("data-subsidies")).to_have_count(0)
    bank.get_by_test_id("action-review").click()
    bank.wait_for_load_state()
    expect(bank.get_by_test_id("application-status")).to_have_text("审查中")
    bank.get_by_test_id("issue-profile").click()
    bank.wait_for_load_state()
    number = bank.get_by_test_id("profile-number").inner_text()
    digest = bank.get_by_test_id("profile-sm3").inner_text()
    _shoot(bank, "credit-journey-bank-profile")
    profile_url = bank.url
    application_url = f"{base}/credit/applications/{application.pk}/"

    # 3. the enterprise sees every access the bank made, then revokes the consent
    ent.goto(f"{base}/credit/consents/")
    ent.get_by_role("link", name="示例银行连云港分行").click()
    ent.wait_for_load_state()
    accesses = ent.get_by_test_id("accesses")
    expect(accesses).to_contain_text("bankuser")
    expect(accesses).to_contain_text(number)
    seen = ConsentAccess.objects.count()
    assert seen >= 3  # the page twice (before and after the review) and the profile
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    ent.once("dialog", accept)  # revoking is destructive: the button asks first
    ent.get_by_test_id("revoke").click()
    ent.wait_for_load_state()
    assert asked and "立即撤回授权" in asked[0]
    expect(ent.get_by_test_id("consent-state")).to_have_text("已撤回")
    _shoot(ent, "credit-journey-revoked")

    # 4. the bank sees nothing any more: not the application, not the data, not the profile
    for url in (application_url, profile_url, f"{profile_url}profile.json"):
        response = bank.goto(url)
        assert response is not None and response.status == 404, url
        assert people["enterprise"].name not in bank.content()
    bank.goto(f"{base}/credit/applications/")
    expect(bank.get_by_test_id("empty")).to_be_visible()
    assert people["enterprise"].name not in bank.content()
    assert ConsentAccess.objects.count() == seen  # refused reads are not accesses
    ent.reload()
    expect(ent.get_by_test_id("accesses")).not_to_contain_text("撤回后")

    # 5. the document the bank already holds still verifies as genuine on the public page
    anon = page
    anon.goto(f"{base}/credit/verify/?number={number}&digest={digest}")
    expect(anon.get_by_test_id("verify-ok")).to_be_visible()
    anon.goto(f"{base}/credit/verify/?number={number}&digest={'0' * 64}")
    expect(anon.get_by_test_id("verify-refused")).to_be_visible()
