"""Background jobs of operations (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def ping(token: str) -> str:
    """Answer ``token``: an end-to-end check that a worker takes and finishes queued jobs
    (``ddt shell -c "from ops.tasks import ping; print(ping.enqueue('x').id)"``)."""
    return token
