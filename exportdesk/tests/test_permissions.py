"""Who may see and do what: an enterprise only its own; officers aggregates of their scope and
the guidance; partners nothing. Every refused write leaves the data unchanged."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from audit.models import AuditEntry
from exportdesk import services
from exportdesk.models import (
    GoodsReturn,
    InvoiceDeclaration,
    NettingStatement,
    OverseasCost,
    ProceedsReceipt,
    SaleConfirmation,
)
from exportdesk.tests.conftest import export, pdf

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _counts() -> tuple[int, ...]:
    return (
        OverseasCost.objects.count(),
        ProceedsReceipt.objects.count(),
        NettingStatement.objects.count(),
        InvoiceDeclaration.objects.count(),
        GoodsReturn.objects.count(),
        SaleConfirmation.objects.count(),
        AuditEntry.objects.filter(action__startswith="exportdesk.").count(),
    )


@pytest.fixture
def filled(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    w.exp = export(w, cop="P1", on=dt.date(2026, 3, 1), mode="9810")
    w.cost = services.cost_add(
        actor=w.ent1,
        kind="warehousing",
        currency="USD",
        amount="100",
        incurred_on=dt.date(2026, 3, 5),
        payee="新泽西海外仓",
        document=pdf(),
    )
    services.proceeds_add(
        actor=w.ent1, currency="USD", amount="900", received_on=dt.date(2026, 3, 9), bank="中行"
    )
    w.statement = services.statement_issue(
        actor=w.ent1, currency="USD", month_from="2026-03", month_to="2026-03"
    )
    return w


@pytest.mark.parametrize("who", ["county", "city", "bank"])
def test_only_enterprise_users_write(filled: SimpleNamespace, who: str) -> None:
    w = filled
    actor = getattr(w, who)
    before = _counts()
    calls = [
        lambda: services.proceeds_add(
            actor=actor, currency="USD", amount="1", received_on=dt.date(2026, 3, 1), bank="b"
        ),
        lambda: services.statement_issue(
            actor=actor, currency="USD", month_from="2026-03", month_to="2026-03"
        ),
        lambda: services.invoice_declare(actor=actor, year=2026, no_purchase_invoice=True),
        lambda: services.sale_confirm(
            actor=actor, declaration_id=w.exp.pk, sold_on=dt.date(2026, 4, 1)
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert _counts() == before


def test_an_enterprise_cannot_act_on_another_enterprises_inventory(filled: SimpleNamespace) -> None:
    w = filled
    before = _counts()
    with pytest.raises(Http404):
        services.sale_confirm(actor=w.ent2, declaration_id=w.exp.pk, sold_on=dt.date(2026, 4, 1))
    with pytest.raises(Http404):
        services.goods_return_record(
            actor=w.ent2,
            declaration_id=w.exp.pk,
            returned_on=dt.date(2026, 4, 1),
            reason="unsold",
            original_state=True,
        )
    # and through the pages
    c = _client(w.ent2)
    r = c.post("/exportdesk/overseas/", {"declaration_id": w.exp.pk, "sold_on": "2026-04-01"})
    assert r.status_code == 404
    r = c.post(
        "/exportdesk/returns/",
        {"declaration_id": w.exp.pk, "returned_on": "2026-04-01", "reason": "unsold"},
    )
    assert r.status_code == 404
    assert _counts() == before


def test_another_enterprise_sees_none_of_the_statements_costs_or_documents(
    filled: SimpleNamespace,
) -> None:
    w = filled
    c = _client(w.ent2)
    n = w.statement.number
    for url in (
        f"/exportdesk/statements/{n}/",
        f"/exportdesk/statements/{n}/statement.xlsx",
        f"/exportdesk/statements/{n}/statement.pdf",
        f"/exportdesk/costs/{w.cost.pk}/document/",
    ):
        assert c.get(url).status_code == 404, url
    page = c.get("/exportdesk/").content.decode()
    assert n not in page and "新泽西海外仓" not in page
    assert "新泽西海外仓" in _client(w.ent1).get("/exportdesk/").content.decode()
    assert c.get("/api/v1/exportdesk/statements").json() == []
    own = _client(w.ent1).get("/api/v1/exportdesk/statements").json()
    assert [s["number"] for s in own] == [n]


@pytest.mark.parametrize("who", ["county", "city", "bank"])
def test_enterprise_pages_are_refused_to_others(filled: SimpleNamespace, who: str) -> None:
    c = _client(getattr(filled, who))
    for url in ("/exportdesk/tax/", "/exportdesk/returns/", "/exportdesk/overseas/"):
        assert c.get(url).status_code == 403, url
    assert c.get(f"/exportdesk/statements/{filled.statement.number}/").status_code == 404
    assert c.get("/api/v1/exportdesk/tax/checklist").status_code == 403


def test_partners_see_no_guide_or_overview(filled: SimpleNamespace) -> None:
    c = _client(filled.bank)
    assert c.get("/exportdesk/guide/").status_code == 403
    assert c.get("/exportdesk/overview/").status_code == 403
    assert _client(filled.ent1).get("/exportdesk/overview/").status_code == 403


def test_officers_see_counts_of_their_scope_without_enterprise_names(
    filled: SimpleNamespace,
) -> None:
    w = filled
    services.statement_issue(actor=w.ent2, currency="USD", month_from="2026-03", month_to="2026-03")
    city = _client(w.city).get("/exportdesk/overview/").content.decode()
    assert "东海县" in city and "赣榆" in city
    assert w.e1.name not in city and w.e2.name not in city
    county = _client(w.county).get("/exportdesk/overview/").content.decode()
    assert "东海县" in county and "赣榆" not in county
    county2 = _client(w.county2).get("/exportdesk/overview/").content.decode()
    assert "东海县" not in county2
    # officers land on the guidance
    assert _client(w.county).get("/exportdesk/")["Location"] == "/exportdesk/guide/"


@pytest.mark.parametrize("who", ["county", "city", "bank"])
def test_pages_and_api_refuse_writes_by_others(filled: SimpleNamespace, who: str) -> None:
    import json

    w = filled
    c = _client(getattr(w, who))
    before = _counts()
    posts = {
        "/exportdesk/costs/new/": {
            "kind": "tax",
            "currency": "USD",
            "amount": "5",
            "incurred_on": "2026-05-01",
            "payee": "x",
            "document": pdf(),
        },
        "/exportdesk/proceeds/new/": {
            "currency": "USD",
            "amount": "5",
            "received_on": "2026-05-01",
            "bank": "b",
        },
        "/exportdesk/statements/new/": {
            "currency": "USD",
            "month_from": "2026-03",
            "month_to": "2026-03",
        },
        "/exportdesk/tax/": {"year": "2026", "no_purchase_invoice": "on"},
        "/exportdesk/overseas/": {"declaration_id": w.exp.pk, "sold_on": "2026-04-01"},
    }
    for url, data in posts.items():
        assert c.post(url, data).status_code == 403, url
    api = {
        "/api/v1/exportdesk/proceeds": {
            "currency": "USD",
            "amount": "5",
            "received_on": "2026-05-01",
            "bank": "b",
        },
        "/api/v1/exportdesk/statements": {
            "currency": "USD",
            "month_from": "2026-03",
            "month_to": "2026-03",
        },
    }
    for url, body in api.items():
        r = c.post(url, json.dumps(body), content_type="application/json")
        assert r.status_code == 403, (url, r.status_code)
    assert _counts() == before
