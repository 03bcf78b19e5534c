"""Issue 15, public information as a visitor walks it: the home page (rounds, notices, guides,
FAQ, contact), a guide's checklist download, an objection filed on a notice and looked up with
its reference, and a forgotten password reset through the e-mailed link."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Harbour-Crystal-2027"  # noqa: S105 - a test user only


@pytest.fixture
def published(codes_loaded: None) -> Any:
    from applications.models import Round
    from funds.models import PublicNotice

    today = timezone.localdate()
    rnd = Round.objects.create(
        year=today.year,
        name="跨境电商专项资金申报（旅程测试批次）",
        guide_year="2026",
        guide_hash="journey",
        opens_on=today - dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=30),
        status="open",
        budget_total=Decimal("1000000"),
    )
    return PublicNotice.objects.create(
        round=rnd,
        title="旅程测试拟支持项目公示",
        published_on=today,
        working_days=7,
        ends_on=today + dt.timedelta(days=10),
    )


def test_a_visitor_reads_downloads_objects_and_resets_a_password(
    page: Any, published: Any, make_user: Any, shoot: Any
) -> None:
    user = make_user("visitor_ent", "city_reviewer")
    user.email = "visitor@example.com"
    user.save(update_fields=["email"])

    page.goto(f"{page.base_url}/")
    rounds = page.get_by_test_id("public-rounds")
    assert "跨境电商专项资金申报（旅程测试批次）" in rounds.inner_text()
    assert "旅程测试拟支持项目公示" in page.get_by_test_id("public-notices").inner_text()
    assert page.get_by_test_id("faq").is_visible() and page.get_by_test_id("contact").is_visible()
    shoot("public-home")

    with page.expect_download() as download:
        page.get_by_test_id("guide-checklist-2026").click()
    assert download.value.suggested_filename == "guide-2026-checklist.xlsx"

    page.get_by_test_id("policy-link").click()
    assert "对首次进入名单的跨境电商企业" in page.get_by_test_id("policy-text").inner_text()
    page.go_back()

    page.get_by_role("link", name="旅程测试拟支持项目公示").first.click()
    page.get_by_label("姓名").fill("王五")
    page.get_by_label("联系电话", exact=True).fill("13800000000")
    page.get_by_label("异议内容").fill("请核实公示项目的费用凭证。")
    page.get_by_test_id("file-objection").click()
    reference = page.get_by_test_id("objection-reference").inner_text()
    assert re.fullmatch(r"\d{2}-\d{6}", reference)
    page.get_by_label("受理编号").fill(reference)
    page.get_by_label("提交时填写的联系电话或电子邮箱").fill("13800000000")
    page.get_by_test_id("lookup-objection").click()
    assert "待处理" in page.get_by_test_id("objection-status").inner_text()
    shoot("public-objection-lookup")

    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    page.get_by_label("账户的电子邮箱").fill("visitor@example.com")
    page.get_by_test_id("send-reset").click()
    assert page.get_by_test_id("reset-sent").is_visible()
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    page.goto(link.group(0))
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_test_id("set-password").click()
    assert page.get_by_test_id("reset-complete").is_visible()

    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "visitor_ent")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
