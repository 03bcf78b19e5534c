"""Admin: worker health, the task queue, and retrying a failed task (administrators only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Role
from audit.models import AuditEntry
from ops import services
from ops.models import WorkerHeartbeat

URL = "/admin/django_tasks_database/dbtaskresult/"


def failed_task() -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="stats.tasks.build_monthly_report",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        exception_class_path="builtins.RuntimeError",
        traceback="Traceback: boom",
    )


@pytest.fixture
def admin_user(make_user: Any) -> Any:
    user = make_user("ops-admin", Role.ADMINISTRATOR)
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


def test_admin_retries_a_failed_task(client: Any, admin_user: Any) -> None:
    task = failed_task()
    client.force_login(admin_user)
    response = client.post(
        URL, {"action": "retry_failed", "_selected_action": [str(task.pk)]}, follow=True
    )
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert task.traceback == "" and task.finished_at is None
    entry = AuditEntry.objects.get(action="ops.task_retry")
    assert entry.object_id == str(task.pk) and entry.actor_id == admin_user.pk


def test_queue_page_shows_counts(client: Any, admin_user: Any) -> None:
    failed_task()
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "失败 1" in response.content.decode()


def test_worker_health_page(client: Any, admin_user: Any) -> None:
    WorkerHeartbeat.objects.create(
        worker_id="w1",
        hostname="app1",
        pid=42,
        started_at=timezone.now(),
        seen_at=timezone.now() - dt.timedelta(minutes=5),
    )
    client.force_login(admin_user)
    response = client.get("/admin/ops/workerheartbeat/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "app1:42" in body and "没有在线的任务进程" in body


def test_staff_without_the_administrator_role_cannot_retry(client: Any, make_user: Any) -> None:
    officer = make_user("ops-officer", Role.CITY_REVIEWER)
    officer.is_staff = True
    officer.save()
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="view_dbtaskresult"))
    task = failed_task()
    client.force_login(officer)
    client.post(URL, {"action": "retry_failed", "_selected_action": [str(task.pk)]})
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert not AuditEntry.objects.filter(action="ops.task_retry").exists()
    with pytest.raises(PermissionDenied):
        services.task_retry(actor=officer, task_id=str(task.pk))
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED


def test_only_a_failed_task_can_be_retried(admin_user: Any) -> None:
    from django.core.exceptions import ValidationError

    task = failed_task()
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.SUCCESSFUL)
    with pytest.raises(ValidationError):
        services.task_retry(actor=admin_user, task_id=str(task.pk))
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert not AuditEntry.objects.filter(action="ops.task_retry").exists()


def test_queue_page_in_english(client: Any, admin_user: Any) -> None:
    failed_task()
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    body = client.get(URL).content.decode()
    assert "0 queued, 0 running, 1 failed" in body
    assert "Retry the selected failed tasks" in body
