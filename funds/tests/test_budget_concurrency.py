"""Budget safety: two reviewers approving at once can never push a round past its budget."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applications.models import Application, ApplicationStatus
from funds import selectors, services


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_exceed_the_budget(
    world: Any, round_: Any, to_city_review: Any, holidays: None
) -> None:
    if connection.vendor != "postgresql":
        from conftest import require_or_skip

        require_or_skip(False, "PostgreSQL")
    a = to_city_review(cost="80000.00", matter="INV-A")  # 40,000
    b = to_city_review(enterprise=world.b, cost="60000.00", matter="INV-B")  # 30,000
    run = services.proposal_run_start(actor=world.reviewer, round=round_)  # runs on commit
    run.refresh_from_db()
    services.proposal_run_accept(actor=world.reviewer, run=run)
    today = dt.date(2026, 11, 2)
    n1 = services.notice_publish(
        actor=world.reviewer, round=round_, title="公示一", application_ids=[a.pk], today=today
    )
    n2 = services.notice_publish(
        actor=world.reviewer, round=round_, title="公示二", application_ids=[b.pk], today=today
    )
    round_.budget_total = Decimal("50000.00")  # each notice fits alone, both together do not
    round_.save(update_fields=["budget_total"])
    after = max(n1.ends_on, n2.ends_on) + dt.timedelta(days=1)

    barrier = threading.Barrier(2)
    ok: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def approve(actor: Any, notice: Any) -> None:
        from django.db import connection as conn

        try:
            barrier.wait()
            services.notice_approve(actor=actor, notice=notice, today=after)
            ok.append(notice.pk)
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=approve, args=(world.reviewer, n1)),
        threading.Thread(target=approve, args=(world.reviewer2, n2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(ok) == 1 and len(refused) == 1 and "超过预算" in refused[0]
    total = selectors.round_approved_total(round_.pk)
    assert total <= round_.budget_total
    approved = Application.objects.filter(status=ApplicationStatus.APPROVED)
    assert approved.count() == 1
    assert sum(x.amount_approved or 0 for x in approved) == total
