"""Background jobs (django-tasks; ``ddt db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def ingest_run_task(run_id: int) -> int:
    """Ingest the files stored for an upload run; progress is kept on the IngestRun row."""
    from customs.services import ingest_stored_run

    run = ingest_stored_run(run_id=run_id)
    return run.pk
