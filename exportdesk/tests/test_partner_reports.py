"""Partner reports: the enterprise authorises its warehouse / logistics partner (overseas costs)
or its bank (proceeds) through a ``credit.Consent`` with a report scope; the partner pushes
through the service and the API with an idempotency key; every refusal stores nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from time_machine import TimeMachineFixture

from exportdesk import netting, services
from exportdesk.models import NettingStatement, OverseasCost, ProceedsReceipt, ReportScope
from exportdesk.tests.conftest import TODAY, pdf

pytestmark = pytest.mark.django_db

DAY = TODAY.date()


@pytest.fixture
def partners(world: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    world.warehouse = make_user(
        "wh1", "partner", partner_kind="warehouse", organisation="示例海外仓"
    )
    world.carrier = make_user("lg1", "partner", partner_kind="logistics", organisation="示例物流")
    return world


def _state() -> tuple[int, int, int, int, int]:
    from applications.models import Notification
    from audit.models import AuditEntry
    from credit.models import ConsentAccess

    return (
        OverseasCost.objects.count(),
        ProceedsReceipt.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        ConsentAccess.objects.count(),
    )


def _cost(w: SimpleNamespace, actor: Any, key: str = "K1", **kw: Any) -> Any:
    data: dict[str, Any] = {
        "enterprise": w.e1.uscc,
        "idempotency_key": key,
        "kind": "warehousing",
        "currency": "USD",
        "amount": "120.50",
        "incurred_on": DAY - dt.timedelta(days=3),
        "payee": "示例海外仓",
        "reference": "WH-1",
    }
    data.update(kw)
    return services.cost_report(actor=actor, **data)


def _proceeds(w: SimpleNamespace, actor: Any, key: str = "P1", **kw: Any) -> Any:
    data: dict[str, Any] = {
        "enterprise": w.e1.uscc,
        "idempotency_key": key,
        "currency": "USD",
        "amount": "900.00",
        "received_on": DAY - dt.timedelta(days=2),
        "reference": "FX-1",
    }
    data.update(kw)
    return services.proceeds_report(actor=actor, **data)


def _grant(w: SimpleNamespace, partner: Any, scope: str, days: int = 90) -> Any:
    return services.authorisation_grant(actor=w.ent1, partner=partner, scope=scope, days=days)


# ------------------------------------------------------------------ services


def test_authorised_warehouse_pushes_a_cost_audited_and_notified(partners: SimpleNamespace) -> None:
    from applications.models import Notification
    from audit.models import AuditEntry
    from credit.models import ConsentAccess

    w = partners
    consent = _grant(w, w.warehouse, ReportScope.COSTS)
    cost, created = _cost(w, w.warehouse, document=pdf())
    assert created and cost.enterprise == w.e1 and cost.amount == Decimal("120.50")
    assert cost.reported_by == w.warehouse and cost.consent == consent
    assert cost.source_name == "示例海外仓" and cost.sha256 and cost.document
    entry = AuditEntry.objects.filter(action="exportdesk.cost_report").get()
    assert entry.actor_id == w.warehouse.pk
    assert entry.after is not None and entry.after["enterprise_id"] == w.e1.pk
    assert Notification.objects.filter(user=w.ent1, message__contains="示例海外仓").exists()
    assert not Notification.objects.filter(user=w.ent2).exists()
    assert ConsentAccess.objects.get(consent=consent).channel == "api"


def test_a_retry_with_the_same_key_stores_nothing(partners: SimpleNamespace) -> None:
    w = partners
    _grant(w, w.warehouse, ReportScope.COSTS)
    _grant(w, w.bank, ReportScope.PROCEEDS)
    first, _c = _cost(w, w.warehouse)
    receipt, _r = _proceeds(w, w.bank)
    before = _state()
    again, created = _cost(w, w.warehouse, amount="999")
    again_p, created_p = _proceeds(w, w.bank)
    assert (again.pk, created, again.amount) == (first.pk, False, Decimal("120.50"))
    assert (again_p.pk, created_p) == (receipt.pk, False)
    assert _state() == before


def test_bank_reports_proceeds_in_its_own_name(partners: SimpleNamespace) -> None:
    w = partners
    _grant(w, w.bank, ReportScope.PROCEEDS)
    receipt, created = _proceeds(w, w.bank)
    assert created and receipt.bank == "示例银行" and receipt.source_name == "示例银行"
    assert receipt.enterprise == w.e1


@pytest.mark.parametrize(
    "case", ["none", "revoked", "expired", "other_enterprise", "wrong_kind", "wrong_scope"]
)
def test_pushes_are_refused_without_an_active_authorisation(
    partners: SimpleNamespace, case: str, time_machine: TimeMachineFixture
) -> None:
    w = partners
    actor, kwargs = w.warehouse, dict[str, Any]()
    if case == "revoked":
        consent = _grant(w, w.warehouse, ReportScope.COSTS)
        services.authorisation_revoke(actor=w.ent1, consent=consent)
    elif case == "expired":
        _grant(w, w.warehouse, ReportScope.COSTS, days=30)
        time_machine.move_to(TODAY + dt.timedelta(days=31))
        kwargs = {"incurred_on": DAY}
    elif case == "other_enterprise":
        _grant(w, w.warehouse, ReportScope.COSTS)
        kwargs = {"enterprise": w.e2.uscc}
    elif case == "wrong_kind":
        _grant(w, w.bank, ReportScope.PROCEEDS)
        actor = w.bank  # a bank does not report costs
    elif case == "wrong_scope":
        _grant(w, w.carrier, ReportScope.COSTS)
        with pytest.raises(PermissionDenied):
            _proceeds(w, w.carrier)  # a carrier does not report proceeds
    before = _state()
    with pytest.raises(PermissionDenied):
        _cost(w, actor, **kwargs)
    if case in {"revoked", "expired", "other_enterprise"}:
        with pytest.raises(PermissionDenied):
            _proceeds(w, w.bank)
    assert _state() == before


def test_enterprises_and_officers_cannot_push(partners: SimpleNamespace) -> None:
    w = partners
    before = _state()
    for actor in (w.ent1, w.county, w.city):
        with pytest.raises(PermissionDenied):
            _cost(w, actor)
        with pytest.raises(PermissionDenied):
            _proceeds(w, actor)
    assert _state() == before


def test_grant_is_checked(partners: SimpleNamespace) -> None:
    from credit.models import Consent

    w = partners
    with pytest.raises(ValidationError):
        _grant(w, w.bank, ReportScope.COSTS)  # a bank reports proceeds, not costs
    with pytest.raises(ValidationError):
        _grant(w, w.warehouse, ReportScope.PROCEEDS)
    with pytest.raises(ValidationError):
        _grant(w, w.ent2, ReportScope.COSTS)  # not a partner
    with pytest.raises(ValidationError):
        _grant(w, w.warehouse, ReportScope.COSTS, days=7)
    with pytest.raises(PermissionDenied):
        services.authorisation_grant(
            actor=w.warehouse, partner=w.warehouse, scope=ReportScope.COSTS, days=30
        )
    assert not Consent.objects.exists()


def test_another_enterprise_cannot_revoke(partners: SimpleNamespace) -> None:
    w = partners
    consent = _grant(w, w.warehouse, ReportScope.COSTS)
    with pytest.raises(PermissionDenied):
        services.authorisation_revoke(actor=w.ent2, consent=consent)
    consent.refresh_from_db()
    assert consent.revoked_at is None
    assert _cost(w, w.warehouse)[1] is True


def test_statement_marks_sources_and_leaves_out_excluded_items(partners: SimpleNamespace) -> None:
    w = partners
    _grant(w, w.warehouse, ReportScope.COSTS)
    _grant(w, w.bank, ReportScope.PROCEEDS)
    services.cost_add(
        actor=w.ent1,
        kind="logistics",
        currency="USD",
        amount="10",
        incurred_on=DAY,
        payee="自录",
        document=pdf(),
    )
    cost, _c = _cost(w, w.warehouse)
    receipt, _r = _proceeds(w, w.bank)
    month = f"{DAY:%Y-%m}"
    s = services.statement_issue(actor=w.ent1, currency="USD", month_from=month, month_to=month)
    assert s.costs_warehousing == Decimal("120.50") and s.proceeds == Decimal("900.00")
    assert {c["source"] for c in s.detail["costs"]} == {"", "示例海外仓"}
    assert s.detail["proceeds"][0]["source"] == "示例银行"

    services.reported_exclude(actor=w.ent1, item=cost, excluded=True)
    services.reported_exclude(actor=w.ent1, item=receipt, excluded=True)
    period = netting.Period.of_months(DAY.year * 100 + DAY.month, DAY.year * 100 + DAY.month)
    f = netting.figures(w.e1.pk, period, "USD")
    assert f.costs["warehousing"] == 0 and f.proceeds == 0 and f.costs["logistics"] == 10
    services.reported_exclude(actor=w.ent1, item=cost, excluded=False)
    assert netting.figures(w.e1.pk, period, "USD").costs["warehousing"] == Decimal("120.50")
    s.refresh_from_db()
    assert s.costs_warehousing == Decimal("120.50")  # an issued statement never changes


def test_exclusion_is_the_enterprises_own_and_only_for_partner_items(
    partners: SimpleNamespace,
) -> None:
    w = partners
    _grant(w, w.warehouse, ReportScope.COSTS)
    cost, _c = _cost(w, w.warehouse)
    own = services.proceeds_add(
        actor=w.ent1, currency="USD", amount="5", received_on=DAY, bank="自录银行"
    )
    before = _state()
    with pytest.raises(PermissionDenied):
        services.reported_exclude(actor=w.ent2, item=cost, excluded=True)
    with pytest.raises(PermissionDenied):
        services.reported_exclude(actor=w.warehouse, item=cost, excluded=True)
    with pytest.raises(ValidationError):
        services.reported_exclude(actor=w.ent1, item=own, excluded=True)
    assert _state() == before
    cost.refresh_from_db()
    own.refresh_from_db()
    assert cost.excluded_at is None and own.excluded_at is None


def test_credit_consent_pages_do_not_list_report_authorisations(
    partners: SimpleNamespace,
) -> None:
    from credit.selectors import consent_list_for

    w = partners
    _grant(w, w.warehouse, ReportScope.COSTS)
    assert not consent_list_for(user=w.ent1).exists()


# ------------------------------------------------------------------ API


def _bearer(user: Any) -> dict[str, Any]:
    from accounts.services import api_token_create

    _token, raw = api_token_create(actor=user, user=user, name="push", scope="write")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _form(w: SimpleNamespace, key: str = "API-1", **kw: Any) -> dict[str, Any]:
    data = {
        "enterprise": w.e1.uscc,
        "idempotency_key": key,
        "kind": "logistics",
        "currency": "USD",
        "amount": "75.25",
        "incurred_on": (DAY - dt.timedelta(days=1)).isoformat(),
        "payee": "示例物流",
        "reference": "LG-9",
    }
    data.update(kw)
    return data


def test_api_push_cost_with_pdf_retry_and_list(partners: SimpleNamespace) -> None:
    w = partners
    _grant(w, w.carrier, ReportScope.COSTS)
    c = Client()
    headers = _bearer(w.carrier)
    r = c.post("/api/v1/exportdesk/costs", {**_form(w), "document": pdf()}, **headers)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["has_document"] is True and body["amount"] == "75.25"
    before = _state()
    again = c.post("/api/v1/exportdesk/costs", _form(w), **headers)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert _state() == before
    listed = c.get("/api/v1/exportdesk/reports", **headers).json()
    assert [x["id"] for x in listed["costs"]] == [body["id"]] and listed["proceeds"] == []


def test_api_push_proceeds_by_bank_and_enterprise_still_records_its_own(
    partners: SimpleNamespace,
) -> None:
    w = partners
    _grant(w, w.bank, ReportScope.PROCEEDS)
    payload = {
        "enterprise": w.e1.uscc,
        "idempotency_key": "B-1",
        "currency": "USD",
        "amount": "300.00",
        "received_on": DAY.isoformat(),
        "reference": "FX-77",
    }
    c = Client()
    r = c.post(
        "/api/v1/exportdesk/proceeds", payload, content_type="application/json", **_bearer(w.bank)
    )
    assert r.status_code == 201 and r.json()["source_name"] == "示例银行"
    own = c.post(
        "/api/v1/exportdesk/proceeds",
        {"currency": "USD", "amount": "1", "received_on": DAY.isoformat(), "bank": "自录"},
        content_type="application/json",
        **_bearer(w.ent1),
    )
    assert own.status_code == 201 and own.json()["source_name"] == ""


def test_api_refusals_store_nothing(partners: SimpleNamespace) -> None:
    w = partners
    consent = _grant(w, w.carrier, ReportScope.COSTS)
    services.authorisation_revoke(actor=w.ent1, consent=consent)
    c = Client()
    carrier, bank = _bearer(w.carrier), _bearer(w.bank)  # token creation is audited
    before = _state()
    assert c.post("/api/v1/exportdesk/costs", _form(w), **carrier).status_code == 403
    assert c.post("/api/v1/exportdesk/costs", _form(w), **bank).status_code == 403
    payload = {
        "enterprise": w.e1.uscc,
        "idempotency_key": "X",
        "currency": "USD",
        "amount": "1",
        "received_on": DAY.isoformat(),
    }
    r = c.post("/api/v1/exportdesk/proceeds", payload, content_type="application/json", **bank)
    assert r.status_code == 403
    assert c.post("/api/v1/exportdesk/costs", _form(w)).status_code in {401, 403}
    assert _state() == before


# ------------------------------------------------------------------ pages


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_pages_grant_revoke_exclude_and_partner_list(partners: SimpleNamespace) -> None:
    from credit.models import Consent

    w = partners
    ent = _client(w.ent1)
    r = ent.post(
        "/exportdesk/authorisations/",
        {"partner": w.warehouse.pk, "scope": "report_costs", "days": "90"},
    )
    assert r.status_code == 302
    consent = Consent.objects.get(partner=w.warehouse)
    cost, _c = _cost(w, w.warehouse)
    page = ent.get("/exportdesk/").content.decode()
    assert "示例海外仓报送" in page and f"cost-exclude-{cost.pk}" in page
    assert ent.get(f"/exportdesk/costs/{cost.pk}/document/").status_code == 404  # no PDF sent
    assert ent.post(f"/exportdesk/costs/{cost.pk}/exclude/", {"excluded": "1"}).status_code == 302
    cost.refresh_from_db()
    assert cost.excluded_at is not None
    partner_page = _client(w.warehouse).get("/exportdesk/reports/").content.decode()
    assert "WH-1" in partner_page and w.e1.name in partner_page
    assert "报送授权" in ent.get("/exportdesk/authorisations/").content.decode()

    # another enterprise can neither see nor revoke it, nor exclude the cost
    other = _client(w.ent2)
    before = _state()
    assert other.post(f"/exportdesk/authorisations/{consent.pk}/revoke/").status_code == 404
    assert other.post(f"/exportdesk/costs/{cost.pk}/exclude/", {"excluded": "0"}).status_code == 404
    assert _client(w.warehouse).get("/exportdesk/authorisations/").status_code == 403
    assert _client(w.ent1).get("/exportdesk/reports/").status_code == 403
    assert _state() == before
    consent.refresh_from_db()
    assert consent.revoked_at is None

    assert ent.post(f"/exportdesk/authorisations/{consent.pk}/revoke/").status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    with pytest.raises(PermissionDenied):
        _cost(w, w.warehouse, key="K2")


def test_demo_authorises_the_warehouse_and_the_bank(
    partners: SimpleNamespace, make_user: Any
) -> None:
    from accounts.models import User
    from exportdesk.demo import load_demo

    User.objects.filter(pk=partners.ent1.pk).update(username="enterprise_a")
    make_user("warehouse", "partner", partner_kind="warehouse", organisation="示例海外仓")
    make_user("bank", "partner", partner_kind="bank", organisation="示例银行连云港分行")
    assert load_demo() == 10
    assert load_demo() == 0
    assert OverseasCost.objects.filter(reported_by__username="warehouse").count() == 1
    assert ProceedsReceipt.objects.filter(reported_by__username="bank").count() == 1
    s = NettingStatement.objects.get()
    assert any(c["source"] for c in s.detail["costs"])
