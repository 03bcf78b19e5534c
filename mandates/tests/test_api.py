"""A service platform acts through the API with its own token, for authorising enterprises only:
customs uploads (``POST /api/v1/customs/uploads`` with ``on_behalf_of``) and the trade profile.
Every refusal also asserts that nothing changed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from customs.models import Declaration, IngestRun, MessageOrigin
from mandates.models import MandateAction, MandateScope
from mandates.tests.conftest import CODE_B, export_xml, login_client, token_client

UPLOADS = "/api/v1/customs/uploads"


def _upload(client: Any, uscc: str, xml: bytes | None = None, **extra: Any) -> Any:
    files = [SimpleUploadedFile("d.xml", xml or export_xml("A1"), content_type="text/xml")]
    return client.post(UPLOADS, {"files": files, "on_behalf_of": uscc, **extra})


def _nothing_changed() -> None:
    assert IngestRun.objects.count() == 0
    assert Declaration.objects.count() == 0
    assert MandateAction.objects.count() == 0
    assert not AuditEntry.objects.filter(action__in=["customs.upload", "mandates.act"]).exists()


def test_platform_uploads_for_authorising_enterprise_as_its_own_upload(
    world: SimpleNamespace, grant: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mandate = grant()
    client = token_client(world.platform)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, world.a.uscc)
    assert response.status_code == 202, response.content
    run = IngestRun.objects.get()
    # the enterprise's own upload: its origin, enterprise and county; the platform as uploader
    assert run.origin == MessageOrigin.ENTERPRISE
    assert run.enterprise == world.a and run.county == world.a.county
    assert run.actor == world.platform
    run.refresh_from_db()
    assert run.new == 1 and run.files_rejected == 0
    declaration = Declaration.objects.get()
    assert declaration.enterprise == world.a and not declaration.released
    act = MandateAction.objects.get()
    assert act.mandate == mandate and act.enterprise == world.a
    assert act.platform == world.platform and act.scope == MandateScope.CUSTOMS_UPLOAD
    assert act.object_id == str(run.pk)
    entry = AuditEntry.objects.get(action="mandates.act")
    assert entry.actor == world.platform
    assert entry.object_type == "enterprises.Enterprise" and entry.object_id == str(world.a.pk)
    upload = AuditEntry.objects.get(action="customs.upload")
    assert upload.actor == world.platform and upload.after is not None
    assert upload.after["on_behalf_of"] == world.a.pk
    # the enterprise sees the run among its own
    runs = login_client(world.ent_a).get("/api/v1/customs/runs").json()
    assert [r["id"] for r in runs] == [run.pk]


def test_upload_keeps_the_trust_model_foreign_codes_refused(
    world: SimpleNamespace, grant: Any, django_capture_on_commit_callbacks: Any
) -> None:
    grant()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(token_client(world.platform), world.a.uscc, export_xml("B1", CODE_B))
    assert response.status_code == 202
    run = IngestRun.objects.get()
    run.refresh_from_db()
    assert run.files_rejected == 1 and Declaration.objects.count() == 0


def test_refused_without_a_mandate(world: SimpleNamespace) -> None:
    response = _upload(token_client(world.platform), world.a.uscc)
    assert response.status_code == 403
    _nothing_changed()


def test_refused_for_another_enterprise(world: SimpleNamespace, grant: Any) -> None:
    grant()
    response = _upload(token_client(world.platform), world.b.uscc, export_xml("B1", CODE_B))
    assert response.status_code == 403
    _nothing_changed()


def test_refused_for_an_unknown_enterprise_alike(world: SimpleNamespace, grant: Any) -> None:
    grant()
    response = _upload(token_client(world.platform), "91320700MA00000000")
    assert response.status_code == 403
    _nothing_changed()


def test_refused_for_another_platform(world: SimpleNamespace, grant: Any) -> None:
    grant()
    response = _upload(token_client(world.platform2), world.a.uscc)
    assert response.status_code == 403
    _nothing_changed()


def test_refused_after_revocation(world: SimpleNamespace, grant: Any) -> None:
    from mandates.services import mandate_revoke

    mandate_revoke(actor=world.ent_a, mandate=grant())
    response = _upload(token_client(world.platform), world.a.uscc)
    assert response.status_code == 403
    _nothing_changed()


def test_refused_after_expiry(world: SimpleNamespace, grant: Any, time_machine: Any) -> None:
    grant(days=30)
    client = token_client(world.platform)
    time_machine.shift(dt.timedelta(days=31))
    response = _upload(client, world.a.uscc)
    assert response.status_code == 403
    _nothing_changed()


def test_refused_outside_the_granted_scope(world: SimpleNamespace, grant: Any) -> None:
    grant(scopes=[MandateScope.TRADE_PROFILE, MandateScope.APPLY])
    response = _upload(token_client(world.platform), world.a.uscc)
    assert response.status_code == 403
    _nothing_changed()


def test_platform_may_not_upload_as_the_channel(world: SimpleNamespace, grant: Any) -> None:
    grant()
    response = _upload(token_client(world.platform), world.a.uscc, channel="true")
    assert response.status_code == 403
    _nothing_changed()


def test_platform_without_on_behalf_of_may_not_upload(world: SimpleNamespace, grant: Any) -> None:
    grant()
    files = [SimpleUploadedFile("d.xml", export_xml("A1"), content_type="text/xml")]
    response = token_client(world.platform).post(UPLOADS, {"files": files})
    assert response.status_code == 403
    _nothing_changed()


def test_a_bank_may_not_act_for_an_enterprise(world: SimpleNamespace, grant: Any) -> None:
    grant()
    response = _upload(token_client(world.bank), world.a.uscc)
    assert response.status_code == 403
    _nothing_changed()


def test_enterprise_user_may_not_name_another_enterprise(
    world: SimpleNamespace, grant: Any
) -> None:
    grant()
    response = _upload(token_client(world.ent_b), world.a.uscc)
    assert response.status_code == 403
    _nothing_changed()


# -- the trade profile ------------------------------------------------------------------------


def _profile(client: Any, uscc: str) -> Any:
    return client.get(f"/api/v1/mandates/enterprises/{uscc}/trade-profile")


def test_platform_reads_trade_profile_and_the_read_is_recorded(
    world: SimpleNamespace, grant: Any
) -> None:
    from customs.models import LedgerAggregate

    LedgerAggregate.objects.create(
        enterprise=world.a,
        county=world.a.county,
        month=202605,
        year=2026,
        direction="E",
        mode="9610",
        country="502",
        lines=3,
        amount_cny_fen=123456,
    )
    grant()
    response = _profile(token_client(world.platform, scope="read"), world.a.uscc)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total_cny"] == "1234.56" and body["rows"][0]["month"] == "2026-05"
    act = MandateAction.objects.get()
    assert act.scope == MandateScope.TRADE_PROFILE and act.enterprise == world.a
    entry = AuditEntry.objects.get(action="mandates.act")
    assert entry.actor == world.platform and entry.object_id == str(world.a.pk)


def test_trade_profile_refused_outside_scope_other_enterprise_or_revoked(
    world: SimpleNamespace, grant: Any
) -> None:
    from mandates.services import mandate_revoke

    mandate = grant(scopes=[MandateScope.CUSTOMS_UPLOAD])
    client = token_client(world.platform, scope="read")
    assert _profile(client, world.a.uscc).status_code == 403
    assert _profile(client, world.b.uscc).status_code == 403
    mandate_revoke(actor=world.ent_a, mandate=mandate)
    grant(scopes=[MandateScope.TRADE_PROFILE])
    assert _profile(token_client(world.platform2), world.a.uscc).status_code == 403
    assert _profile(token_client(world.bank), world.a.uscc).status_code == 403
    assert MandateAction.objects.count() == 0
    assert not AuditEntry.objects.filter(action="mandates.act").exists()


def test_mandate_list_api_is_per_platform(world: SimpleNamespace, grant: Any) -> None:
    grant()
    grant(actor=world.ent_b, platform=world.platform2)
    mine = token_client(world.platform).get("/api/v1/mandates").json()
    assert [m["enterprise_uscc"] for m in mine] == [world.a.uscc]
    assert mine[0]["state"] == "active"
    assert token_client(world.bank).get("/api/v1/mandates").json() == []


# -- applying for a service: a credit application through the credit service ---------------------


def _product(world: SimpleNamespace, make_user: Any) -> Any:
    from credit.services import product_save

    return product_save(
        actor=world.bank,
        name="跨境电商信用贷",
        amount_min="100000",
        amount_max="3000000",
        rate_min="3.45",
        rate_max="4.80",
        term_months=12,
    )


def _apply(client: Any, uscc: str, product: Any, **over: Any) -> Any:
    body = {
        "product_id": product.pk,
        "amount": "500000",
        "term_months": 6,
        "purpose": "海外仓备货",
        "scopes": ["trade", "registry"],
        "days": 90,
        **over,
    }
    return client.post(
        f"/api/v1/mandates/enterprises/{uscc}/credit-applications",
        body,
        content_type="application/json",
    )


def test_platform_applies_for_credit_for_the_enterprise(
    world: SimpleNamespace, grant: Any, make_user: Any
) -> None:
    from credit.models import Consent, CreditApplication

    product = _product(world, make_user)
    mandate = grant(scopes=[MandateScope.APPLY])
    client = token_client(world.platform)
    assert [p["id"] for p in client.get("/api/v1/mandates/products").json()] == [product.pk]
    response = _apply(client, world.a.uscc, product)
    assert response.status_code == 201, response.content
    application = CreditApplication.objects.get()
    assert application.enterprise == world.a and application.created_by == world.platform
    consent = Consent.objects.get()
    assert consent.enterprise == world.a and consent.partner == world.bank
    assert consent.scopes == ["trade", "registry"]
    act = MandateAction.objects.get()
    assert act.mandate == mandate and act.scope == MandateScope.APPLY
    assert act.object_id == str(application.pk)
    assert AuditEntry.objects.get(action="mandates.act").actor == world.platform
    # the enterprise sees the application and the consent as its own
    ent = login_client(world.ent_a)
    assert ent.get(f"/credit/applications/{application.pk}/").status_code == 200
    assert ent.get(f"/credit/consents/{consent.pk}/").status_code == 200


def test_credit_apply_refused_without_scope_other_enterprise_or_after_revocation(
    world: SimpleNamespace, grant: Any, make_user: Any
) -> None:
    from credit.models import Consent, CreditApplication
    from mandates.services import mandate_revoke

    product = _product(world, make_user)
    mandate = grant(scopes=[MandateScope.CUSTOMS_UPLOAD, MandateScope.TRADE_PROFILE])
    client = token_client(world.platform)
    assert _apply(client, world.a.uscc, product).status_code == 403
    mandate_revoke(actor=world.ent_a, mandate=mandate)
    grant(scopes=[MandateScope.APPLY])
    assert _apply(client, world.b.uscc, product).status_code == 403
    assert _apply(token_client(world.platform2), world.a.uscc, product).status_code == 403
    assert _apply(token_client(world.bank), world.a.uscc, product).status_code == 403
    assert CreditApplication.objects.count() == 0 and Consent.objects.count() == 0
    assert MandateAction.objects.count() == 0
    assert not AuditEntry.objects.filter(
        action__in=["mandates.act", "credit.application_submit"]
    ).exists()


def test_credit_apply_service_refuses_outside_scope_directly(
    world: SimpleNamespace, grant: Any, make_user: Any
) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied

    from credit.models import CreditApplication
    from credit.services import application_submit

    product = _product(world, make_user)
    grant(scopes=[MandateScope.CUSTOMS_UPLOAD])
    with pytest.raises(PermissionDenied):
        application_submit(
            actor=world.platform,
            product=product,
            amount="500000",
            term_months=6,
            purpose="x",
            scopes=["trade"],
            days=90,
            on_behalf_of=world.a,
        )
    assert CreditApplication.objects.count() == 0
