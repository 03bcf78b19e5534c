"""Who may do what, on the pages and the API: every partner page and endpoint refuses a partner
without consent (another bank, an insurer), after revocation and after expiry, and the
enterprise pages refuse another enterprise — and nothing changes when they do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from time_machine import TimeMachineFixture

from audit.models import AuditEntry
from credit import services
from credit.models import (
    ConsentAccess,
    CreditApplication,
    CreditStep,
    Product,
    ProductDocument,
    TradeProfile,
)
from credit.tests.conftest import PDF, apply

pytestmark = pytest.mark.django_db


def _state(application: CreditApplication) -> tuple[Any, ...]:
    fresh = CreditApplication.objects.get(pk=application.pk)
    return (
        fresh.status,
        fresh.offer_amount,
        fresh.consent.revoked_at,
        ConsentAccess.objects.count(),
        TradeProfile.objects.count(),
        CreditStep.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def case(world: SimpleNamespace) -> SimpleNamespace:
    """An application of enterprise 1 to the bank's loan, under review, with one profile issued
    while the consent was active."""
    application = apply(world)
    application = services.application_transition(
        actor=world.bank, application=application, action="review"
    )
    profile = services.profile_issue(actor=world.bank, application=application)
    return SimpleNamespace(application=application, profile=profile)


SCENARIOS = ["other_bank", "insurer", "revoked", "expired"]


@pytest.fixture
def denied(
    request: pytest.FixtureRequest,
    world: SimpleNamespace,
    case: SimpleNamespace,
    time_machine: TimeMachineFixture,
) -> Any:
    """The partner user who must be refused in each scenario (the state set up first)."""
    scenario = request.param
    if scenario == "other_bank":
        return world.bank2
    if scenario == "insurer":
        return world.insurer
    if scenario == "revoked":
        services.consent_revoke(actor=world.ent1, consent=case.application.consent)
        return world.bank
    time_machine.move_to(case.application.consent.expires_at + dt.timedelta(minutes=1))
    return world.bank


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


PARTNER_PAGES: list[tuple[str, str, Callable[[SimpleNamespace], str], dict[str, Any]]] = [
    ("get", "detail", lambda c: f"/credit/applications/{c.application.pk}/", {}),
    ("post", "review", lambda c: f"/credit/applications/{c.application.pk}/do/review/", {}),
    (
        "post",
        "offer",
        lambda c: f"/credit/applications/{c.application.pk}/do/offer/",
        {"offer_amount": "400000", "offer_rate": "3.5", "offer_term_months": "12"},
    ),
    ("post", "reject", lambda c: f"/credit/applications/{c.application.pk}/do/reject/", {}),
    ("post", "profile", lambda c: f"/credit/applications/{c.application.pk}/profile/", {}),
    ("get", "profile_page", lambda c: f"/credit/profiles/{c.profile.number}/", {}),
    ("get", "profile_json", lambda c: f"/credit/profiles/{c.profile.number}/profile.json", {}),
    ("get", "profile_pdf", lambda c: f"/credit/profiles/{c.profile.number}/profile.pdf", {}),
]


@pytest.mark.parametrize("denied", SCENARIOS, indirect=True)
@pytest.mark.parametrize(("method", "name", "url", "data"), PARTNER_PAGES)
def test_partner_pages_refuse_without_active_consent(
    world: SimpleNamespace,
    case: SimpleNamespace,
    denied: Any,
    method: str,
    name: str,
    url: Callable[[SimpleNamespace], str],
    data: dict[str, Any],
) -> None:
    before = _state(case.application)
    client = _client(denied)
    response = getattr(client, method)(url(case), data)
    assert response.status_code in {403, 404}, name
    assert world.e1.name not in response.content.decode("utf-8", "replace")
    assert _state(case.application) == before


@pytest.mark.parametrize("denied", SCENARIOS, indirect=True)
def test_partner_application_list_is_empty(
    world: SimpleNamespace, case: SimpleNamespace, denied: Any
) -> None:
    client = _client(denied)
    html = client.get("/credit/applications/").content.decode()
    assert world.e1.name not in html
    api = client.get("/api/v1/credit/applications")
    assert api.status_code == 200 and api.json() == []


PARTNER_API: list[tuple[str, str, Callable[[SimpleNamespace], str], dict[str, Any] | None]] = [
    ("get", "one", lambda c: f"/api/v1/credit/applications/{c.application.pk}", None),
    ("get", "data", lambda c: f"/api/v1/credit/applications/{c.application.pk}/data", None),
    (
        "post",
        "transition",
        lambda c: f"/api/v1/credit/applications/{c.application.pk}/transition",
        {"action": "reject"},
    ),
    ("post", "profiles", lambda c: f"/api/v1/credit/applications/{c.application.pk}/profiles", {}),
    ("get", "profile", lambda c: f"/api/v1/credit/profiles/{c.profile.number}", None),
]


@pytest.mark.parametrize("denied", SCENARIOS, indirect=True)
@pytest.mark.parametrize(("method", "name", "url", "body"), PARTNER_API)
def test_partner_api_refuses_without_active_consent(
    world: SimpleNamespace,
    case: SimpleNamespace,
    denied: Any,
    method: str,
    name: str,
    url: Callable[[SimpleNamespace], str],
    body: dict[str, Any] | None,
) -> None:
    before = _state(case.application)
    client = _client(denied)
    if method == "post":
        response = client.post(url(case), body or {}, content_type="application/json")
    else:
        response = client.get(url(case))
    assert response.status_code in {403, 404}, name
    assert world.e1.uscc not in response.content.decode()
    assert _state(case.application) == before


def test_the_consented_bank_does_see_and_is_recorded(
    world: SimpleNamespace, case: SimpleNamespace
) -> None:
    """The control of the denials above: the same requests by the consented bank succeed."""
    client = _client(world.bank)
    accesses = ConsentAccess.objects.count()
    html = client.get(f"/credit/applications/{case.application.pk}/").content.decode()
    assert world.e1.name in html and "17345.00" in html
    data = client.get(f"/api/v1/credit/applications/{case.application.pk}/data").json()
    assert set(data) == {"trade", "registry"}
    assert client.get(f"/credit/profiles/{case.profile.number}/profile.json").status_code == 200
    pdf = client.get(f"/credit/profiles/{case.profile.number}/profile.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert ConsentAccess.objects.count() == accesses + 4


# ------------------------------------------------------------------ the enterprise side


ENTERPRISE_REQUESTS: list[tuple[str, Callable[[SimpleNamespace], str]]] = [
    ("get", lambda c: f"/credit/applications/{c.application.pk}/"),
    ("post", lambda c: f"/credit/applications/{c.application.pk}/do/accept/"),
    ("get", lambda c: f"/credit/consents/{c.application.consent_id}/"),
    ("post", lambda c: f"/credit/consents/{c.application.consent_id}/revoke/"),
    ("get", lambda c: f"/credit/profiles/{c.profile.number}/"),
]


@pytest.mark.parametrize(("method", "url"), ENTERPRISE_REQUESTS)
def test_another_enterprise_is_refused(
    world: SimpleNamespace, case: SimpleNamespace, method: str, url: Callable[..., str]
) -> None:
    before = _state(case.application)
    response = getattr(_client(world.ent2), method)(url(case))
    assert response.status_code in {403, 404}
    assert _state(case.application) == before


def test_another_enterprise_api_is_refused(world: SimpleNamespace, case: SimpleNamespace) -> None:
    before = _state(case.application)
    client = _client(world.ent2)
    consent = case.application.consent_id
    assert client.post(f"/api/v1/credit/consents/{consent}/revoke").status_code == 404
    assert client.get(f"/api/v1/credit/consents/{consent}/accesses").status_code == 404
    assert client.get("/api/v1/credit/consents").json() == []
    assert client.get("/api/v1/credit/applications").json() == []
    assert _state(case.application) == before


def test_enterprise_sees_its_consents_and_every_access(
    world: SimpleNamespace, case: SimpleNamespace
) -> None:
    client = _client(world.ent1)
    html = client.get(f"/credit/consents/{case.application.consent_id}/").content.decode()
    assert "bank1" in html and case.profile.number in html
    api = client.get(f"/api/v1/credit/consents/{case.application.consent_id}/accesses").json()
    assert [a["username"] for a in api] == ["bank1"]
    response = client.post(f"/credit/consents/{case.application.consent_id}/revoke/")
    assert response.status_code == 302
    assert CreditApplication.objects.get(pk=case.application.pk).status == "withdrawn"


# ------------------------------------------------------------------ products


def test_other_partner_cannot_edit_a_product(world: SimpleNamespace) -> None:
    client = _client(world.bank2)
    pk = world.loan.pk
    assert client.post(f"/credit/products/{pk}/status/", {"status": "withdrawn"}).status_code == 404
    assert client.get(f"/credit/products/{pk}/edit/").status_code == 404
    upload = SimpleUploadedFile("t.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/credit/products/{pk}/documents/", {"title": "t", "file": upload})
    assert response.status_code == 404
    world.loan.refresh_from_db()
    assert world.loan.status == "published" and not ProductDocument.objects.exists()


def test_enterprise_browses_published_products_and_compares(world: SimpleNamespace) -> None:
    services.product_set_status(actor=world.insurer, product=world.cover, status="withdrawn")
    client = _client(world.ent1)
    html = client.get("/credit/products/").content.decode()
    assert world.loan.name in html and world.cover.name not in html
    compare = client.get(f"/credit/products/compare/?ids={world.loan.pk}&ids={world.cover.pk}")
    assert world.loan.name in compare.content.decode()
    assert world.cover.name not in compare.content.decode()


def test_city_sees_every_product(world: SimpleNamespace) -> None:
    services.product_set_status(actor=world.insurer, product=world.cover, status="withdrawn")
    html = _client(world.city).get("/credit/products/").content.decode()
    assert world.loan.name in html and world.cover.name in html
    api = _client(world.city).get("/api/v1/credit/products").json()
    assert {p["id"] for p in api} == {world.loan.pk, world.cover.pk}


@pytest.mark.parametrize("who", ["carrier", "bank2"])
def test_partner_products_only_their_own(world: SimpleNamespace, who: str) -> None:
    api = _client(getattr(world, who)).get("/api/v1/credit/products").json()
    assert api == []


def test_partners_and_officers_cannot_apply(world: SimpleNamespace) -> None:
    body = {
        "amount": "500000",
        "term_months": 12,
        "purpose": "x",
        "scopes": ["trade"],
        "days": 90,
    }
    for user in (world.bank, world.city, world.county):
        response = _client(user).post(
            f"/api/v1/credit/products/{world.loan.pk}/apply", body, content_type="application/json"
        )
        assert response.status_code == 403
    assert not CreditApplication.objects.exists() and Product.objects.count() == 2


def test_volumes_only_for_officers(world: SimpleNamespace, case: SimpleNamespace) -> None:
    for user in (world.bank, world.ent1, world.carrier):
        assert _client(user).get("/credit/volumes/").status_code == 403
        assert _client(user).get("/api/v1/credit/volumes").status_code == 403
    html = _client(world.county2).get("/credit/volumes/?year=2026").content.decode()
    assert "东海县" not in html  # another county's figures are outside its scope
    assert world.e1.name not in _client(world.city).get("/credit/volumes/").content.decode()
    city = _client(world.city).get("/api/v1/credit/volumes?year=2026").json()
    assert city["rows"][0]["county_code"] == "320722" and city["rows"][0]["applications"] == 1


def test_navigation_entries_by_partner_kind(world: SimpleNamespace) -> None:
    from core.navigation import nav_for

    def urls(user: Any) -> set[str]:
        return {url for _label, url in nav_for(user)}

    assert "/credit/applications/" in urls(world.bank)
    assert "/credit/products/" in urls(world.insurer)
    assert "/credit/products/" not in urls(world.carrier)
    assert {"/credit/products/", "/credit/consents/"} <= urls(world.ent1)
    assert "/credit/volumes/" in urls(world.city) and "/credit/consents/" not in urls(world.city)


def test_enterprise_accepts_the_offer_on_its_page(world: SimpleNamespace) -> None:
    application = apply(world)
    bank = _client(world.bank)
    assert bank.post(f"/credit/applications/{application.pk}/do/review/").status_code == 302
    response = bank.post(
        f"/credit/applications/{application.pk}/do/offer/",
        {"offer_amount": "450000", "offer_rate": "3.9", "offer_term_months": "12"},
    )
    assert response.status_code == 302
    refused = bank.post(
        f"/credit/applications/{application.pk}/do/offer/",
        {"offer_amount": "450000", "offer_rate": "3.9", "offer_term_months": "12"},
    )
    assert refused.status_code == 400  # no longer under review: the form comes back
    ent = _client(world.ent1)
    page = ent.get(f"/credit/applications/{application.pk}/").content.decode()
    assert 'data-testid="action-accept"' in page and 'data-testid="offer"' in page
    assert ent.post(f"/credit/applications/{application.pk}/do/accept/").status_code == 302
    assert CreditApplication.objects.get(pk=application.pk).status == "accepted"
    done = bank.post(f"/credit/applications/{application.pk}/do/disburse/", {"reference": "LN-9"})
    assert done.status_code == 302
    assert CreditApplication.objects.get(pk=application.pk).status == "disbursed"
