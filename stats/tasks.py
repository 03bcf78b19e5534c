"""Background jobs (django-tasks; ``ddt db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_report_task(report_id: int) -> int:
    """Render the monthly PDF report of ``report_id`` and keep it in storage."""
    from stats.services import report_build

    report = report_build(report_id=report_id)
    return report.pk
