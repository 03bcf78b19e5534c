"""The review page of a notice is reachable by clicks, and its approve button follows the
service's rule (issue 15, blockers 2 and 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from time_machine import TimeMachineFixture

from core.navigation import nav_for
from funds import services
from funds.models import NoticeStatus, PublicNotice
from funds.tests.conftest import login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(
    world: Any,
    round_: Any,
    to_city_review: Any,
    django_capture_on_commit_callbacks: Any,
    holidays: None,
) -> PublicNotice:
    """A notice published through the page, as the reviewer does it."""
    to_city_review(cost="80000.00", matter="INV-1")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.proposal_run_start(actor=world.reviewer, round=round_)
    run.refresh_from_db()
    services.proposal_run_accept(actor=world.reviewer, run=run)
    client = login_client(world.reviewer)
    response = client.post(
        reverse("funds:notice_new", args=[round_.pk]), {"title": "2026年度拟支持项目公示"}
    )
    notice = PublicNotice.objects.get()
    assert response["Location"] == reverse("funds:notice_review", args=[notice.pk])
    return notice


def test_reviewer_reaches_the_review_page_from_navigation_lists_detail_and_round(
    world: Any, published: PublicNotice
) -> None:
    review = reverse("funds:notice_review", args=[published.pk])
    manage = reverse("funds:notice_manage")
    assert manage in {url for _label, url in nav_for(world.reviewer)}
    client = login_client(world.reviewer)
    pages = {
        "manage": client.get(manage),
        "public list": client.get(reverse("funds:notices")),
        "public detail": client.get(reverse("funds:notice_detail", args=[published.pk])),
        "rounds": client.get(reverse("funds:rounds")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert f'href="{review}"' in response.content.decode(), name
    assert client.get(review).status_code == 200


def test_review_list_counts_open_objections(world: Any, published: PublicNotice) -> None:
    services.objection_file(
        notice=published, name="张三", phone="13800000000", text="请核实该项目的费用。"
    )
    body = login_client(world.reviewer).get(reverse("funds:notice_manage")).content.decode()
    row = body.split(f'data-testid="notice-row-{published.pk}"')[1].split("</tr>")[0]
    assert '<span class="badge warn">1</span>' in row and "公示中" in row


@pytest.mark.parametrize("who", ["anonymous", "user_a", "donghai_officer", "finance"])
def test_others_see_no_review_links_and_cannot_open_the_review_list(
    world: Any, published: PublicNotice, who: str
) -> None:
    client = Client() if who == "anonymous" else login_client(getattr(world, who))
    review = reverse("funds:notice_review", args=[published.pk])
    for url in (reverse("funds:notices"), reverse("funds:notice_detail", args=[published.pk])):
        assert review not in client.get(url).content.decode()
    response = client.get(reverse("funds:notice_manage"))
    assert response.status_code in (302, 403)
    if who != "anonymous":
        assert reverse("funds:notice_manage") not in {u for _l, u in nav_for(getattr(world, who))}


def test_approve_button_is_disabled_with_the_reason_during_the_period(
    world: Any, published: PublicNotice
) -> None:
    client = login_client(world.reviewer)
    body = client.get(reverse("funds:notice_review", args=[published.pk])).content.decode()
    assert 'data-testid="approve-notice"' not in body
    assert 'data-testid="approve-notice-disabled"' in body
    assert f"公示期至 {published.ends_on.isoformat()} 结束" in body
    client.post(reverse("funds:notice_approve", args=[published.pk]))
    published.refresh_from_db()
    assert published.status == NoticeStatus.OPEN


def test_approve_button_waits_for_objections_then_is_offered(
    world: Any, published: PublicNotice, time_machine: TimeMachineFixture
) -> None:
    objection = services.objection_file(
        notice=published, name="张三", phone="13800000000", text="请核实该项目的费用。"
    )
    end = published.ends_on + dt.timedelta(days=1)
    time_machine.move_to(dt.datetime(end.year, end.month, end.day, 10, tzinfo=dt.UTC))
    assert timezone.localdate() > published.ends_on
    client = login_client(world.reviewer)
    url = reverse("funds:notice_review", args=[published.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="approve-notice"' not in body and "1 条异议未处理" in body
    services.objection_resolve(actor=world.reviewer, objection=objection, resolution="已核实。")
    body = client.get(url).content.decode()
    assert 'data-testid="approve-notice"' in body and "approve-notice-disabled" not in body
    client.post(reverse("funds:notice_approve", args=[published.pk]))
    published.refresh_from_db()
    assert published.status == NoticeStatus.APPROVED


def test_service_and_page_share_the_rule(world: Any, published: PublicNotice) -> None:
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    refusal = services.approval_refusal(published, today=today)
    assert refusal
    with pytest.raises(ValidationError) as exc:
        services.notice_approve(actor=world.reviewer, notice=published, today=today)
    assert exc.value.messages == [refusal]
