"""(四) industry-belt subsidy: the application names a belt of the enterprise's county (the
service refuses any other, on the page and the API alike), and the county officer confirms the
applicant is the belt's operating body or the platform cooperation the county named before the
application goes to the city (a required comment, one rule for the button and the service)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationEvent, ApplicationStatus
from applications.workflow import allowed_transitions, transition
from audit.models import AuditEntry
from entitlement.guide import GUIDES_DIR_ENV, guides_dir

S = ApplicationStatus
BELT = "a4.industry_belt"


@pytest.fixture
def belt_round(world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A 2026 round of a test guide that also opens (四) a4.industry_belt (reviewer-set amount
    under a cap), and one belt in each of two counties."""
    from enterprises.models import IndustryBelt

    text = (guides_dir() / "2026.yaml").read_text(encoding="utf-8")
    assert BELT not in text  # the shipped guide does not open it: this test guide does
    text = text.replace("measures:\n", f'measures:\n  {BELT}: {{cap: "500000"}}\n', 1)
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "2026.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(GUIDES_DIR_ENV, str(tmp_path / "guides"))
    rnd = services.round_create_from_guide(actor=world.city, year=2026, name="产业带批次")
    today = timezone.localdate()
    rnd = services.round_update(
        actor=world.city,
        round=rnd,
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=5),
    )
    world.belt_round = services.round_open(actor=world.city, round=rnd)
    world.crystal = IndustryBelt.objects.create(name="东海水晶", county=world.counties["donghai"])
    world.seafood = IndustryBelt.objects.create(name="赣榆海产", county=world.counties["ganyu"])
    return world


def _api(user: Any) -> Client:
    from accounts.services import api_token_create

    _, raw = api_token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _counts() -> tuple[int, int, int]:
    return (
        Application.objects.count(),
        ApplicationEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def _belt_app(w: Any, status: str = S.SUBMITTED) -> Application:
    app, _ = services.application_save_draft(
        actor=w.user_a,
        round=w.belt_round,
        measure=BELT,
        attributes={"industry_belt": w.crystal.pk, "note": "东海水晶展示选品中心"},
    )
    Application.objects.filter(pk=app.pk).update(status=status)
    app.refresh_from_db()
    return app


# ---------------------------------------------------------------- the application names a belt


@pytest.mark.django_db
def test_a_belt_of_the_own_county_is_accepted(belt_round: Any) -> None:
    w = belt_round
    app, created = services.application_save_draft(
        actor=w.user_a,
        round=w.belt_round,
        measure=BELT,
        attributes={"industry_belt": str(w.crystal.pk)},  # the form's value is a string
    )
    assert created and app.attributes == {"industry_belt": w.crystal.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "请选择本项目所属的产业带"),
        ("", "请选择本项目所属的产业带"),
        ("other_county", "不属于该县区"),
        ("x1", "不属于该县区"),
        (True, "不属于该县区"),
        (10**30, "不属于该县区"),
        ("9" * 40, "不属于该县区"),
    ],
)
def test_no_belt_or_another_countys_belt_is_refused_and_nothing_saved(
    belt_round: Any, value: Any, message: str
) -> None:
    w = belt_round
    if value == "other_county":
        value = w.seafood.pk
    before = _counts()
    attributes = {} if value is None else {"industry_belt": value}
    with pytest.raises(ValidationError) as exc:
        services.application_save_draft(
            actor=w.user_a, round=w.belt_round, measure=BELT, attributes=attributes
        )
    assert message in exc.value.message_dict["industry_belt"][0]
    assert _counts() == before


@pytest.mark.django_db
def test_changing_a_draft_to_another_countys_belt_is_refused_and_nothing_changes(
    belt_round: Any,
) -> None:
    w = belt_round
    app = _belt_app(w, status=S.DRAFT)
    before = (_counts(), app.updated_at)
    with pytest.raises(ValidationError):
        services.application_save_draft(
            actor=w.user_a,
            application=app,
            measure=BELT,
            attributes={"industry_belt": w.seafood.pk},
        )
    app.refresh_from_db()
    assert app.attributes["industry_belt"] == w.crystal.pk
    assert (_counts(), app.updated_at) == before


@pytest.mark.django_db
def test_the_form_offers_the_countys_belts_and_refuses_another(belt_round: Any) -> None:
    w = belt_round
    c = Client()
    c.force_login(w.user_a)
    url = reverse("applications:new", args=[w.belt_round.pk, BELT])
    page = c.get(url)
    choices = dict(page.context["form"].fields["industry_belt"].choices)
    assert w.crystal.pk in choices and w.seafood.pk not in choices
    before = _counts()
    refused = c.post(url, {"idempotency_key": "belt-form-0001", "industry_belt": str(w.seafood.pk)})
    assert refused.status_code == 400
    assert "不属于该县区" in refused.content.decode()
    missing = c.post(url, {"idempotency_key": "belt-form-0002", "industry_belt": ""})
    assert "industry_belt" in missing.context["form"].errors
    assert _counts() == before
    ok = c.post(url, {"idempotency_key": "belt-form-0003", "industry_belt": str(w.crystal.pk)})
    assert ok.status_code == 302
    app = Application.objects.get(measure=BELT)
    assert app.attributes["industry_belt"] == w.crystal.pk
    c.force_login(w.donghai)
    Application.objects.filter(pk=app.pk).update(status=S.SUBMITTED)
    detail = c.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert 'data-testid="industry-belt">东海水晶' in detail
    assert 'data-testid="confirmation-city_review"' in detail


@pytest.mark.django_db
def test_the_api_applies_the_same_check(belt_round: Any) -> None:
    w = belt_round
    c = _api(w.user_a)
    measures = c.get(f"/api/v1/applications/rounds/{w.belt_round.pk}/measures")
    assert measures.status_code == 200
    needs = {m["id"]: m["needs_industry_belt"] for m in measures.json()}
    assert needs[BELT] is True and needs["a3.benchmark"] is False
    body = {"round_id": w.belt_round.pk, "measure": BELT, "attributes": {}}
    before = _counts()
    for attributes in ({}, {"industry_belt": w.seafood.pk}):
        r = c.post(
            "/api/v1/applications",
            {**body, "attributes": attributes},
            content_type="application/json",
        )
        assert r.status_code == 400 and "industry_belt" in r.json()["fields"]
    assert _counts() == before
    ok = c.post(
        "/api/v1/applications",
        {**body, "attributes": {"industry_belt": w.crystal.pk}},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["attributes"]["industry_belt"] == w.crystal.pk


# ---------------------------------------------------------------- the county officer confirms


@pytest.mark.django_db
@pytest.mark.parametrize("frm", [S.SUBMITTED, S.COUNTY_REVIEW])
def test_county_step_refuses_without_confirmation_and_passes_with_it(
    belt_round: Any, frm: str
) -> None:
    w = belt_round
    app = _belt_app(w, status=frm)
    edge = {e.to: e for e in allowed_transitions(actor=w.donghai, application=app)}[S.CITY_REVIEW]
    assert edge.comment_required and "运营主体" in edge.confirmation
    before = (_counts(), app.updated_at)
    with pytest.raises(ValidationError) as exc:
        transition(actor=w.donghai, application=app, to=S.CITY_REVIEW, comment="  ")
    assert "平台合作项目主体" in exc.value.message_dict["comment"][0]
    app.refresh_from_db()
    assert app.status == frm and (_counts(), app.updated_at) == before
    transition(
        actor=w.donghai,
        application=app,
        to=S.CITY_REVIEW,
        comment="经核实，申报单位为东海水晶产业带运营主体。",
    )
    app.refresh_from_db()
    assert app.status == S.CITY_REVIEW
    assert app.events.last().comment == "经核实，申报单位为东海水晶产业带运营主体。"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_review_button_refuses_without_confirmation(belt_round: Any) -> None:
    w = belt_round
    app = _belt_app(w)
    c = Client()
    c.force_login(w.donghai)
    url = reverse("applications:transition", args=[app.pk])
    before = _counts()
    c.post(url, {"to": S.CITY_REVIEW})
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and _counts() == before
    c.post(url, {"to": S.CITY_REVIEW, "comment": "县区确定的平台合作项目主体。"})
    app.refresh_from_db()
    assert app.status == S.CITY_REVIEW


@pytest.mark.django_db
def test_other_measures_need_no_confirmation(belt_round: Any, make_app: Any) -> None:
    w = belt_round
    app = make_app(S.SUBMITTED)
    edge = {e.to: e for e in allowed_transitions(actor=w.donghai, application=app)}[S.CITY_REVIEW]
    assert not edge.comment_required and edge.confirmation == ""
    transition(actor=w.donghai, application=app, to=S.CITY_REVIEW)
    app.refresh_from_db()
    assert app.status == S.CITY_REVIEW
