"""The worklist in real Chromium: an enterprise submits; the county officer's home shows the
application waiting (count and link), the header badge shows the unread message, and the
destructive "不予支持" asks first — cancelling sends nothing, confirming decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.testing import LATE_2026
from enterprises.validators import uscc_check_char

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(LATE_2026),
]


@pytest.fixture
def submitted(codes_loaded: None, make_user: Callable[..., Any]) -> Any:
    """An application of a Donghai enterprise, submitted by the enterprise (so its county's
    officer, ``donghai``, has been notified)."""
    from applications import services as app_services
    from applications.models import Application, ApplicationStatus
    from applications.workflow import transition
    from codes.models import County
    from enterprises.services import enterprise_create

    donghai = County.objects.get(code="320722")
    enterprise = enterprise_create(
        actor=None,
        uscc="91320722MA1WKTB01" + uscc_check_char("91320722MA1WKTB01"),
        name="东海县工作台测试有限公司",
        county=donghai,
        kind="trader",
        contact_email="",
    )
    reviewer = make_user("city", "city_reviewer")
    rnd = app_services.round_create_from_guide(actor=reviewer, year=2026)
    today = timezone.localdate()
    rnd = app_services.round_update(
        actor=reviewer,
        round=rnd,
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=10),
    )
    app_services.round_open(actor=reviewer, round=rnd)
    owner = make_user("qiye", "enterprise", enterprise=enterprise)
    make_user("donghai", "county_officer", county=donghai)
    app = Application.objects.create(
        round=rnd, enterprise=enterprise, county=donghai, measure="a3.benchmark"
    )
    transition(actor=owner, application=app, to=ApplicationStatus.SUBMITTED)
    return app


def test_officer_finds_the_submission_on_the_worklist_and_confirms_the_rejection(
    submitted: Any, page: Any, login: Callable[[str], Any]
) -> None:
    from applications.models import ApplicationStatus

    login("donghai")
    page.goto(f"{page.base_url}/")
    inbox = page.get_by_test_id("work-inbox")
    expect(inbox.locator(".work-count")).to_have_text("1")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")

    page.get_by_test_id("notice-badge").click()
    expect(page.locator("main")).to_contain_text("东海县工作台测试有限公司")

    page.goto(f"{page.base_url}/")
    page.get_by_test_id("work-inbox").click()
    expect(page.locator("main")).to_contain_text("东海县工作台测试有限公司")
    page.locator(f"main a[href='/applications/{submitted.pk}/']").first.click()
    page.wait_for_load_state()
    detail_url = page.url

    reject = page.get_by_test_id(f"transition-{ApplicationStatus.REJECTED}")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.fill("textarea[name=comment]", "材料不符合申报条件")
    reject.click()
    page.wait_for_timeout(300)
    assert asked and "不予支持" in asked[0]
    assert page.url == detail_url  # nothing was sent
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED

    page.once("dialog", lambda dialog: dialog.accept())
    reject.click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.REJECTED
