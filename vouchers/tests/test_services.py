"""Pool, batches, contracts, claims (the engine's amount), redemption, return to the pool,
settlement — and the denial of each write to the wrong role, with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Notification
from audit.models import AuditEntry
from vouchers import selectors, services
from vouchers.models import (
    LogisticsContract,
    Redemption,
    Settlement,
    Voucher,
    VoucherBatch,
    VoucherClaim,
    VoucherPool,
    VoucherStatus,
)
from vouchers.tests.conftest import CARRIER, money

pytestmark = pytest.mark.django_db


def _pool(w: SimpleNamespace) -> VoucherPool:
    return VoucherPool.objects.get(pk=w.pool.pk)


def test_pool_cannot_exceed_the_guide_budget(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError):
        services.pool_set(actor=world.city, year=2026, amount="25000000.01")
    assert _pool(world).amount == money("1000000")


def test_pool_needs_a_guide_opening_the_measure(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError):
        services.pool_set(actor=world.city, year=2030, amount="1000")
    assert not VoucherPool.objects.filter(year=2030).exists()


def test_purchases_stay_within_the_pool(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError):
        services.purchase_record(
            actor=world.city,
            pool=world.pool,
            logistics_code="X1",
            company_name="X",
            contract_no="CG-X",
            amount="400000.01",
            valid_from="2026-01-01",
            valid_to="2026-12-31",
        )
    assert world.pool.purchases.count() == 2


def test_publishing_notifies_eligible_enterprises_only(world: SimpleNamespace) -> None:
    batch = services.batch_create(
        actor=world.city,
        pool=world.pool,
        name="制造企业专批",
        amount="1000",
        face_values=["100"],
        valid_from="2026-06-01",
        valid_to="2026-07-31",
        per_enterprise_limit="500",
        eligible_kinds=["manufacturer"],
    )
    before = Notification.objects.filter(user=world.ent2).count()
    services.batch_publish(actor=world.city, batch=batch)
    assert Notification.objects.filter(user=world.ent2).count() == before + 1
    assert not Notification.objects.filter(
        user=world.ent1, message__contains="制造企业专批"
    ).exists()


@pytest.mark.parametrize("who", ["ent1", "county", "finance", "carrier", "bank"])
def test_only_the_city_manages_pool_purchases_and_batches(world: SimpleNamespace, who: str) -> None:
    actor = getattr(world, who)
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.pool_set(actor=actor, year=2026, amount="5")
    with pytest.raises(PermissionDenied):
        services.purchase_record(
            actor=actor,
            pool=world.pool,
            logistics_code="X1",
            company_name="X",
            contract_no="CG-X",
            amount="1",
            valid_from="2026-01-01",
            valid_to="2026-12-31",
        )
    with pytest.raises(PermissionDenied):
        services.batch_create(
            actor=actor,
            pool=world.pool,
            name="x",
            amount="1",
            face_values=["1"],
            valid_from="2026-06-01",
            valid_to="2026-06-30",
            per_enterprise_limit="1",
        )
    with pytest.raises(PermissionDenied):
        services.batch_close(actor=actor, batch=world.batch)
    assert _pool(world).amount == money("1000000")
    assert world.pool.purchases.count() == 2 and VoucherBatch.objects.count() == 1
    assert VoucherBatch.objects.get().status == "published"
    assert AuditEntry.objects.count() == entries


def test_contract_file_is_checked_by_content(world: SimpleNamespace) -> None:
    fake = SimpleUploadedFile("contract.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.contract_record(
            actor=world.ent1,
            logistics_code=CARRIER,
            contract_no="WL-1",
            amount="1000",
            starts_on="2026-01-01",
            ends_on="2026-12-31",
            file=fake,
        )
    assert "file" in exc.value.message_dict
    assert not LogisticsContract.objects.exists()


def test_contract_only_with_a_partner_logistics_company(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    with pytest.raises(ValidationError):
        make_contract(world.ent1, code="9999999999")
    assert not LogisticsContract.objects.exists()


def test_claim_is_two_percent_of_the_contract_by_the_engine(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    contract = make_contract(world.ent1, amount="500000")  # 2% = 10,000
    claim = services.claim_create(actor=world.ent1, batch=world.batch, contract=contract)
    assert claim.entitled == money("10000") and claim.amount == money("10000")
    assert sorted(v.face_value for v in claim.vouchers.all()) == [money("1000")] * 10
    assert {r["code"] for r in claim.explanation} >= {"rate_applied"}
    pool = _pool(world)
    assert pool.committed == money("10000") and pool.left == money("990000")
    assert AuditEntry.objects.filter(action="vouchers.claim_create").count() == 1


def test_claim_stops_at_the_annual_cap_across_contracts(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    big = make_contract(world.ent1, amount="4000000")  # 2% = 80,000
    services.claim_create(actor=world.ent1, batch=world.batch, contract=big)
    second = make_contract(world.ent1, amount="4000000")  # 80,000 more asked, 20,000 left
    claim = services.claim_create(actor=world.ent1, batch=world.batch, contract=second)
    assert claim.entitled == money("20000") and claim.amount == money("20000")
    third = make_contract(world.ent1, amount="1000000")
    with pytest.raises(ValidationError):
        services.claim_create(actor=world.ent1, batch=world.batch, contract=third)
    assert _pool(world).committed == money("100000")


def test_claim_rounds_down_to_the_face_values(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    contract = make_contract(world.ent1, amount="123456")  # 2% = 2,469.12
    claim = services.claim_create(actor=world.ent1, batch=world.batch, contract=contract)
    assert claim.amount == money("2400") and claim.entitled == money("2469")  # engine: whole yuan


def test_never_twice_for_the_same_contract(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    contract = make_contract(world.ent1)
    services.claim_create(actor=world.ent1, batch=world.batch, contract=contract)
    with pytest.raises(ValidationError):
        services.claim_create(actor=world.ent1, batch=world.batch, contract=contract)
    with pytest.raises(ValidationError):
        make_contract(world.ent1, contract_no=contract.contract_no)
    assert VoucherClaim.objects.count() == 1 and _pool(world).committed == money("10000")


def test_no_claim_on_a_contract_a_live_application_names(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    from applications.models import Application, Round

    contract = make_contract(world.ent1)
    rnd = Round.objects.create(
        year=2026,
        name="r",
        guide_year="2026",
        guide_hash="x",
        opens_on="2026-04-20",
        closes_on="2026-05-29",
        budget_total=1,
    )
    Application.objects.create(
        round=rnd,
        enterprise=world.e1,
        measure="a11.capacity_voucher",
        matter=contract.contract_no,
        cost=500000,
        status="submitted",
    )
    with pytest.raises(ValidationError) as exc:
        services.claim_create(actor=world.ent1, batch=world.batch, contract=contract)
    assert "就高不重复" in str(exc.value)
    assert not VoucherClaim.objects.exists() and _pool(world).committed == 0


def test_claim_denials_change_nothing(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    contract = make_contract(world.ent1)
    for actor in (world.ent2, world.city, world.carrier, world.county, world.finance):
        with pytest.raises(PermissionDenied):
            services.claim_create(actor=actor, batch=world.batch, contract=contract)
    for actor in (world.city, world.carrier, world.county):
        with pytest.raises(PermissionDenied):
            services.contract_record(
                actor=actor,
                logistics_code=CARRIER,
                contract_no="Z",
                amount="1",
                starts_on="2026-01-01",
                ends_on="2026-02-01",
                file=SimpleUploadedFile("a.pdf", b"%PDF-1"),
            )
    assert not VoucherClaim.objects.exists() and LogisticsContract.objects.count() == 1
    assert _pool(world).committed == 0


def _claimed(world: SimpleNamespace, make_contract: Callable[..., Any]) -> Voucher:
    contract = make_contract(world.ent1)
    services.claim_create(actor=world.ent1, batch=world.batch, contract=contract)
    return Voucher.objects.filter(claim__contract=contract).first()  # type: ignore[return-value]


def test_partial_redemption_then_full(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    voucher = _claimed(world, make_contract)
    services.voucher_redeem(
        actor=world.carrier,
        voucher=voucher,
        invoice_no="FP001",
        invoice_amount="5000",
        invoice_date="2026-06-10",
        amount="400",
    )
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ACTIVE and voucher.remaining == money("600")
    with pytest.raises(ValidationError):  # more than is left
        services.voucher_redeem(
            actor=world.carrier,
            voucher=voucher,
            invoice_no="FP001",
            invoice_amount="5000",
            invoice_date="2026-06-10",
            amount="600.01",
        )
    services.voucher_redeem(
        actor=world.carrier,
        voucher=voucher,
        invoice_no="FP002",
        invoice_amount="600",
        invoice_date="2026-06-11",
        amount="600",
    )
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED and voucher.redeemed == money("1000")
    with pytest.raises(ValidationError):
        services.voucher_redeem(
            actor=world.carrier,
            voucher=voucher,
            invoice_no="FP003",
            invoice_amount="600",
            invoice_date="2026-06-11",
            amount="1",
        )
    assert _pool(world).redeemed == money("1000")


def test_invoice_total_caps_its_redemptions(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    voucher = _claimed(world, make_contract)
    services.voucher_redeem(
        actor=world.carrier,
        voucher=voucher,
        invoice_no="FP9",
        invoice_amount="500",
        invoice_date="2026-06-10",
        amount="300",
    )
    with pytest.raises(ValidationError):
        services.voucher_redeem(
            actor=world.carrier,
            voucher=voucher,
            invoice_no="FP9",
            invoice_amount="500",
            invoice_date="2026-06-10",
            amount="201",
        )
    assert Redemption.objects.count() == 1


def test_redemption_denied_to_other_companies_and_roles(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    voucher = _claimed(world, make_contract)
    entries = AuditEntry.objects.count()
    for actor in (world.other_carrier, world.bank, world.ent1, world.city, world.finance):
        with pytest.raises(PermissionDenied):
            services.voucher_redeem(
                actor=actor,
                voucher=voucher,
                invoice_no="FP1",
                invoice_amount="100",
                invoice_date="2026-06-10",
                amount="10",
            )
    voucher.refresh_from_db()
    assert voucher.redeemed == 0 and not Redemption.objects.exists()
    assert _pool(world).redeemed == 0 and AuditEntry.objects.count() == entries


def test_expired_and_cancelled_vouchers_go_back_to_the_pool(
    world: SimpleNamespace, make_contract: Callable[..., Any], time_machine: Any
) -> None:
    voucher = _claimed(world, make_contract)
    services.voucher_redeem(
        actor=world.carrier,
        voucher=voucher,
        invoice_no="FP1",
        invoice_amount="1000",
        invoice_date="2026-06-10",
        amount="250",
    )
    other = Voucher.objects.exclude(pk=voucher.pk).first()
    assert other is not None
    services.voucher_cancel(actor=world.city, voucher=other, reason="企业申请作废")
    assert _pool(world).committed == money("9000")
    time_machine.move_to("2026-10-01T10:00:00+08:00")
    assert services.vouchers_expire() == 9
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.EXPIRED and voucher.returned == money("750")
    pool = _pool(world)
    assert pool.committed == money("250") and pool.redeemed == money("250")
    assert VoucherBatch.objects.get(pk=world.batch.pk).issued == money("250")
    with pytest.raises(ValidationError):
        services.voucher_redeem(
            actor=world.carrier,
            voucher=voucher,
            invoice_no="FP2",
            invoice_amount="100",
            invoice_date="2026-06-10",
            amount="1",
        )


def test_cancel_denied_to_others(world: SimpleNamespace, make_contract: Callable[..., Any]) -> None:
    voucher = _claimed(world, make_contract)
    for actor in (world.ent1, world.carrier, world.finance, world.county):
        with pytest.raises(PermissionDenied):
            services.voucher_cancel(actor=actor, voucher=voucher, reason="x")
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ACTIVE and _pool(world).committed == money("10000")


def test_monthly_settlement_and_payment(
    world: SimpleNamespace, make_contract: Callable[..., Any], time_machine: Any
) -> None:
    voucher = _claimed(world, make_contract)
    services.voucher_redeem(
        actor=world.carrier,
        voucher=voucher,
        invoice_no="FP1",
        invoice_amount="1000",
        invoice_date="2026-06-10",
        amount="700",
    )
    with pytest.raises(ValidationError):  # June is not over
        services.settlement_issue(
            actor=world.city, pool=world.pool, logistics_code=CARRIER, month="2026-06"
        )
    time_machine.move_to("2026-07-02T10:00:00+08:00")
    for actor in (world.carrier, world.ent1, world.county):
        with pytest.raises(PermissionDenied):
            services.settlement_issue(
                actor=actor, pool=world.pool, logistics_code=CARRIER, month="2026-06"
            )
    assert not Settlement.objects.exists()
    s = services.settlement_issue(
        actor=world.finance, pool=world.pool, logistics_code=CARRIER, month="2026-06"
    )
    assert s.amount == money("700") and s.count == 1
    with pytest.raises(ValidationError):
        services.settlement_issue(
            actor=world.finance, pool=world.pool, logistics_code=CARRIER, month="2026-06"
        )
    for actor in (world.city, world.carrier):
        with pytest.raises(PermissionDenied):
            services.settlement_pay(
                actor=actor, settlement=s, paid_on="2026-07-02", bank_reference="B1"
            )
    assert _pool(world).paid == 0
    services.settlement_pay(
        actor=world.finance, settlement=s, paid_on="2026-07-02", bank_reference="B1"
    )
    assert _pool(world).paid == money("700")
    with pytest.raises(ValidationError):
        services.settlement_pay(
            actor=world.finance, settlement=s, paid_on="2026-07-02", bank_reference="B1"
        )
    assert _pool(world).paid == money("700")


def test_redeemed_vouchers_are_payment_history_for_applications(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    from funds.inputs import Inputs

    voucher = _claimed(world, make_contract)
    services.voucher_redeem(
        actor=world.carrier,
        voucher=voucher,
        invoice_no="FP1",
        invoice_amount="1000",
        invoice_date="2026-06-10",
        amount="800",
    )
    inputs = Inputs(year=2026, guide="2026")
    inputs.add_disbursements([world.e1.pk])
    assert inputs.history == [
        {
            "beneficiary": f"E{world.e1.pk}",
            "measure": "a11.capacity_voucher",
            "year": 2026,
            "amount": "800.00",
            "matter": voucher.claim.contract.contract_no,
            "note": "capacity vouchers redeemed",
        }
    ]


def test_scopes(world: SimpleNamespace, make_contract: Callable[..., Any]) -> None:
    _claimed(world, make_contract)
    assert selectors.voucher_list_for(user=world.ent1).count() == 10
    assert selectors.voucher_list_for(user=world.ent2).count() == 0
    assert selectors.voucher_list_for(user=world.carrier).count() == 10
    assert selectors.voucher_list_for(user=world.other_carrier).count() == 0
    assert selectors.voucher_list_for(user=world.bank).count() == 0
    assert selectors.voucher_list_for(user=world.county).count() == 10  # Donghai's enterprise
    assert selectors.pool_list_for(user=world.ent1).count() == 0
