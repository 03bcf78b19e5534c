"""The monthly report list polls while a report is unfinished and says why one has not started."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from core.testing import LATE_2026
from ops.tests.queue import NO_WORKER, POLLING, beat
from stats.models import Report, ReportStatus

pytestmark = pytest.mark.django_db
URL = "/stats/reports/"


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _report(time_machine: TimeMachineFixture, status: str) -> Report:
    time_machine.move_to(LATE_2026, tick=False)
    report = Report.objects.create(month=dt.date(2026, 10, 1), status=status)
    time_machine.move_to(LATE_2026 + dt.timedelta(minutes=2), tick=False)
    return report


def test_queued_report_polls_and_says_no_worker_then_its_place(
    make_user: Any, time_machine: TimeMachineFixture
) -> None:
    _report(time_machine, ReportStatus.QUEUED)
    c = _client(make_user("city", "city_reviewer"))
    page = c.get(URL).content.decode()
    assert NO_WORKER in page and POLLING in page and "ddt worker" not in page
    fragment = c.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="reports-table"') and "<html" not in fragment
    assert NO_WORKER in fragment and POLLING in fragment
    beat(LATE_2026 + dt.timedelta(minutes=2))
    fragment = c.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert "排队中，即将开始。" in fragment and NO_WORKER not in fragment


def test_administrator_gets_the_start_hint(
    make_user: Any, time_machine: TimeMachineFixture
) -> None:
    _report(time_machine, ReportStatus.QUEUED)
    page = _client(make_user("root", "administrator")).get(URL).content.decode()
    assert NO_WORKER in page and "<code>ddt worker</code>" in page


@pytest.mark.parametrize(
    ("status", "polls"),
    [(ReportStatus.RUNNING, True), (ReportStatus.DONE, False), (ReportStatus.FAILED, False)],
)
def test_started_or_finished_report_has_no_notice(
    make_user: Any, time_machine: TimeMachineFixture, status: str, polls: bool
) -> None:
    _report(time_machine, status)
    page = _client(make_user("city", "city_reviewer")).get(URL).content.decode()
    assert 'data-testid="queued-notice"' not in page and (POLLING in page) is polls
