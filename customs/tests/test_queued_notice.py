"""The customs run page polls until the run finishes and says why a queued run has not started."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from time_machine import TimeMachineFixture

from core.testing import LATE_2026
from customs.models import IngestRun, RunStatus
from ops.tests.queue import NO_WORKER, POLLING, beat, task_result

from .conftest import login_client

pytestmark = pytest.mark.urls("customs.tests.urls")


def _run(world: Any, time_machine: TimeMachineFixture, status: str = RunStatus.QUEUED) -> Any:
    time_machine.move_to(LATE_2026, tick=False)
    run = IngestRun.objects.create(
        source="web", actor=world.user_a, enterprise=world.a, status=status
    )
    time_machine.move_to(LATE_2026 + dt.timedelta(minutes=2), tick=False)
    return run


def test_a_queued_run_without_worker_says_so(world: Any, time_machine: TimeMachineFixture) -> None:
    run = _run(world, time_machine)
    client = login_client(world.user_a)
    for url in (f"/customs/runs/{run.pk}/progress/", f"/customs/runs/{run.pk}/"):
        html = client.get(url).content.decode()
        assert NO_WORKER in html and POLLING in html
        assert "ddt worker" not in html  # the start hint is for administrators only


def test_a_queued_run_with_a_worker_shows_its_place(
    world: Any, time_machine: TimeMachineFixture
) -> None:
    run = _run(world, time_machine)
    beat(LATE_2026 + dt.timedelta(minutes=2) - dt.timedelta(seconds=5))
    task_result(LATE_2026 - dt.timedelta(minutes=1))
    html = login_client(world.user_a).get(f"/customs/runs/{run.pk}/progress/").content.decode()
    assert "排队中，前面还有 1 个任务。" in html and NO_WORKER not in html


def test_a_running_run_polls_without_notice(world: Any, time_machine: TimeMachineFixture) -> None:
    run = _run(world, time_machine, status=RunStatus.RUNNING)
    html = login_client(world.user_a).get(f"/customs/runs/{run.pk}/progress/").content.decode()
    assert POLLING in html and 'data-testid="queued-notice"' not in html


@pytest.mark.parametrize("status", [RunStatus.DONE, RunStatus.FAILED])
def test_a_finished_run_neither_polls_nor_warns(
    world: Any, time_machine: TimeMachineFixture, status: str
) -> None:
    run = _run(world, time_machine, status=status)
    html = login_client(world.user_a).get(f"/customs/runs/{run.pk}/progress/").content.decode()
    assert POLLING not in html and 'data-testid="queued-notice"' not in html
