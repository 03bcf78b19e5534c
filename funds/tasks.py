"""Background jobs (django-tasks; ``ddt db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def proposal_run_task(run_id: int) -> int:
    """Run the engine over a round; progress is kept on the ProposalRun row."""
    from funds.services.proposals import proposal_run_execute

    return proposal_run_execute(run_id=run_id).pk
