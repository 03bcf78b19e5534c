"""/healthz and /readyz: what makes them fail, and the reason they give."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from ops import health
from ops.models import WorkerHeartbeat


@pytest.fixture(autouse=True)
def _fresh_migration_state() -> Any:
    health.forget_migrations_state()
    yield
    health.forget_migrations_state()


def beat(age_seconds: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=f"w-{age_seconds}",
        hostname="h",
        pid=1,
        started_at=now - dt.timedelta(hours=1),
        seen_at=now - dt.timedelta(seconds=age_seconds),
    )


def test_healthz_ok(client: Any, db: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_healthz_fails_when_a_real_table_is_broken(client: Any, db: Any) -> None:
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("ALTER TABLE django_migrations RENAME TO django_migrations_gone")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("database error")


def test_readyz_needs_a_worker(client: Any, db: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "worker": "no task worker has ever reported",
    }


def test_readyz_ok_with_a_fresh_heartbeat(client: Any, db: Any) -> None:
    beat(5)
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_readyz_fails_on_a_stale_heartbeat(client: Any, db: Any) -> None:
    beat(61)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "no task worker heartbeat for 61 s"


def test_readyz_fails_on_an_unapplied_migration(client: Any, db: Any) -> None:
    beat(1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'ops'")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == (
        "1 unapplied migration(s), first ops.0001_initial"
    )
