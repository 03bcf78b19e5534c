"""The worker's heartbeat row: written, counts tasks, removed on a clean stop."""

from __future__ import annotations

from typing import Any

from ops.models import WorkerHeartbeat
from ops.worker import Heartbeat


def test_heartbeat_row_lives_while_the_worker_runs(transactional_db: Any) -> None:
    heartbeat = Heartbeat(worker_id="test-worker", interval=0.05)
    heartbeat.start()
    try:
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
