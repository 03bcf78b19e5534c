from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from audit.models import AuditEntry
from audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def test_audit_admin_is_read_only(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["administrator"])
    entry = audit_record(actor=None, action="test.x", after={"a": 1})
    count = AuditEntry.objects.count()
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    change = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    posted = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert posted.status_code == 403
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.action == "test.x" and AuditEntry.objects.count() == count
    assert audit_verify().ok
