"""The task worker's heartbeat: a thread of ``ddt worker`` that writes ``WorkerHeartbeat``.

A thread, not the worker loop, writes it: a task may legitimately run for minutes (a customs
batch of a million lines) and the worker is alive meanwhile; the row says whether it is busy.
A stopped worker deletes its row, so ``/readyz`` reports at once that none is left.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks.signals import task_finished, task_started

from ops.models import HEARTBEAT_STALE_AFTER, WorkerHeartbeat

logger = logging.getLogger("ddt.worker")

BEAT_SECONDS = 10.0  # well inside HEARTBEAT_STALE_AFTER (60 s)


class Heartbeat:
    def __init__(self, *, worker_id: str, interval: float = BEAT_SECONDS) -> None:
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self.tasks_done = 0
        self.running_task = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ddt-heartbeat", daemon=True)

    # django-tasks signals, sent from the worker's main thread around every task.
    def _on_started(self, **kwargs: Any) -> None:
        self.running_task = True

    def _on_finished(self, **kwargs: Any) -> None:
        self.running_task = False
        self.tasks_done += 1

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": now,
                "tasks_done": self.tasks_done,
                "running_task": self.running_task,
            },
        )
        # Rows of workers that died without saying goodbye (kill -9, power loss).
        WorkerHeartbeat.objects.filter(seen_at__lt=now - 24 * HEARTBEAT_STALE_AFTER).delete()

    def _run(self) -> None:
        while True:
            try:
                self.beat()
            except DatabaseError:
                logger.exception("heartbeat not written")
            finally:
                connections.close_all()  # this thread's own connection
            if self._stop.wait(self.interval):
                return

    def start(self) -> None:
        task_started.connect(self._on_started, dispatch_uid=f"hb-start-{self.worker_id}")
        task_finished.connect(self._on_finished, dispatch_uid=f"hb-finish-{self.worker_id}")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        task_started.disconnect(dispatch_uid=f"hb-start-{self.worker_id}")
        task_finished.disconnect(dispatch_uid=f"hb-finish-{self.worker_id}")
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.exception("heartbeat row not removed")
