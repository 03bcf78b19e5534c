"""The proposal run page polls until the run finishes and says why a queued run has not started."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from time_machine import TimeMachineFixture

from core.testing import LATE_2026
from funds.models import ProposalRun, RunStatus
from ops.tests.queue import NO_WORKER, POLLING, beat, task_result

from .conftest import login_client

pytestmark = pytest.mark.django_db


def _run(world: Any, round_: Any, time_machine: TimeMachineFixture, status: str) -> Any:
    time_machine.move_to(LATE_2026, tick=False)
    run = ProposalRun.objects.create(round=round_, created_by=world.reviewer, status=status)
    time_machine.move_to(LATE_2026 + dt.timedelta(minutes=2), tick=False)
    return run


def test_queued_run_without_then_with_a_worker(
    world: Any, round_: Any, time_machine: TimeMachineFixture
) -> None:
    run = _run(world, round_, time_machine, RunStatus.QUEUED)
    client = login_client(world.reviewer)
    for url in (f"/funds/runs/{run.pk}/progress/", f"/funds/runs/{run.pk}/"):
        html = client.get(url).content.decode()
        assert NO_WORKER in html and POLLING in html
    beat(LATE_2026 + dt.timedelta(minutes=2))
    task_result(LATE_2026 - dt.timedelta(seconds=1))
    task_result(LATE_2026 - dt.timedelta(seconds=2))
    html = client.get(f"/funds/runs/{run.pk}/progress/").content.decode()
    assert "排队中，前面还有 2 个任务。" in html and NO_WORKER not in html


def test_young_queued_run_has_no_notice_yet(
    world: Any, round_: Any, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(LATE_2026, tick=False)
    run = ProposalRun.objects.create(round=round_, created_by=world.reviewer)
    time_machine.move_to(LATE_2026 + dt.timedelta(seconds=10), tick=False)
    html = login_client(world.reviewer).get(f"/funds/runs/{run.pk}/progress/").content.decode()
    assert POLLING in html and 'data-testid="queued-notice"' not in html


@pytest.mark.parametrize(
    ("status", "polls"),
    [(RunStatus.RUNNING, True), (RunStatus.DONE, False), (RunStatus.FAILED, False)],
)
def test_started_or_finished_run_has_no_notice(
    world: Any, round_: Any, time_machine: TimeMachineFixture, status: str, polls: bool
) -> None:
    run = _run(world, round_, time_machine, status)
    html = login_client(world.reviewer).get(f"/funds/runs/{run.pk}/progress/").content.decode()
    assert 'data-testid="queued-notice"' not in html and (POLLING in html) is polls
