"""Services: products, applying with consent, the workflow with notifications, revocation and
expiry, trade profiles."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from time_machine import TimeMachineFixture

from applications.models import Notification
from audit.models import AuditEntry
from credit import selectors, services
from credit.models import (
    Consent,
    ConsentAccess,
    CreditApplication,
    CreditStatus,
    Product,
    ProductDocument,
    TradeProfile,
)
from credit.tests.conftest import PDF, apply

pytestmark = pytest.mark.django_db


def test_bank_publishes_loans_and_insurer_insurance(world: SimpleNamespace) -> None:
    assert world.loan.kind == "loan" and world.loan.insurance_line == ""
    assert world.cover.kind == "insurance" and world.cover.insurance_line == "overseas_warehouse"
    assert AuditEntry.objects.filter(action="credit.product_save").count() == 2


def test_product_ranges_are_checked(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as info:
        services.product_save(
            actor=world.bank,
            name="x",
            amount_min="200",
            amount_max="100",
            rate_min="1",
            rate_max="2",
            term_months=6,
        )
    assert "amount_max" in info.value.message_dict


@pytest.mark.parametrize("who", ["ent1", "carrier", "city", "county"])
def test_only_banks_and_insurers_publish(world: SimpleNamespace, who: str) -> None:
    before = Product.objects.count()
    with pytest.raises(PermissionDenied):
        services.product_save(
            actor=getattr(world, who),
            name="x",
            amount_min="100",
            amount_max="200",
            rate_min="1",
            rate_max="2",
            term_months=6,
        )
    assert Product.objects.count() == before


def test_another_bank_cannot_change_a_product(world: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        services.product_set_status(actor=world.bank2, product=world.loan, status="withdrawn")
    world.loan.refresh_from_db()
    assert world.loan.status == "published"


def test_documents_are_pdf_only_and_size_limited(world: SimpleNamespace, settings: object) -> None:
    doc = services.document_add(
        actor=world.bank,
        product=world.loan,
        title="产品条款",
        file=SimpleUploadedFile("terms.pdf", PDF, content_type="application/pdf"),
    )
    assert doc.size == len(PDF) and doc.file.name.endswith(".pdf")
    with pytest.raises(ValidationError):
        services.document_add(
            actor=world.bank,
            product=world.loan,
            title="伪装",
            file=SimpleUploadedFile(
                "x.pdf", b"\x89PNG\r\n\x1a\nxx", content_type="application/pdf"
            ),
        )
    settings.DDT_CREDIT_DOCUMENT_MAX_BYTES = 10  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        services.document_add(
            actor=world.bank,
            product=world.loan,
            title="太大",
            file=SimpleUploadedFile("big.pdf", PDF, content_type="application/pdf"),
        )
    assert ProductDocument.objects.count() == 1


def test_apply_grants_consent_and_notifies(world: SimpleNamespace) -> None:
    application = apply(world)
    consent = application.consent
    assert consent.partner == world.bank and consent.scopes == ["trade", "registry"]
    assert consent.expires_at - consent.granted_at == dt.timedelta(days=90)
    assert consent.is_active()
    assert application.status == CreditStatus.RECEIVED and application.county == world.e1.county
    assert Notification.objects.filter(user=world.ent1).count() == 1
    assert not Notification.objects.filter(user=world.ent2).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "99"),
        ("term_months", 24),
        ("scopes", []),
        ("scopes", ["bank_statements"]),
        ("days", 7),
    ],
)
def test_apply_checks_its_input(world: SimpleNamespace, field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        apply(world, **{field: value})
    assert not Consent.objects.exists() and not CreditApplication.objects.exists()


def test_only_enterprise_users_apply(world: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        apply(world, actor=world.bank)
    assert not Consent.objects.exists()


def test_withdrawn_product_cannot_be_applied_to(world: SimpleNamespace) -> None:
    services.product_set_status(actor=world.bank, product=world.loan, status="withdrawn")
    with pytest.raises(ValidationError):
        apply(world)
    assert not CreditApplication.objects.exists()


def _walk_to_offer(world: SimpleNamespace) -> CreditApplication:
    application = apply(world)
    application = services.application_transition(
        actor=world.bank, application=application, action="review"
    )
    return services.application_transition(
        actor=world.bank,
        application=application,
        action="offer",
        offer_amount="400000",
        offer_rate="3.85",
        offer_term_months=12,
    )


def test_workflow_to_disbursement_notifies_each_step(world: SimpleNamespace) -> None:
    application = _walk_to_offer(world)
    assert application.status == CreditStatus.OFFERED and str(application.offer_rate) == "3.850"
    application = services.application_transition(
        actor=world.ent1, application=application, action="accept"
    )
    application = services.application_transition(
        actor=world.bank, application=application, action="disburse", reference="LN-001"
    )
    assert application.status == CreditStatus.DISBURSED and application.completed_on
    # submitted, review, offer, accept, disburse
    assert Notification.objects.filter(user=world.ent1).count() == 5
    assert [s.to_status for s in application.steps.all()] == [
        "received",
        "under_review",
        "offered",
        "accepted",
        "disbursed",
    ]


def test_insurance_ends_with_a_policy_not_a_loan(world: SimpleNamespace) -> None:
    application = apply(world, product=world.cover, amount="100000")
    for action in ("review",):
        application = services.application_transition(
            actor=world.insurer, application=application, action=action
        )
    application = services.application_transition(
        actor=world.insurer,
        application=application,
        action="offer",
        offer_amount="100000",
        offer_rate="0.5",
        offer_term_months=12,
    )
    application = services.application_transition(
        actor=world.ent1, application=application, action="accept"
    )
    with pytest.raises(ValidationError):
        services.application_transition(
            actor=world.insurer, application=application, action="disburse", reference="x"
        )
    application = services.application_transition(
        actor=world.insurer, application=application, action="issue", reference="POL-1"
    )
    assert application.status == CreditStatus.POLICY_ISSUED


def test_offer_outside_the_product_is_refused(world: SimpleNamespace) -> None:
    application = apply(world)
    services.application_transition(actor=world.bank, application=application, action="review")
    with pytest.raises(ValidationError):
        services.application_transition(
            actor=world.bank,
            application=application,
            action="offer",
            offer_amount="400000",
            offer_rate="9.9",
            offer_term_months=12,
        )
    application.refresh_from_db()
    assert application.status == CreditStatus.UNDER_REVIEW and application.offer_amount is None


def test_enterprise_cannot_act_for_the_bank_nor_the_bank_for_the_enterprise(
    world: SimpleNamespace,
) -> None:
    application = apply(world)
    with pytest.raises(PermissionDenied):
        services.application_transition(actor=world.ent1, application=application, action="review")
    application = _walk_to_offer(world)
    with pytest.raises(PermissionDenied):
        services.application_transition(actor=world.bank, application=application, action="accept")
    with pytest.raises(PermissionDenied):
        services.application_transition(actor=world.ent2, application=application, action="accept")
    application.refresh_from_db()
    assert application.status == CreditStatus.OFFERED


def test_consent_read_records_each_access(world: SimpleNamespace) -> None:
    application = apply(world)
    data = services.consent_read(actor=world.bank, application=application, what="查看")
    assert set(data) == {"trade", "registry"}  # only what was consented
    assert data["trade"]["total_cny"] == "17345.00"
    assert [r["country"] for r in data["trade"]["rows"]] == ["502", "303"]
    assert data["registry"]["uscc"] == world.e1.uscc
    services.consent_read(actor=world.bank, application=application, what="再次查看")
    accesses = list(application.consent.accesses.order_by("at", "pk"))
    assert [(a.username, a.what) for a in accesses] == [
        ("bank1", "查看（贸易画像、企业登记信息）"),
        ("bank1", "再次查看（贸易画像、企业登记信息）"),
    ]


def test_revocation_stops_access_at_once_and_withdraws(world: SimpleNamespace) -> None:
    application = apply(world)
    services.consent_read(actor=world.bank, application=application, what="查看")
    services.consent_revoke(actor=world.ent1, consent=application.consent)
    with pytest.raises(PermissionDenied):
        services.consent_read(actor=world.bank, application=application, what="撤回后")
    with pytest.raises(PermissionDenied):
        services.application_transition(actor=world.bank, application=application, action="review")
    application.refresh_from_db()
    assert application.status == CreditStatus.WITHDRAWN
    assert ConsentAccess.objects.count() == 1
    assert not selectors.application_list_for(user=world.bank).exists()
    assert AuditEntry.objects.filter(action="credit.consent_revoke").count() == 1


def test_expiry_stops_access(world: SimpleNamespace, time_machine: TimeMachineFixture) -> None:
    application = apply(world, days=30)
    time_machine.move_to(application.consent.expires_at + dt.timedelta(seconds=1))
    with pytest.raises(PermissionDenied):
        services.consent_read(actor=world.bank, application=application, what="到期后")
    assert not selectors.application_list_for(user=world.bank).exists()
    assert not ConsentAccess.objects.exists()


def test_only_the_enterprise_revokes(world: SimpleNamespace) -> None:
    application = apply(world)
    for actor in (world.bank, world.ent2, world.city):
        with pytest.raises(PermissionDenied):
            services.consent_revoke(actor=actor, consent=application.consent)
    application.consent.refresh_from_db()
    assert application.consent.revoked_at is None


def test_another_bank_reads_nothing(world: SimpleNamespace) -> None:
    application = apply(world)
    with pytest.raises(PermissionDenied):
        services.consent_read(actor=world.bank2, application=application, what="x")
    with pytest.raises(PermissionDenied):
        services.profile_issue(actor=world.bank2, application=application)
    assert not ConsentAccess.objects.exists() and not TradeProfile.objects.exists()


def test_profile_is_signed_and_carries_only_consented_data(world: SimpleNamespace) -> None:
    import json

    from credit import signing

    application = apply(world, scopes=["trade"])
    profile = services.profile_issue(actor=world.bank, application=application)
    doc = json.loads(profile.document)
    assert set(doc["data"]) == {"trade"} and doc["enterprise"]["uscc"] == world.e1.uscc
    assert profile.sm3 == signing.sm3_hex(signing.canonical(doc))
    assert signing.verify_signature(
        profile.number, profile.sm3, profile.signature, profile.key_name
    )
    assert ConsentAccess.objects.filter(what__contains=profile.number).count() == 1


def test_volumes_by_county_kind_and_month(world: SimpleNamespace) -> None:
    application = _walk_to_offer(world)
    services.application_transition(actor=world.ent1, application=application, action="accept")
    services.application_transition(
        actor=world.bank, application=application, action="disburse", reference="LN-1"
    )
    apply(world, actor=world.ent2, product=world.cover, amount="60000")
    city = selectors.volumes_for(user=world.city, year=2026)
    assert {(r["county_code"], r["kind"], r["month"]) for r in city["rows"]} == {
        ("320722", "loan", "2026-06"),
        ("320707", "insurance", "2026-06"),
    }
    loan = next(r for r in city["rows"] if r["kind"] == "loan")
    assert loan["completed"] == 1 and str(loan["amount"]) == "400000.00"
    county = selectors.volumes_for(user=world.county, year=2026)
    assert [r["county_code"] for r in county["rows"]] == ["320722"]
    for user in (world.bank, world.ent1, world.carrier):
        assert selectors.volumes_for(user=user, year=2026)["rows"] == []
