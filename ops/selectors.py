"""Reads of the ops app for other pages: is a queued background job being picked up?

Every page that shows background work (a funding calculation, a customs upload, a monthly
report) polls its progress while the job is unfinished. A job that stays "排队中" longer than
``DDT_QUEUED_NOTICE_SECONDS`` gets a plain notice (``core/_queued_notice.html``) saying why:
no task worker has written a heartbeat recently (the same test as ``/readyz``), or the worker
is busy with the jobs queued before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ops.models import HEARTBEAT_STALE_AFTER, WorkerHeartbeat

QUEUED = "queued"  # the status value every job model of the project uses


@dataclass(frozen=True)
class QueuedNotice:
    """What ``core/_queued_notice.html`` shows: ``worker_running`` False means none is alive."""

    worker_running: bool
    ahead: int  # jobs queued before this one, or being run (only when a worker is running)
    show_admin_hint: bool  # how to start a worker, for platform administrators
    waiting_seconds: int


def worker_running(*, now: dt.datetime | None = None) -> bool:
    """A task worker has written its heartbeat within ``HEARTBEAT_STALE_AFTER``."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__gt=now - HEARTBEAT_STALE_AFTER).exists()


def queued_notice(*, status: str, created_at: dt.datetime, user: Any) -> QueuedNotice | None:
    """The notice for a job still ``queued`` after the threshold, else None.

    ``status`` and ``created_at`` are the job row's own (``ProposalRun``, ``IngestRun``,
    ``Report``); the queue position counts the task results enqueued before the job was created
    that no worker has finished yet.
    """
    if status != QUEUED:
        return None
    now = timezone.now()
    waiting = now - created_at
    if waiting < dt.timedelta(seconds=settings.DDT_QUEUED_NOTICE_SECONDS):
        return None
    running = worker_running(now=now)
    ahead = 0
    if running:
        ahead = DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            enqueued_at__lt=created_at,
        ).count()
    return QueuedNotice(
        worker_running=running,
        ahead=ahead,
        show_admin_hint=not running and bool(getattr(user, "is_administrator", False)),
        waiting_seconds=int(waiting.total_seconds()),
    )
