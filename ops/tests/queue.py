"""Test helpers for the queued-job notice: a worker heartbeat and task-queue rows."""

from __future__ import annotations

import datetime as dt

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ops.models import WorkerHeartbeat

NO_WORKER = "后台任务处理进程未运行，任务尚未开始。请联系平台管理员。"
POLLING = 'hx-trigger="every 2s"'


def beat(seen_at: dt.datetime) -> WorkerHeartbeat:
    """A worker whose last heartbeat was at ``seen_at``."""
    return WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="h", pid=1, started_at=seen_at, seen_at=seen_at
    )


def task_result(enqueued_at: dt.datetime, status: str = TaskResultStatus.READY) -> None:
    """A row of django-tasks' database queue, enqueued at ``enqueued_at``."""
    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="ops.tasks.ping",
        backend_name="default",
        run_after=enqueued_at,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=enqueued_at)
