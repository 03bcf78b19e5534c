"""Admin: worker health and the task queue (queued, running, failed), with "retry"."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from ops import services
from ops.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "alive",
        "seen_at",
        "started_at",
        "running_task",
        "tasks_done",
        "worker_id",
    )
    ordering = ["-seen_at"]

    @admin.display(boolean=True, description=_("在线（60 秒内有心跳）"))
    def alive(self, obj: WorkerHeartbeat) -> bool:
        return obj.is_alive

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        alive = sum(1 for hb in WorkerHeartbeat.objects.all() if hb.is_alive)
        counts = task_counts()
        messages.info(
            request,
            _("在线任务进程 %(alive)d 个；排队 %(ready)d，执行中 %(running)d，失败 %(failed)d。")
            % {"alive": alive, **counts},
        )
        if not alive:
            messages.error(request, _("没有在线的任务进程：后台任务不会被执行。"))
        return super().changelist_view(request, extra_context)


def task_counts() -> dict[str, int]:
    return {
        "ready": DBTaskResult.objects.filter(status=TaskResultStatus.READY).count(),
        "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        "failed": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
    }


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's read-only admin plus a "retry" action for failed tasks."""

    actions = ["retry_failed"]
    list_display = (*DBTaskResultAdmin.list_display, "worker_ids")  # type: ignore[assignment]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_authenticated and user.is_administrator)

    @admin.action(description=_("重试所选失败任务"), permissions=["retry"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[DBTaskResult]) -> None:
        actor = request.user
        assert isinstance(actor, User)  # the admin site requires a signed-in staff user
        retried = skipped = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                services.task_retry(actor=actor, task_id=str(pk))
            except ValidationError:
                skipped += 1
            else:
                retried += 1
        self.message_user(
            request,
            _("已重新排队 %(n)d 个任务；%(skipped)d 个不是失败状态，未处理。")
            % {"n": retried, "skipped": skipped},
            messages.SUCCESS if retried else messages.WARNING,
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        counts = task_counts()
        messages.info(
            request,
            _("排队 %(ready)d，执行中 %(running)d，失败 %(failed)d（%(at)s）。")
            % {**counts, "at": timezone.localtime().strftime("%H:%M:%S")},
        )
        return super().changelist_view(request, extra_context)
