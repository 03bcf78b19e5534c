"""Operations: the task workers' heartbeats (readiness and the admin's worker health)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A worker that has not written its heartbeat for this long is considered gone (/readyz).
HEARTBEAT_STALE_AFTER = dt.timedelta(seconds=60)


class WorkerHeartbeat(models.Model):
    """One row per running task worker (``ddt worker``), refreshed every few seconds."""

    worker_id = models.CharField(_("进程标识"), max_length=64, unique=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)
    tasks_done = models.PositiveIntegerField(_("已处理任务"), default=0)
    running_task = models.BooleanField(_("正在执行任务"), default=False)

    class Meta:
        verbose_name = _("任务进程")
        verbose_name_plural = _("任务进程")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"

    @property
    def is_alive(self) -> bool:
        return timezone.now() - self.seen_at < HEARTBEAT_STALE_AFTER
