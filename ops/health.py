"""Health checks for ``/healthz`` (liveness) and ``/readyz`` (readiness).

- liveness: the process answers and the database answers a query on a real table (a missing
  or corrupted table fails, not only a dead connection);
- readiness: liveness, no unapplied migration, and a task worker whose heartbeat is newer than
  ``HEARTBEAT_STALE_AFTER`` (otherwise background work would queue up unseen).

Each check returns ``None`` when fine or a short English reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ops.models import HEARTBEAT_STALE_AFTER, WorkerHeartbeat

# Once every migration is applied that stays true for the life of the process (new code means
# a restart); re-checked at most this often so /readyz stays cheap.
_MIGRATIONS_RECHECK_SECONDS = 60.0
_migrations_ok_at: float | None = None


@dataclass
class Report:
    ok: bool = True
    checks: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, problem: str | None) -> None:
        self.checks[name] = problem or "ok"
        if problem:
            self.ok = False


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            # A real table of the schema, read to its end: a corrupted or missing table fails.
            cursor.execute("SELECT COUNT(*) FROM django_migrations")
            (count,) = cursor.fetchone()
    except DatabaseError as exc:
        return f"database error: {type(exc).__name__}"
    if not count:
        return "database has no migrations applied"
    return None


def migrations_problem() -> str | None:
    global _migrations_ok_at
    now = time.monotonic()
    if _migrations_ok_at is not None and now - _migrations_ok_at < _MIGRATIONS_RECHECK_SECONDS:
        return None
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return f"database error: {type(exc).__name__}"
    if plan:
        _migrations_ok_at = None
        return f"{len(plan)} unapplied migration(s), first {plan[0][0].app_label}.{plan[0][0].name}"
    _migrations_ok_at = now
    return None


def worker_problem() -> str | None:
    try:
        latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        seen = latest.first()
    except DatabaseError as exc:
        return f"database error: {type(exc).__name__}"
    if seen is None:
        return "no task worker has ever reported"
    age = timezone.now() - seen
    if age >= HEARTBEAT_STALE_AFTER:
        return f"no task worker heartbeat for {int(age.total_seconds())} s"
    return None


def liveness() -> Report:
    report = Report()
    report.add("database", database_problem())
    return report


def readiness() -> Report:
    report = liveness()
    if report.ok:
        report.add("migrations", migrations_problem())
        report.add("worker", worker_problem())
    return report


def forget_migrations_state() -> None:
    """For tests: make the next readiness check load the migration graph again."""
    global _migrations_ok_at
    _migrations_ok_at = None
