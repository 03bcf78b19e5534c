"""`ddt demo load` leaves every stage of the fund journey populated relative to the day it runs,
and a second run on the same day creates nothing (issue 15, blocker 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from applications.models import Application, ApplicationStatus, Round
from applications.services import round_accepting
from audit.services import audit_verify
from core.testing import at
from demo.loader import demo_load
from funds import selectors as fund_selectors
from funds.models import Disbursement, NoticeStatus, Objection, ProposalRun, PublicNotice
from funds.services.notices import approval_refusal, is_open_for_objections

pytestmark = pytest.mark.django_db
COUNT = 40  # enough enterprises for the demo users; the stages do not depend on the count

S = ApplicationStatus
EVERY_STATUS: set[str] = {
    S.DRAFT, S.SUBMITTED, S.COUNTY_REVIEW, S.RETURNED, S.CITY_REVIEW, S.PROPOSED,
    S.PUBLIC_NOTICE, S.APPROVED, S.DISBURSED, S.REJECTED,
}  # fmt: skip


def _counts() -> dict[str, int]:
    return {
        "rounds": Round.objects.count(),
        "applications": Application.objects.count(),
        "notices": PublicNotice.objects.count(),
        "objections": Objection.objects.count(),
        "runs": ProposalRun.objects.count(),
        "payments": Disbursement.objects.count(),
    }


def assert_every_stage_exists(*, approvable: bool = True) -> None:
    today = timezone.localdate()
    accepting = [r for r in Round.objects.all() if round_accepting(r, today=today)]
    assert accepting, "no round accepts applications today"
    rnd = accepting[0]
    assert rnd.guide_year == str(today.year)
    statuses = set(rnd.applications.values_list("status", flat=True))
    assert statuses >= EVERY_STATUS, EVERY_STATUS - statuses
    notices = list(PublicNotice.objects.filter(round=rnd, status=NoticeStatus.OPEN))
    in_period = [n for n in notices if is_open_for_objections(n, today)]
    past = [n for n in notices if n.ends_on < today]
    assert in_period and past
    assert in_period[0].objections.filter(status="open").exists()  # for the reviewer to handle
    refusals = [approval_refusal(n, today=today) for n in past]
    if approvable:  # a fresh load: the reviewer can approve the past notice now
        assert None in refusals
    else:  # topped up: an earlier notice waits only for its objection to be handled
        assert all(r is None or "异议未处理" in r for r in refusals)
    finance = User.objects.get(username="finance")
    assert fund_selectors.approved_unpaid_for(user=finance).exists()  # finance has work
    assert audit_verify().ok


@pytest.mark.parametrize(
    "day", [at(2026, 12, 7), at(2027, 3, 10)], ids=["2026-12-07", "2027-03-10"]
)
def test_demo_load_twice_populates_every_stage_on_the_day(day: dt.datetime) -> None:
    with time_machine.travel(day, tick=False):
        report = demo_load(count=COUNT)
        assert report.stages is not None
        assert not report.stages.notes, report.stages.notes
        assert_every_stage_exists()
        first = _counts()
        demo_load(count=COUNT)
        assert _counts() == first
        assert_every_stage_exists()


def test_a_later_day_tops_up_what_time_moved_on() -> None:
    with time_machine.travel(at(2026, 12, 7), tick=False):
        demo_load(count=COUNT)
        before = _counts()
    later = at(2026, 12, 28)  # the notice published on 12-07 has left its period
    with time_machine.travel(later, tick=False):
        report = demo_load(count=COUNT)
        assert report.stages is not None and report.stages.created.get("notice_open") == 1
        assert_every_stage_exists(approvable=False)
        after = _counts()
        assert after["notices"] > before["notices"]
        demo_load(count=COUNT)
        assert _counts() == after


def test_after_the_policy_the_last_round_is_a_past_example(settings: Any) -> None:
    with time_machine.travel(at(2028, 3, 1), tick=False):
        report = demo_load(count=COUNT)
        assert report.stages is not None and report.stages.round is not None
        assert report.stages.round.guide_year == "2027"
        assert not round_accepting(report.stages.round)
        assert "policy ended" in report.stages.notes[0]
        assert not Application.objects.exists()
        demo_load(count=COUNT)
        assert Round.objects.count() == 1
