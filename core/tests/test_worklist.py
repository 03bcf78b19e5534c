"""The worklist (工作台) on the home page: per role, counts from the apps' scoped selectors,
each row linking to a page the user may open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from core.testing import LATE_2026
from core.worklist import worklist_for

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(LATE_2026)]


def _counts(user: Any) -> dict[str, int]:
    return {item.key: item.count for item in worklist_for(user)}


@pytest.fixture
def round_(users: dict[str, Any]) -> Any:
    from applications import services

    city = users["city_reviewer"]
    rnd = services.round_create_from_guide(actor=city, year=2026)
    today = timezone.localdate()
    rnd = services.round_update(
        actor=city,
        round=rnd,
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=20),
    )
    return services.round_open(actor=city, round=rnd)


@pytest.fixture
def application_in(round_: Any) -> Callable[..., Any]:
    from applications.models import Application

    def _make(enterprise: Any, status: str, **fields: Any) -> Any:
        return Application.objects.create(
            round=round_,
            enterprise=enterprise,
            county_id=enterprise.county_id,
            measure="a3.benchmark",
            status=status,
            **fields,
        )

    return _make


@pytest.fixture
def other_enterprise(counties: dict[str, Any]) -> Any:
    from enterprises.models import Enterprise

    return Enterprise.objects.create(
        uscc="91320707MA1YYYYY1Y",
        name="赣榆测试贸易有限公司",
        county=counties["ganyu"],
        kind="trader",
    )


def test_enterprise_counts_its_own_drafts_returned_and_notice(
    users: dict[str, Any], enterprise: Any, other_enterprise: Any, application_in: Any
) -> None:
    application_in(enterprise, "draft")
    application_in(enterprise, "draft")
    application_in(enterprise, "returned")
    application_in(enterprise, "public_notice")
    application_in(other_enterprise, "draft")  # not its own
    counts = _counts(users["enterprise"])
    assert counts["drafts"] == 2 and counts["returned"] == 1 and counts["in_notice"] == 1
    assert counts["open_rounds"] == 1
    assert counts["unread"] == 0


def test_county_officer_counts_its_own_county_only(
    users: dict[str, Any], enterprise: Any, other_enterprise: Any, application_in: Any
) -> None:
    from enterprises.models import Enterprise

    application_in(enterprise, "submitted")
    application_in(enterprise, "county_review")
    application_in(enterprise, "draft")  # not submitted: not the officer's yet
    application_in(other_enterprise, "submitted")  # another county
    Enterprise.objects.filter(pk=enterprise.pk).update(status="active")
    Enterprise.objects.filter(pk=other_enterprise.pk).update(status="pending")
    counts = _counts(users["county_officer"])
    assert counts["inbox"] == 2
    assert counts["registrations"] == 0  # the pending one is Ganyu's
    Enterprise.objects.filter(pk=enterprise.pk).update(status="pending")
    assert _counts(users["county_officer"])["registrations"] == 1
    assert _counts(users["city_reviewer"])["registrations"] == 2


def test_city_reviewer_counts_review_proposed_and_open_objections(
    users: dict[str, Any], enterprise: Any, application_in: Any, round_: Any
) -> None:
    from funds.models import Objection, PublicNotice

    application_in(enterprise, "submitted")  # the county's, not the city's
    application_in(enterprise, "city_review")
    application_in(enterprise, "proposed")
    today = timezone.localdate()
    notice = PublicNotice.objects.create(
        round=round_, title="公示", published_on=today, working_days=5, ends_on=today
    )
    Objection.objects.create(notice=notice, name="张三", phone="13800000000", text="异议内容")
    counts = _counts(users["city_reviewer"])
    assert counts["inbox"] == 1 and counts["proposed"] == 1
    assert counts["notices"] == 1 and counts["objections"] == 1
    assert "candidates" in counts


def test_finance_counts_approved_not_paid(
    users: dict[str, Any], enterprise: Any, application_in: Any
) -> None:
    application_in(enterprise, "approved")
    application_in(enterprise, "disbursed")
    application_in(enterprise, "public_notice")
    counts = _counts(users["finance_officer"])
    assert counts["unpaid"] == 1
    assert set(counts) == {"unpaid", "settlements", "unread"}


def test_unread_messages_are_the_users_own(users: dict[str, Any]) -> None:
    from applications.models import Notification

    Notification.objects.create(user=users["finance_officer"], message="m1")
    Notification.objects.create(user=users["finance_officer"], message="m2")
    Notification.objects.create(user=users["city_reviewer"], message="m3")
    assert _counts(users["finance_officer"])["unread"] == 2
    assert _counts(users["enterprise"])["unread"] == 0


def test_partners_get_the_work_of_their_kind(make_user: Callable[..., Any]) -> None:
    logistics = make_user("lg", "partner", partner_kind="logistics", logistics_code="3207980001")
    warehouse = make_user("wh", "partner", partner_kind="warehouse")
    bank = make_user("bk", "partner", partner_kind="bank")
    assert set(_counts(logistics)) == {"exceptions", "shipments", "vouchers", "unread"}
    assert set(_counts(warehouse)) == {"warehouses", "unread"}
    assert set(_counts(bank)) == {"unread"}


def test_administrator_sees_failed_tasks_and_workers(users: dict[str, Any]) -> None:
    items = {item.key: item for item in worklist_for(users["administrator"])}
    assert items["failed_tasks"].count == 0
    assert items["workers"].count == 0 and items["workers"].note  # no worker: said plainly


def test_nobody_signed_in_has_no_worklist() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert worklist_for(AnonymousUser()) == [] and worklist_for(None) == []


@pytest.mark.parametrize(
    "role",
    [
        "enterprise",
        "county_officer",
        "city_reviewer",
        "finance_officer",
        "partner",
        "administrator",
    ],
)
def test_home_shows_the_worklist_and_every_link_opens(
    client: Client, users: dict[str, Any], round_: Any, role: str
) -> None:
    client.force_login(users[role])
    response = client.get("/")
    html = response.content.decode()
    assert 'data-testid="worklist"' in html
    for item in response.context["worklist"]:
        assert f'data-testid="work-{item.key}"' in html
        assert client.get(item.url, follow=True).status_code == 200, (role, item.url)


@pytest.mark.parametrize(
    "role",
    [
        "enterprise",
        "county_officer",
        "city_reviewer",
        "finance_officer",
        "partner",
        "administrator",
    ],
)
def test_worklist_and_header_read_in_english(
    client: Client, users: dict[str, Any], round_: Any, role: str
) -> None:
    import re

    client.force_login(users[role])
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    worklist = html[html.index('data-testid="worklist"') : html.index('data-testid="home-cards"')]
    header = html[html.index('<header class="site-header">') : html.index('class="main-nav"')]
    # no Chinese outside data (a round's name is data: the candidates row's note)
    labels = re.findall(r'class="work-label">([^<]*)<', worklist)
    assert labels and not any(re.search(r"[\u4e00-\u9fff]", label) for label in labels), labels
    assert "Menu" in header and "菜单" not in header
    assert re.search(r"[\u4e00-\u9fff]", html[html.index("data-confirm-template") :][:80]) is None
