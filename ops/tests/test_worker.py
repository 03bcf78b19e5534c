"""The worker's heartbeat row: written, counts tasks, removed on a clean stop."""

from __future__ import annotations

import time
from typing import Any

from ops.models import WorkerHeartbeat
from ops.worker import Heartbeat


def test_heartbeat_row_lives_while_the_worker_runs(transactional_db: Any) -> None:
    # A long interval: the thread beats once at start and then waits, so its write cannot land
    # between the test's own beats (a beat read before _on_finished would overwrite the count).
    heartbeat = Heartbeat(worker_id="test-worker", interval=60)
    heartbeat.start()
    try:
        deadline = time.monotonic() + 10
        while not WorkerHeartbeat.objects.filter(worker_id="test-worker").exists():
            assert time.monotonic() < deadline, "the heartbeat thread wrote no row"
            time.sleep(0.02)
        heartbeat._on_started()  # what the task_started signal calls
        heartbeat.beat()
        row = WorkerHeartbeat.objects.get(worker_id="test-worker")
        assert row.is_alive and row.running_task
        heartbeat._on_finished()
        heartbeat.beat()
        row.refresh_from_db()
        assert row.tasks_done == 1 and not row.running_task
    finally:
        heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(worker_id="test-worker").exists()
