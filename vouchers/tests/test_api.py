"""The API: the journey by bearer token (city → enterprise → logistics partner → finance) and a
denial for every write endpoint, with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from accounts.services import api_token_create
from audit.models import AuditEntry
from vouchers.models import (
    LogisticsContract,
    Redemption,
    Settlement,
    Voucher,
    VoucherBatch,
    VoucherClaim,
    VoucherPool,
)
from vouchers.tests.conftest import CARRIER, pdf

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    _, raw = api_token_create(actor=user, user=user, name="t", scope="write", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _counts() -> tuple[int, ...]:
    return (
        VoucherPool.objects.count(),
        VoucherBatch.objects.count(),
        LogisticsContract.objects.count(),
        VoucherClaim.objects.count(),
        Voucher.objects.count(),
        Redemption.objects.count(),
        Settlement.objects.count(),
        AuditEntry.objects.filter(action__startswith="vouchers.").count(),
    )


def test_journey_by_api(world: SimpleNamespace, time_machine: Any) -> None:
    ent = _client(world.ent1)
    r = ent.post(
        "/api/v1/vouchers/contracts",
        {
            "logistics_code": CARRIER,
            "contract_no": "WL-API-1",
            "amount": "250000",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "file": pdf(),
        },
    )
    assert r.status_code == 201, r.content
    r = ent.post(
        "/api/v1/vouchers/claims",
        {"batch_id": world.batch.pk, "contract_id": r.json()["id"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "5000.00"
    code = r.json()["vouchers"][0]["code"]
    carrier = _client(world.carrier)
    r = carrier.post(
        f"/api/v1/vouchers/vouchers/{code}/redeem",
        {
            "invoice_no": "FP1",
            "invoice_amount": "3000",
            "invoice_date": "2026-06-12",
            "amount": "500",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert carrier.get(f"/api/v1/vouchers/vouchers/{code}").json()["remaining"] == "500.00"
    time_machine.move_to("2026-07-03T10:00:00+08:00")
    fin = _client(world.finance)
    r = fin.post(
        "/api/v1/vouchers/settlements",
        {"pool_id": world.pool.pk, "logistics_code": CARRIER, "month": "2026-06"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r = fin.post(
        f"/api/v1/vouchers/settlements/{r.json()['id']}/pay",
        {"paid_on": "2026-07-03", "bank_reference": "B-1"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "paid"
    board = _client(world.city).get("/api/v1/vouchers/dashboard?year=2026").json()
    assert board["pool"]["used"] == "5000.00" and board["pool"]["paid"] == "500.00"
    assert board["logistics_spend_supported"] == "250000.00"


@pytest.mark.parametrize("who", ["anon", "ent1", "county", "finance", "carrier", "bank"])
def test_city_writes_denied(world: SimpleNamespace, who: str) -> None:
    client = Client() if who == "anon" else _client(getattr(world, who))
    before = _counts()
    calls = [
        ("/api/v1/vouchers/pools", {"year": 2026, "amount": "5"}),
        (
            f"/api/v1/vouchers/pools/{world.pool.pk}/purchases",
            {
                "logistics_code": "X1",
                "company_name": "X",
                "contract_no": "C",
                "amount": "1",
                "valid_from": "2026-01-01",
                "valid_to": "2026-12-31",
            },
        ),
        (
            "/api/v1/vouchers/batches",
            {
                "pool_id": world.pool.pk,
                "name": "x",
                "amount": "1",
                "face_values": ["1"],
                "valid_from": "2026-06-01",
                "valid_to": "2026-06-30",
                "per_enterprise_limit": "1",
            },
        ),
        (f"/api/v1/vouchers/batches/{world.batch.pk}/publish", {}),
    ]
    for url, body in calls:
        r = client.post(url, body, content_type="application/json")
        assert r.status_code in (401, 403, 404), (url, r.status_code)
    assert _counts() == before
    assert VoucherPool.objects.get().amount == world.pool.amount


@pytest.mark.parametrize("who", ["anon", "ent2", "city", "county", "carrier", "bank"])
def test_claim_and_contract_denied(
    world: SimpleNamespace, make_contract: Callable[..., Any], who: str
) -> None:
    contract = make_contract(world.ent1)
    client = Client() if who == "anon" else _client(getattr(world, who))
    before = _counts()
    r = client.post(
        "/api/v1/vouchers/claims",
        {"batch_id": world.batch.pk, "contract_id": contract.pk},
        content_type="application/json",
    )
    assert r.status_code in (401, 403, 404)
    if who != "ent2":
        r = client.post(
            "/api/v1/vouchers/contracts",
            {
                "logistics_code": CARRIER,
                "contract_no": "Z",
                "amount": "1",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "file": pdf(),
            },
        )
        assert r.status_code in (401, 403)
    assert _counts() == before


@pytest.mark.parametrize("who", ["anon", "ent1", "city", "finance", "other_carrier", "bank"])
def test_redeem_denied(world: SimpleNamespace, make_contract: Callable[..., Any], who: str) -> None:
    from vouchers import services

    claim = services.claim_create(
        actor=world.ent1, batch=world.batch, contract=make_contract(world.ent1)
    )
    first = claim.vouchers.first()
    assert first is not None
    code = first.code
    client = Client() if who == "anon" else _client(getattr(world, who))
    before = _counts()
    r = client.post(
        f"/api/v1/vouchers/vouchers/{code}/redeem",
        {
            "invoice_no": "FP1",
            "invoice_amount": "100",
            "invoice_date": "2026-06-10",
            "amount": "10",
        },
        content_type="application/json",
    )
    assert r.status_code in (401, 403, 404)
    assert _counts() == before and Voucher.objects.get(code=code).redeemed == 0


@pytest.mark.parametrize("who", ["anon", "ent1", "county", "carrier", "city"])
def test_settlement_writes_denied(
    world: SimpleNamespace, make_contract: Callable[..., Any], who: str, time_machine: Any
) -> None:
    from vouchers import services

    claim = services.claim_create(
        actor=world.ent1, batch=world.batch, contract=make_contract(world.ent1)
    )
    services.voucher_redeem(
        actor=world.carrier,
        voucher=claim.vouchers.order_by("pk")[0],
        invoice_no="F",
        invoice_amount="100",
        invoice_date="2026-06-10",
        amount="100",
    )
    time_machine.move_to("2026-07-03T10:00:00+08:00")
    s = services.settlement_issue(
        actor=world.finance, pool=world.pool, logistics_code=CARRIER, month="2026-06"
    )
    client = Client() if who == "anon" else _client(getattr(world, who))
    before = _counts()
    if who != "city":  # the city may issue statements, not pay them
        r = client.post(
            "/api/v1/vouchers/settlements",
            {"pool_id": world.pool.pk, "logistics_code": CARRIER, "month": "2026-05"},
            content_type="application/json",
        )
        assert r.status_code in (401, 403, 404)
    r = client.post(
        f"/api/v1/vouchers/settlements/{s.pk}/pay",
        {"paid_on": "2026-07-03", "bank_reference": "B"},
        content_type="application/json",
    )
    assert r.status_code in (401, 403, 404)
    assert _counts() == before
    s.refresh_from_db()
    assert s.status == "issued" and VoucherPool.objects.get().paid == 0


@pytest.mark.parametrize("who", ["ent1", "carrier", "bank"])
def test_dashboard_denied(world: SimpleNamespace, who: str) -> None:
    assert _client(getattr(world, who)).get("/api/v1/vouchers/dashboard").status_code == 403


def test_reads_are_scoped(world: SimpleNamespace, make_contract: Callable[..., Any]) -> None:
    from vouchers import services

    services.claim_create(actor=world.ent1, batch=world.batch, contract=make_contract(world.ent1))
    assert len(_client(world.ent1).get("/api/v1/vouchers/vouchers").json()) == 10
    assert _client(world.ent2).get("/api/v1/vouchers/vouchers").json() == []
    assert _client(world.other_carrier).get("/api/v1/vouchers/vouchers").json() == []
    assert _client(world.bank).get("/api/v1/vouchers/contracts").json() == []
    assert _client(world.ent1).get("/api/v1/vouchers/pools").json() == []
