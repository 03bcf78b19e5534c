"""The deadline rush: a submission holds the audit chain's head only at its very end."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import services
from applications.models import Application, ApplicationStatus
from applications.tests.conftest import cost_fields
from audit.models import AuditEntry
from audit.services import audit_verify

pytestmark = pytest.mark.django_db


def test_create_and_submit_links_both_entries_at_the_end(world: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        app, created = services.application_create_and_submit(
            actor=world.user_a,
            round=world.round,
            idempotency_key="rush-key-0001",
            measure="a3.benchmark",
            matter="RUSH-1",
        )
    assert created and app.status == ApplicationStatus.SUBMITTED
    sql = [q["sql"] for q in queries.captured_queries]
    head = [i for i, s in enumerate(sql) if "audit_chainhead" in s and s.startswith("SELECT")]
    assert len(head) == 1, "the chain head is read once, for both entries"
    after = [s for s in sql[head[0] + 1 :] if not s.upper().startswith(("RELEASE", "COMMIT"))]
    # after the head: the two entries in one insert and the head's update, nothing else
    assert [s.split('"')[1] for s in after] == ["audit_auditentry", "audit_chainhead"]
    if connection.vendor == "postgresql":
        # No lock on a row other submissions share: not the round, not the enterprise, and
        # the chain head only if free (SKIP LOCKED).
        locks = [s for s in sql if "FOR UPDATE" in s]
        assert locks and all(
            'FOR UPDATE OF "applications_application"' in s
            or ("audit_chainhead" in s and "SKIP LOCKED" in s)
            for s in locks
        ), locks
    entries = AuditEntry.objects.filter(
        object_type="applications.Application", object_id=str(app.pk)
    ).order_by("seq")
    assert [e.action for e in entries] == ["application.create", "application.transition"]
    assert audit_verify().ok


def test_a_refused_submission_leaves_no_entry(world: Any) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(services.ValidationError):
        services.application_create_and_submit(
            actor=world.user_a,
            round=world.round,
            idempotency_key="rush-key-0002",
            **cost_fields(),  # a cost measure without its evidence: the draft, then a refusal
        )
    assert AuditEntry.objects.count() == before
    assert not Application.objects.filter(idempotency_key="rush-key-0002").exists()
    assert audit_verify().ok
