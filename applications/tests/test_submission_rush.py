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


def _token_client(user: Any) -> Any:
    from django.test import Client

    from accounts.services import api_token_create

    _, raw = api_token_create(actor=user, user=user, name="rush")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_submit_request_reads_nothing_twice_and_answers_what_is_stored(world: Any) -> None:
    """The deadline rush's request, statement by statement: the new application is not read
    back (its insert holds it), the recipients of both notifications come from one look-up,
    and the answer is the row as stored — the same as a later GET."""
    client = _token_client(world.user_a)
    body = {"round_id": world.round.pk, "measure": "a3.benchmark", "matter": "RUSH-API-1"}
    client.get("/api/v1/applications/rounds")  # the token's "last used" written (once a minute)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/applications/submit",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="rush-api-0001",
        )
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in queries.captured_queries]
    statements = [s for s in sql if not s.upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]
    tables = [s.split('"')[1] for s in statements if '"' in s]
    assert "accounts_apitoken" in tables[0] and "UPDATE" not in " ".join(
        s for s in statements if "accounts_apitoken" in s
    ), "the token was used a moment ago: its row is not written again"
    insert = next(
        i
        for i, s in enumerate(statements)
        if s.startswith('INSERT INTO "applications_application"')
    )
    assert not any(
        s.startswith("SELECT") and "applications_application" in s.split("FROM")[1].split()[0]
        for s in statements[insert + 1 :]
    ), "the new application is not read back"
    assert sum(1 for s in statements if 'FROM "accounts_user"' in s) == 1
    assert not any('FROM "enterprises_enterprise"' in s for s in statements), (
        "the enterprise came with the token"
    )
    # token (with the lock-out's EXISTS), round, idempotency, insert, update, both events,
    # recipients, notifications, chain head, entries, head update (and, after a real commit,
    # the look for waiting entries)
    assert len(statements) <= 11, statements
    assert (
        sum(1 for s in statements if s.startswith('INSERT INTO "applications_applicationevent"'))
        == 1
    )
    assert not any('FROM "accounts_loginfailure"' in s.split("EXISTS")[0] for s in statements)
    app_events = Application.objects.get(idempotency_key="rush-api-0001").events.order_by(
        "at", "pk"
    )
    assert [(e.from_status, e.to_status) for e in app_events] == [
        ("", ApplicationStatus.DRAFT),
        (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED),
    ]
    assert sum(1 for s in statements if 'FROM "applications_round"' in s) == 1
    app = Application.objects.get(idempotency_key="rush-api-0001")
    assert app.notifications.filter(user=world.user_a).count() == 1
    assert app.notifications.filter(user=world.donghai).count() == 1
    stored = client.get(f"/api/v1/applications/{app.pk}").json()
    assert {k: stored[k] for k in response.json()} == response.json()


def test_transition_inserted_needs_the_row_inserted_in_the_open_transaction(world: Any) -> None:
    from django.db import transaction

    from applications.workflow import transition_inserted

    unsaved = Application(round=world.round, enterprise=world.a, measure="a3.benchmark")
    with transaction.atomic(), pytest.raises(transaction.TransactionManagementError):
        transition_inserted(actor=world.user_a, application=unsaved, to=ApplicationStatus.SUBMITTED)
