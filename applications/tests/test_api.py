"""API: the same permissions as the pages, idempotent submission, evidence upload."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applications.models import Application, ApplicationStatus, Evidence
from applications.tests.conftest import PDF

S = ApplicationStatus
BASE = "/api/v1/applications"


def _api(user: Any) -> Client:
    from accounts.services import api_token_create

    _, raw = api_token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_submit_twice_with_the_same_key_gives_one_application(world: Any) -> None:
    c = _api(world.user_a)
    body = {"round_id": world.round.pk, "measure": "a3.benchmark", "matter": "RC-1"}
    first = c.post(
        f"{BASE}/submit", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-key-0001"
    )
    again = c.post(
        f"{BASE}/submit", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-key-0001"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["status"] == "submitted"
    assert Application.objects.count() == 1
    missing = c.post(f"{BASE}/submit", body, content_type="application/json")
    assert missing.status_code == 400 and Application.objects.count() == 1


@pytest.mark.django_db
def test_draft_evidence_and_submit_flow(world: Any) -> None:
    c = _api(world.user_a)
    body = {
        "round_id": world.round.pk,
        "measure": "a7.brand_promotion",
        "matter": "FP-9",
        "cost": "1000.50",
        "cost_date": "2026-03-10",
    }
    draft = c.post(BASE, body, content_type="application/json").json()
    assert draft["status"] == "draft" and draft["cost"] == "1000.50"
    refused = c.post(f"{BASE}/{draft['id']}/submit")
    assert refused.status_code == 400 and "费用凭证" in refused.json()["message"]
    bad = c.post(f"{BASE}/{draft['id']}/evidence", {"file": SimpleUploadedFile("x.pdf", b"text")})
    assert bad.status_code == 400 and not Evidence.objects.exists()
    ok = c.post(f"{BASE}/{draft['id']}/evidence", {"file": SimpleUploadedFile("x.pdf", PDF)})
    assert ok.status_code == 201 and ok.json()["content_type"] == "application/pdf"
    done = c.post(f"{BASE}/{draft['id']}/submit")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    detail = c.get(f"{BASE}/{draft['id']}").json()
    assert [e["to_status"] for e in detail["events"]] == ["draft", "submitted"]
    assert {t["to"] for t in detail["transitions"]} == {"withdrawn"}
    dl = c.get(f"{BASE}/evidence/{ok.json()['id']}")
    assert dl.status_code == 200 and dl["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_enterprise_b_cannot_read_change_or_download_a(world: Any, make_app: Any) -> None:
    from applications import services

    app = make_app()
    ev = services.evidence_add(
        actor=world.user_a, application=app, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    before = (app.matter, app.status, app.updated_at)
    c = _api(world.user_b)
    assert c.get(f"{BASE}/{app.pk}").status_code == 404
    assert (
        c.patch(f"{BASE}/{app.pk}", {"matter": "HACK"}, content_type="application/json").status_code
        == 404
    )
    assert c.post(f"{BASE}/{app.pk}/submit").status_code == 404
    assert (
        c.post(
            f"{BASE}/{app.pk}/transition", {"to": "withdrawn"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        c.post(f"{BASE}/{app.pk}/evidence", {"file": SimpleUploadedFile("b.pdf", PDF)}).status_code
        == 404
    )
    assert c.get(f"{BASE}/evidence/{ev.pk}").status_code == 404
    assert c.get(BASE).json()["count"] == 0
    app.refresh_from_db()
    assert (app.matter, app.status, app.updated_at) == before and Evidence.objects.count() == 1


@pytest.mark.django_db
def test_transition_scope_and_comment(world: Any, make_app: Any) -> None:
    app = make_app(S.SUBMITTED)
    other = _api(world.ganyu).post(
        f"{BASE}/{app.pk}/transition", {"to": "city_review"}, content_type="application/json"
    )
    assert other.status_code == 404
    c = _api(world.donghai)
    no_comment = c.post(
        f"{BASE}/{app.pk}/transition", {"to": "rejected"}, content_type="application/json"
    )
    assert no_comment.status_code == 400
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.events.count() == 1
    ok = c.post(
        f"{BASE}/{app.pk}/transition",
        {"to": "city_review", "comment": "材料齐全"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "city_review"
    funds_edge = _api(world.city).post(
        f"{BASE}/{app.pk}/transition", {"to": "proposed"}, content_type="application/json"
    )
    assert funds_edge.status_code == 403
    app.refresh_from_db()
    assert app.status == S.CITY_REVIEW


@pytest.mark.django_db
def test_rounds_measures_and_notifications(world: Any, make_app: Any) -> None:
    rounds = _api(world.user_a).get(f"{BASE}/rounds").json()
    assert rounds[0]["accepting"] is True and rounds[0]["budget_total"] == "25000000.00"
    measures = {
        m["id"]: m
        for m in _api(world.user_park).get(f"{BASE}/rounds/{world.round.pk}/measures").json()
    }
    # only (八) and (十) restrict the kind: a park operator may claim the enterprise measures
    # too, but never (十) the public warehouse award
    assert "a8.park_recognition" in measures and "a18.event" in measures
    assert "a10.public_warehouse" not in measures
    assert _api(world.city).get(f"{BASE}/rounds/{world.round.pk}/measures").status_code == 403
    app = make_app(S.SUBMITTED)
    _api(world.donghai).post(
        f"{BASE}/{app.pk}/transition", {"to": "county_review"}, content_type="application/json"
    )
    c = _api(world.user_a)
    notes = c.get(f"{BASE}/notifications?unread=true").json()
    assert len(notes) == 1 and "县区审核中" in notes[0]["message"]
    assert c.post(f"{BASE}/notifications/read", {}, content_type="application/json").json() == {
        "marked": 1
    }
    assert _api(world.user_b).get(f"{BASE}/notifications").json() == []


def _cost_body(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "round_id": world.round.pk,
        "measure": "a7.brand_promotion",
        "matter": "FP-API-1",
        "cost": "800.00",
        **extra,
    }


@pytest.mark.django_db
def test_cost_date_is_required_for_cost_shares_and_nothing_is_saved(world: Any) -> None:
    c = _api(world.user_a)
    for path, key in ((BASE, ""), (f"{BASE}/submit", "api-key-0101")):
        response = c.post(
            path, _cost_body(world), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid" and "cost_date" in body["fields"]
        assert "费用发生日期" in body["message"]
    assert not Application.objects.exists()
    measures = c.get(f"{BASE}/rounds/{world.round.pk}/measures").json()
    dated = {m["id"]: m["needs_cost_date"] for m in measures}
    assert dated["a7.brand_promotion"] is True and dated["a3.benchmark"] is False


@pytest.mark.django_db
def test_cost_date_outside_the_guide_period_is_refused(world: Any) -> None:
    c = _api(world.user_a)
    response = c.post(
        f"{BASE}/submit",
        _cost_body(world, cost_date="2023-05-01"),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-key-0102",
    )
    assert response.status_code == 400
    assert "考核期" in response.json()["message"] and "2026-01-01" in response.json()["message"]
    malformed = c.post(
        BASE, _cost_body(world, cost_date="10/03/2026"), content_type="application/json"
    )
    assert malformed.status_code == 422 and malformed.json()["code"] == "invalid_request"
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_cost_date_is_stored_shown_and_sent_to_the_engine(world: Any) -> None:
    from funds.inputs import Inputs

    c = _api(world.user_a)
    created = c.post(
        BASE, _cost_body(world, cost_date="2026-03-10"), content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["cost_date"] == "2026-03-10"
    app = Application.objects.get()
    assert str(app.cost_date) == "2026-03-10"
    # a PATCH that drops the date is refused like the form; the stored date stays
    patched = c.patch(
        f"{BASE}/{app.pk}",
        {"matter": "FP-API-1", "cost": "800.00"},
        content_type="application/json",
    )
    assert patched.status_code == 400 and "cost_date" in patched.json()["fields"]
    app.refresh_from_db()
    assert str(app.cost_date) == "2026-03-10"
    inputs = Inputs(year=2026, guide="2026")
    inputs.add_claim(app)
    assert inputs.claims[0]["date"] == "2026-03-10"
    assert not [n for n in inputs.notes if n["code"] == "cost_date_missing"]
