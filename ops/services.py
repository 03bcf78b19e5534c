"""Operations writes: retrying a failed background task (audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from audit.services import audit_record

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def task_retry(*, actor: User, task_id: str) -> DBTaskResult:
    """Put a failed task back in the queue, keeping its id (pages polling it see it move on)."""
    if not actor.is_administrator:
        raise PermissionDenied("只有平台管理员可以重试任务 / Only administrators may retry tasks")
    result = DBTaskResult.objects.select_for_update().get(pk=task_id)
    if result.status != TaskResultStatus.FAILED:
        raise ValidationError(
            "只能重试失败的任务 / Only a failed task can be retried", code="not_failed"
        )
    before = {
        "status": result.status,
        "finished_at": result.finished_at,
        "exception": result.exception_class_path,
    }
    result.status = TaskResultStatus.READY
    result.started_at = None
    result.finished_at = None
    result.return_value = None
    result.exception_class_path = ""
    result.traceback = ""
    result.save(
        update_fields=[
            "status",
            "started_at",
            "finished_at",
            "return_value",
            "exception_class_path",
            "traceback",
        ]
    )
    audit_record(
        actor=actor,
        action="ops.task_retry",
        object_type="django_tasks_db.DBTaskResult",
        object_id=str(result.pk),
        object_repr=result.task_path,
        before=before,
        after={"status": result.status},
    )
    return result
