"""``ddt worker``: django-tasks' database worker (``db_worker``) plus a heartbeat.

Same options as ``ddt db_worker``; never reloads on code changes (the supervisor restarts it).
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ops.worker import Heartbeat


class Command(DbWorkerCommand):
    help = "后台任务进程（带心跳）/ Run a background task worker that writes a heartbeat"

    def handle(self, *args: Any, **options: Any) -> None:
        options["reload"] = False
        heartbeat = Heartbeat(worker_id=options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
