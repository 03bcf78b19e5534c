"""The queued-job notice (ops.selectors.queued_notice and core/_queued_notice.html)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone, translation
from django_tasks_db.compat import TaskResultStatus
from time_machine import TimeMachineFixture

from core.testing import LATE_2026
from ops.selectors import queued_notice
from ops.tests.queue import NO_WORKER, beat, task_result

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(LATE_2026, tick=False)]


def render(user: Any, created_at: dt.datetime, status: str = "queued") -> str:
    notice = queued_notice(status=status, created_at=created_at, user=user)
    return render_to_string("core/_queued_notice.html", {"notice": notice})


def test_no_worker_after_the_threshold_says_so(make_user: Any) -> None:
    officer = make_user("city", "city_reviewer")
    now = timezone.now()
    assert render(officer, now - dt.timedelta(seconds=29)).strip() == ""  # not yet
    html = render(officer, now - dt.timedelta(seconds=31))
    assert NO_WORKER in html and "ddt worker" not in html  # the hint is for administrators
    beat(now - dt.timedelta(seconds=61))  # a stale heartbeat counts as no worker
    notice = queued_notice(status="queued", created_at=now - dt.timedelta(minutes=5), user=officer)
    assert notice is not None and not notice.worker_running and notice.waiting_seconds == 300


def test_administrators_are_told_how_to_start_a_worker(make_user: Any) -> None:
    admin = make_user("root", "administrator")
    html = render(admin, timezone.now() - dt.timedelta(minutes=2))
    assert NO_WORKER in html and "<code>ddt worker</code>" in html and "make serve" in html


def test_with_a_fresh_heartbeat_the_queue_position_is_shown(make_user: Any) -> None:
    officer = make_user("city", "city_reviewer")
    now = timezone.now()
    created = now - dt.timedelta(minutes=2)
    beat(now - dt.timedelta(seconds=5))
    assert "排队中，即将开始。" in render(officer, created)
    task_result(created - dt.timedelta(minutes=1))
    task_result(created - dt.timedelta(minutes=1), status=TaskResultStatus.RUNNING)
    task_result(created - dt.timedelta(minutes=3), status=TaskResultStatus.SUCCESSFUL)  # done
    task_result(created + dt.timedelta(seconds=1))  # queued after this job: not ahead
    html = render(officer, created)
    assert "排队中，前面还有 2 个任务。" in html and NO_WORKER not in html


@pytest.mark.parametrize("status", ["running", "done", "failed", "accepted"])
def test_a_started_or_finished_job_has_no_notice(make_user: Any, status: str) -> None:
    officer = make_user("city", "city_reviewer")
    assert (
        queued_notice(
            status=status, created_at=timezone.now() - dt.timedelta(hours=1), user=officer
        )
        is None
    )


@override_settings(DDT_QUEUED_NOTICE_SECONDS=600)
def test_the_threshold_is_a_setting(make_user: Any) -> None:
    officer = make_user("city", "city_reviewer")
    now = timezone.now()
    assert (
        queued_notice(status="queued", created_at=now - dt.timedelta(minutes=9), user=officer)
        is None
    )
    assert queued_notice(status="queued", created_at=now - dt.timedelta(minutes=11), user=officer)


def test_the_notice_is_translated(make_user: Any, time_machine: TimeMachineFixture) -> None:
    admin = make_user("root", "administrator")
    with translation.override("en"):
        html = render(admin, timezone.now() - dt.timedelta(minutes=2))
        beat(timezone.now())
        busy = render(admin, timezone.now() - dt.timedelta(minutes=2))
    assert "The background task worker is not running" in html and "ddt worker" in html
    assert "Queued: it will start shortly." in busy
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in html + busy)
