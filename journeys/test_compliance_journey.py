"""Issue 19 (十九) compliance desk journey in real Chromium: an enterprise searches the knowledge
base in Chinese, reads an article and asks a question on its topic; the advisory organisation the
question is routed to answers it; the enterprise sees the answer. Each page fits 375 px."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from time_machine import TimeMachineFixture

from core.testing import at
from journeys.steps import click, fits_phone, nav, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = at(2026, 6, 15)
TITLE = "欧盟进口增值税一站式申报（IOSS）实务"
QUESTION = "我司通过德国海外仓销售水晶饰品，是否需要注册IOSS？"
ANSWER = "海外仓备货属于一般贸易进口，不适用IOSS，应在德国办理进口清关。"


@pytest.fixture
def people(
    codes_loaded: None, make_user: Callable[..., Any], time_machine: TimeMachineFixture
) -> dict[str, Any]:
    from codes.models import Country, County
    from compliance import services
    from enterprises.demo import generate_uscc
    from enterprises.services import enterprise_create

    time_machine.move_to(TODAY)
    enterprise = enterprise_create(
        actor=None,
        uscc=generate_uscc(random.Random(19), "320722"),
        name="东海县合规旅程跨境电商有限公司",
        county=County.objects.get(code="320722"),
        kind="trader",
    )
    advisor = make_user(
        "advisor", "partner", partner_kind="advisor", organisation="连云港跨境电商协会"
    )
    services.advisor_topics_set(actor=advisor, topics=["clearance"])
    services.article_create(
        actor=advisor,
        title=TITLE,
        topic="clearance",
        body="价值不超过150欧元的包裹可通过IOSS申报缴纳进口增值税。\n注册后在包裹申报中提供编号。",
        countries=Country.objects.filter(customs_code="304"),
        publish=True,
    )
    services.article_create(
        actor=advisor,
        title="亚马逊商标侵权投诉的应对",
        topic="ip",
        body="保存采购凭证。",
        publish=True,
    )
    return {"enterprise": make_user("qiye", "enterprise", enterprise=enterprise)}


def test_enterprise_searches_asks_and_reads_the_advisors_answer(
    page: Any, people: dict[str, Any]
) -> None:
    pg = page
    main = pg.locator("main")
    sign_in(pg, "qiye")
    nav(pg, "合规知识库")
    pg.fill("input[name=q]", "一站式申报")
    click(pg, main.get_by_role("button", name="查询"))
    rows = main.get_by_test_id("article-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(TITLE)
    fits_phone(pg)
    click(pg, rows.first.get_by_role("link", name=TITLE))
    expect(main.get_by_test_id("article-body")).to_contain_text("150欧元")
    fits_phone(pg)
    click(pg, main.get_by_test_id("ask-link"))
    form = main.get_by_test_id("ask-form")
    expect(form.locator("select[name=topic]")).to_have_value("clearance")
    form.locator("select[name=country]").select_option("304")
    form.locator("textarea[name=text]").fill(QUESTION)
    click(pg, main.get_by_test_id("ask"))
    expect(main.get_by_test_id("question-text")).to_contain_text(QUESTION)
    expect(main.get_by_test_id("question-status")).to_contain_text("待答复")
    fits_phone(pg)
    sign_out(pg)

    sign_in(pg, "advisor")
    nav(pg, "合规咨询")
    row = main.get_by_test_id("question-row")
    expect(row).to_have_count(1)
    fits_phone(pg)
    click(pg, row.first.get_by_role("link"))
    pg.fill("textarea[name=answer]", ANSWER)
    click(pg, main.get_by_test_id("send-answer"))
    expect(main.get_by_test_id("question-status")).to_contain_text("已答复")
    sign_out(pg)

    sign_in(pg, "qiye")
    nav(pg, "合规咨询")
    click(pg, main.get_by_test_id("question-row").first.get_by_role("link"))
    expect(main.get_by_test_id("answer")).to_contain_text(ANSWER)
    expect(main.get_by_test_id("answer")).to_contain_text("连云港跨境电商协会")
    fits_phone(pg)
