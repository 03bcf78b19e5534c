"""Pages: applying with evidence, double submission, review buttons, and denials."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationStatus, Evidence
from applications.tests.conftest import PDF

S = ApplicationStatus


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _snapshot(app: Application) -> tuple[Any, ...]:
    app.refresh_from_db()
    return (app.status, app.matter, app.updated_at, app.events.count(), app.evidence.count())


@pytest.mark.django_db
def test_enterprise_applies_with_evidence_and_double_submit_makes_one(world: Any) -> None:
    c = _client(world.user_a)
    url = reverse("applications:new", args=[world.round.pk, "a7.brand_promotion"])
    page = c.get(url)
    assert page.status_code == 200 and "申报费用" in page.content.decode()
    key = page.context["form"].initial["idempotency_key"]
    data = {
        "idempotency_key": key,
        "matter": "FP-2026-777",
        "cost": "80000",
        "cost_date": "2026-03-10",
        "other_public_money": "0",
        "action": "submit",
    }
    first = c.post(url, {**data, "evidence_files": SimpleUploadedFile("发票.pdf", PDF)})
    second = c.post(url, {**data, "evidence_files": SimpleUploadedFile("发票.pdf", PDF)})
    app = Application.objects.get()
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == reverse("applications:detail", args=[app.pk])
    assert app.status == S.SUBMITTED and app.evidence.count() == 1
    detail = c.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "待县区审核" in detail and "发票.pdf" in detail


@pytest.mark.django_db
def test_renamed_text_file_is_refused_with_a_message(world: Any) -> None:
    c = _client(world.user_a)
    url = reverse("applications:new", args=[world.round.pk, "a7.brand_promotion"])
    resp = c.post(
        url,
        {
            "idempotency_key": "form-key-0001",
            "matter": "FP-1",
            "cost": "100",
            "cost_date": "2026-03-10",
            "action": "submit",
            "evidence_files": SimpleUploadedFile(
                "invoice.pdf", b"plain text", content_type="application/pdf"
            ),
        },
        follow=True,
    )
    body = resp.content.decode()
    assert "不是允许的类型" in body
    app = Application.objects.get()
    assert app.status == S.DRAFT and not Evidence.objects.exists()


@pytest.mark.django_db
def test_enterprise_outside_window_sees_why_and_when(world: Any) -> None:
    services.round_close(actor=world.city, round=world.round)
    nxt = services.round_create_from_guide(actor=world.city, year=2027)
    services.round_open(actor=world.city, round=nxt)
    c = _client(world.user_a)
    body = c.get(reverse("applications:rounds")).content.decode()
    assert "目前没有正在申报的批次" in body and "2027-04-19" in body
    apply = c.get(reverse("applications:round_apply", args=[world.round.pk])).content.decode()
    assert "当前不能申报" in apply and "截止" in apply
    resp = c.get(reverse("applications:new", args=[world.round.pk, "a3.benchmark"]))
    assert resp.status_code == 302 and not Application.objects.exists()


@pytest.mark.django_db
def test_city_reviewer_creates_edits_and_opens_a_round(world: Any) -> None:
    c = _client(world.city)
    resp = c.post(reverse("applications:round_create"), {"year": "2027", "name": ""})
    assert resp.status_code == 302
    rnd = world.round.__class__.objects.get(year=2027)
    resp = c.post(
        reverse("applications:round_edit", args=[rnd.pk]),
        {"name": "2027年度第一批", "opens_on": "2027-04-01", "closes_on": "2027-05-31"},
    )
    assert resp.status_code == 302
    c.post(reverse("applications:round_open", args=[rnd.pk]))
    rnd.refresh_from_db()
    assert (rnd.name, rnd.status, str(rnd.opens_on)) == ("2027年度第一批", "open", "2027-04-01")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["user_a", "donghai", "finance"])
def test_others_cannot_manage_rounds(world: Any, who: str) -> None:
    c = _client(getattr(world, who))
    assert c.post(reverse("applications:round_close", args=[world.round.pk])).status_code == 403
    assert c.get(reverse("applications:round_edit", args=[world.round.pk])).status_code == 403
    world.round.refresh_from_db()
    assert world.round.status == "open"


@pytest.mark.django_db
def test_enterprise_b_cannot_see_change_or_download_a(world: Any, make_app: Any) -> None:
    app = make_app()
    ev = services.evidence_add(
        actor=world.user_a, application=app, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    before = _snapshot(app)
    c = _client(world.user_b)
    assert c.get(reverse("applications:detail", args=[app.pk])).status_code == 404
    assert c.get(reverse("applications:edit", args=[app.pk])).status_code == 404
    assert c.get(reverse("applications:evidence_download", args=[ev.pk])).status_code == 404
    assert (
        c.post(reverse("applications:edit", args=[app.pk]), {"matter": "HACK"}).status_code == 404
    )
    assert (
        c.post(reverse("applications:transition", args=[app.pk]), {"to": "submitted"}).status_code
        == 404
    )
    assert c.post(reverse("applications:evidence_delete", args=[ev.pk])).status_code == 404
    assert (
        c.post(
            reverse("applications:evidence_upload", args=[app.pk]),
            {"evidence_files": SimpleUploadedFile("b.pdf", PDF)},
        ).status_code
        == 404
    )
    assert f"#{app.pk}" not in c.get(reverse("applications:mine")).content.decode()
    assert _snapshot(app) == before


@pytest.mark.django_db
def test_evidence_download_is_an_attachment_with_nosniff(world: Any, make_app: Any) -> None:
    app = make_app(S.SUBMITTED)
    ev = Evidence.objects.create(
        application=app,
        file="private/evidence/x.pdf",
        original_name="合同.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("private/evidence/x.pdf", ContentFile(PDF))
    for user in (world.user_a, world.donghai, world.city):
        resp = _client(user).get(reverse("applications:evidence_download", args=[ev.pk]))
        assert resp.status_code == 200
        assert resp["Content-Disposition"].startswith("attachment")
        assert resp["X-Content-Type-Options"] == "nosniff"
        assert resp["Content-Type"] == "application/pdf"
        assert b"".join(resp.streaming_content) == PDF  # type: ignore[attr-defined]
    for user in (world.user_b, world.ganyu, world.partner):
        assert (
            _client(user).get(reverse("applications:evidence_download", args=[ev.pk])).status_code
            == 404
        )


@pytest.mark.django_db
def test_county_inbox_shows_only_own_county(world: Any, make_app: Any) -> None:
    a = make_app(S.SUBMITTED)
    b = make_app(S.SUBMITTED, user=world.user_b)
    draft = make_app(S.DRAFT)
    body = _client(world.donghai).get(reverse("applications:inbox")).content.decode()
    assert f"application-row-{a.pk}" in body and f"application-row-{b.pk}" not in body
    assert f"application-row-{draft.pk}" not in body
    assert (
        _client(world.donghai).get(reverse("applications:detail", args=[b.pk])).status_code == 404
    )
    city = _client(world.city).get(reverse("applications:inbox")).content.decode()
    assert f"application-row-{a.pk}" not in city  # not yet at city review


@pytest.mark.django_db
def test_county_officer_of_another_county_cannot_act(world: Any, make_app: Any) -> None:
    app = make_app(S.SUBMITTED)
    before = _snapshot(app)
    resp = _client(world.ganyu).post(
        reverse("applications:transition", args=[app.pk]), {"to": "city_review"}
    )
    assert resp.status_code == 404
    assert _snapshot(app) == before


@pytest.mark.django_db
def test_review_buttons_and_required_comment(world: Any, make_app: Any) -> None:
    app = make_app(S.SUBMITTED)
    c = _client(world.donghai)
    body = c.get(reverse("applications:detail", args=[app.pk])).content.decode()
    for to in ("county_review", "city_review", "returned", "rejected"):
        assert f'data-testid="transition-{to}"' in body
    assert 'data-testid="transition-approved"' not in body
    before = _snapshot(app)
    resp = c.post(
        reverse("applications:transition", args=[app.pk]),
        {"to": "returned", "comment": ""},
        follow=True,
    )
    assert "请填写意见" in resp.content.decode() and _snapshot(app) == before
    # a funds-app edge is not offered on the page, and refused when posted
    app2 = make_app(S.PUBLIC_NOTICE)
    assert (
        _client(world.city)
        .post(reverse("applications:transition", args=[app2.pk]), {"to": "approved"})
        .status_code
        == 403
    )
    app2.refresh_from_db()
    assert app2.status == S.PUBLIC_NOTICE
    c.post(reverse("applications:transition", args=[app.pk]), {"to": "city_review"})
    app.refresh_from_db()
    assert app.status == S.CITY_REVIEW


@pytest.mark.django_db
def test_matter_flags_for_reviewers_not_enterprises(world: Any, make_app: Any) -> None:
    a = make_app(S.SUBMITTED, matter="HT-2025-0099")
    b = make_app(S.SUBMITTED, user=world.user_b, matter="ht-2025-0099")
    city = _client(world.city).get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert (
        'data-testid="matter-flags"' in city and reverse("applications:detail", args=[b.pk]) in city
    )
    county = (
        _client(world.donghai).get(reverse("applications:detail", args=[a.pk])).content.decode()
    )
    assert (
        'data-testid="matter-flags"' in county and world.b.name not in county
    )  # other county: no name
    own = _client(world.user_a).get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert 'data-testid="matter-flags"' not in own and world.b.name not in own
    inbox = _client(world.donghai).get(reverse("applications:inbox")).content.decode()
    assert "重复 1" in inbox


@pytest.mark.django_db
def test_enterprise_sees_amount_explanation_and_messages(world: Any, make_app: Any) -> None:
    from decimal import Decimal

    from applications.workflow import transition

    app = make_app(S.CITY_REVIEW)
    transition(
        actor=world.city,
        application=app,
        to=S.PROPOSED,
        amount_proposed=Decimal("40000.00"),
        explanation=[
            {
                "code": "rate_applied",
                "article": "(七)",
                "message": "费用 80,000.00 元 × 50% = 40,000.00 元",
            }
        ],
    )
    c = _client(world.user_a)
    body = c.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "40,000.00" in body and "费用 80,000.00 元 × 50%" in body and "拟支持" in body
    notes = c.get(reverse("applications:notifications")).content.decode()
    assert "拟支持" in notes
    c.post(reverse("applications:notifications_read"))
    assert not world.user_a.application_notifications.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
def test_cost_date_outside_the_guide_period_is_refused_with_a_message(world: Any) -> None:

    c = Client()
    c.force_login(world.user_a)
    url = reverse("applications:new", args=[world.round.pk, "a7.brand_promotion"])
    before = Application.objects.count()
    page = c.post(
        url,
        {
            "idempotency_key": "form-key-0099",
            "matter": "FP-OLD",
            "cost": "100",
            "cost_date": "2023-05-01",
            "action": "submit",
        },
    )
    assert page.status_code == 400
    assert "不在本批次指南的考核期" in page.content.decode()
    assert Application.objects.count() == before  # nothing saved
    missing = c.post(
        url,
        {"idempotency_key": "form-key-0098", "matter": "FP-X", "cost": "100", "action": "submit"},
    )
    assert "cost_date" in missing.context["form"].errors
    assert Application.objects.count() == before


@pytest.mark.django_db
def test_closing_a_round_asks_first(world: Any) -> None:
    """截止申报 carries data-confirm: app.js asks before the form is sent."""
    page = _client(world.city).get(reverse("applications:round_edit", args=[world.round.pk]))
    assert 'data-confirm data-testid="round-close"' in page.content.decode()
