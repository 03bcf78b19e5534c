"""Matter identity in the live system: invoice/contract numbers compared by their identity, and
evidence files shared by two applications of one enterprise flagged for the reviewer, who
decides whether they are the same matter (recorded, audited, used by proposal runs)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationStatus, EvidenceMatch
from applications.tests.conftest import PDF, PNG
from audit.models import AuditEntry

S = ApplicationStatus


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _with_file(make_app: Any, world: Any, content: bytes, user: Any = None, **fields: Any) -> Any:
    """A submitted application carrying one evidence file with ``content``."""
    user = user or world.user_a
    app = make_app(user=user, **fields)
    services.evidence_add(
        actor=user, application=app, upload=SimpleUploadedFile("发票.pdf", content)
    )
    Application.objects.filter(pk=app.pk).update(status=S.SUBMITTED)
    app.refresh_from_db()
    return app


@pytest.mark.django_db
def test_matter_variants_are_one_invoice_for_the_flags(world: Any, make_app: Any) -> None:
    a = make_app(S.SUBMITTED, matter="INV-2026-001")
    b = make_app(S.SUBMITTED, matter="ｉｎｖ　２０２６／００１")
    c = make_app(S.SUBMITTED, matter="INV-2026-002")
    assert (a.matter_key, b.matter_key) == ("inv2026001", "inv2026001")
    assert b.matter == "ｉｎｖ　２０２６／００１"  # shown as typed
    from applications.selectors import matter_flag_counts, matter_flags_for

    assert [f.pk for f in matter_flags_for(user=world.city, application=a)] == [b.pk]
    assert matter_flag_counts(applications=[a, b, c]) == {a.pk: 1, b.pk: 1}
    page = _client(world.city).get(reverse("applications:detail", args=[b.pk])).content.decode()
    assert 'data-testid="matter-flags"' in page and f"#{a.pk}" in page


@pytest.mark.django_db
def test_shared_evidence_flags_both_applications_for_reviewers_only(
    world: Any, make_app: Any
) -> None:
    a = _with_file(make_app, world, PDF, matter="FP-1")
    b = _with_file(make_app, world, PDF, matter="FP-2")
    other = _with_file(make_app, world, PNG, matter="FP-3")
    foreign = _with_file(make_app, world, PDF, user=world.user_b, matter="FP-9")  # other firm
    for reviewer in (world.donghai, world.city):
        page = _client(reviewer).get(reverse("applications:detail", args=[a.pk])).content.decode()
        assert f'data-testid="evidence-duplicate-{b.pk}"' in page
        assert f'data-testid="evidence-duplicate-{other.pk}"' not in page
        assert f'data-testid="evidence-duplicate-{foreign.pk}"' not in page
        assert "发票.pdf" in page and f'data-testid="evidence-same-{b.pk}"' in page
    inbox = _client(world.donghai).get(reverse("applications:inbox")).content.decode()
    assert f'data-testid="evidence-flag-{a.pk}"' in inbox
    assert f'data-testid="evidence-flag-{b.pk}"' in inbox
    assert f'data-testid="evidence-flag-{other.pk}"' not in inbox
    listed = _client(world.city).get(reverse("applications:list")).content.decode()
    assert f'data-testid="evidence-flag-{a.pk}"' in listed and "材料重复 1" in listed
    own = _client(world.user_a).get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert 'data-testid="evidence-duplicates"' not in own
    # finance sees the flag but may not decide
    money = _client(world.finance).get(reverse("applications:detail", args=[a.pk])).content
    assert b'data-testid="evidence-duplicates"' in money and b"evidence-same-" not in money


@pytest.mark.django_db
def test_a_draft_sharing_the_file_flags_nothing(world: Any, make_app: Any) -> None:
    a = _with_file(make_app, world, PDF, matter="FP-1")
    draft = make_app(matter="FP-2")
    services.evidence_add(
        actor=world.user_a, application=draft, upload=SimpleUploadedFile("x.pdf", PDF)
    )
    page = _client(world.city).get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert 'data-testid="evidence-duplicates"' not in page


@pytest.mark.django_db
def test_different_matters_clear_the_flag_and_are_audited(world: Any, make_app: Any) -> None:
    a = _with_file(make_app, world, PDF, matter="FP-1")
    b = _with_file(make_app, world, PDF, matter="FP-2")
    url = reverse("applications:evidence_match", args=[b.pk])
    response = _client(world.donghai).post(
        url, {"other": a.pk, "decision": "different", "comment": "两张发票同一模板"}
    )
    assert response.status_code == 302
    match = EvidenceMatch.objects.get()
    assert (match.first_id, match.second_id, match.decision) == (a.pk, b.pk, "different")
    entry = AuditEntry.objects.filter(action="application.evidence_match").get()
    assert entry.after is not None
    assert entry.after["decision"] == "different" and entry.after["first"] == a.pk
    inbox = _client(world.donghai).get(reverse("applications:inbox")).content.decode()
    assert f'data-testid="evidence-flag-{a.pk}"' not in inbox
    page = _client(world.city).get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert f'data-testid="evidence-decision-{b.pk}"' in page and "不同事项" in page


@pytest.mark.django_db
def test_same_matter_groups_the_two_in_the_proposal_run(world: Any, make_app: Any) -> None:
    from funds.inputs import round_inputs

    a = _with_file(make_app, world, PDF, matter="FP-1")
    b = _with_file(make_app, world, PDF, matter="FP-2")
    c = _with_file(make_app, world, PNG, matter="FP-3")
    before = round_inputs(world.round, [a, b, c])
    assert [x.get("matter") for x in before.claims] == ["FP-1", "FP-2", "FP-3"]
    _client(world.city).post(
        reverse("applications:evidence_match", args=[a.pk]), {"other": b.pk, "decision": "same"}
    )
    after = round_inputs(world.round, [a, b, c])
    assert [x.get("matter") for x in after.claims] == ["FP-1", "FP-1", "FP-3"]
    assert [n["code"] for n in after.notes].count("evidence_same_matter") == 2
    # a changed decision is recorded and audited again
    _client(world.city).post(
        reverse("applications:evidence_match", args=[a.pk]),
        {"other": b.pk, "decision": "different"},
    )
    assert EvidenceMatch.objects.get().decision == "different"
    assert AuditEntry.objects.filter(action="application.evidence_match").count() == 2
    assert [x.get("matter") for x in round_inputs(world.round, [a, b, c]).claims][1] == "FP-2"


@pytest.mark.django_db
def test_who_may_not_decide_changes_nothing(world: Any, make_app: Any) -> None:
    a = _with_file(make_app, world, PDF, matter="FP-1")
    b = _with_file(make_app, world, PDF, matter="FP-2")
    c = _with_file(make_app, world, PNG, matter="FP-3")
    foreign = _with_file(make_app, world, PDF, user=world.user_b, matter="FP-9")
    url = reverse("applications:evidence_match", args=[a.pk])
    data = {"other": b.pk, "decision": "same"}
    audit_before = AuditEntry.objects.count()
    assert _client(world.user_a).post(url, data).status_code == 403  # the enterprise itself
    assert _client(world.finance).post(url, data).status_code == 403
    assert _client(world.admin).post(url, data).status_code == 403
    assert _client(world.ganyu).post(url, data).status_code == 404  # another county
    # no shared file: nothing to decide
    _client(world.city).post(url, {"other": c.pk, "decision": "same"})
    # an application of another enterprise, even with the same file
    _client(world.city).post(url, {"other": foreign.pk, "decision": "same"})
    _client(world.city).post(url, {"other": b.pk, "decision": "maybe"})
    assert not EvidenceMatch.objects.exists()
    assert AuditEntry.objects.count() == audit_before
