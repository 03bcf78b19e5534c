"""Disbursement, Excel export, policy matching, bank-account confirmation and 免申即享."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import Application, ApplicationOrigin, ApplicationStatus
from enterprises.models import Recognition
from funds import services
from funds.documents import payments_workbook
from funds.models import BankAccountConfirmation, Disbursement
from funds.services.matching import account_matches, candidates, enterprise_matching

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(
    world: Any,
    round_: Any,
    to_city_review: Any,
    django_capture_on_commit_callbacks: Any,
    holidays: None,
) -> Application:
    app = to_city_review(cost="80000.00", matter="INV-1")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.proposal_run_start(actor=world.reviewer, round=round_)
    run.refresh_from_db()
    services.proposal_run_accept(actor=world.reviewer, run=run)
    notice = services.notice_publish(
        actor=world.reviewer, round=round_, title="公示", today=dt.date(2026, 11, 2)
    )
    services.notice_approve(
        actor=world.reviewer, notice=notice, today=notice.ends_on + dt.timedelta(days=1)
    )
    app.refresh_from_db()
    return app


def test_finance_records_payment(world: Any, approved: Application) -> None:
    d = services.disbursement_record(
        actor=world.finance,
        application=approved,
        paid_on=dt.date(2026, 11, 20),
        bank_reference="BOC-2026-0001",
    )
    approved.refresh_from_db()
    assert approved.status == ApplicationStatus.DISBURSED and approved.amount_paid == Decimal(
        "40000.00"
    )
    assert (d.measure, d.matter, d.year, d.amount) == (
        "a7.brand_promotion",
        "INV-1",
        2026,
        Decimal("40000.00"),
    )
    wb_bytes = payments_workbook(Disbursement.objects.all())
    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(wb_bytes)).active
    assert ws["C2"].value == "甲水晶跨境电商有限公司" and Decimal(str(ws["H2"].value)) == Decimal(
        "40000"
    )


@pytest.mark.parametrize("who", ["reviewer", "donghai_officer", "user_a", "admin"])
def test_only_finance_records_payment(world: Any, approved: Application, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.disbursement_record(
            actor=getattr(world, who),
            application=approved,
            paid_on=dt.date(2026, 11, 20),
            bank_reference="BOC-2026-0001",
        )
    approved.refresh_from_db()
    assert approved.status == ApplicationStatus.APPROVED and not Disbursement.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bank_reference": "x"}, "bank_reference"),
        ({"paid_on": dt.date(2099, 1, 1)}, "paid_on"),
        ({"amount": Decimal("40000.01")}, "amount"),
        ({"amount": Decimal("0")}, "amount"),
    ],
)
def test_bad_payment_is_refused(
    world: Any, approved: Application, kwargs: dict[str, Any], field: str
) -> None:
    values = {"paid_on": dt.date(2026, 11, 20), "bank_reference": "BOC-2026-0001", **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.disbursement_record(actor=world.finance, application=approved, **values)
    assert field in exc.value.message_dict
    approved.refresh_from_db()
    assert approved.status == ApplicationStatus.APPROVED and not Disbursement.objects.exists()


def test_matching_shows_likely_measures_with_reasons_and_whats_missing(
    world: Any, round_: Any
) -> None:
    Recognition.objects.create(enterprise=world.a, type="benchmark", year=2026)
    year, rows, _notes = enterprise_matching(enterprise=world.a, today=dt.date(2026, 11, 26))
    by_id = {r.measure: r for r in rows}
    assert year == 2026
    assert by_id["a3.benchmark"].likely and by_id["a3.benchmark"].amount == Decimal("100000.00")
    assert not by_id["a2.regional_center"].likely
    assert any("认定" in m for m in by_id["a2.regional_center"].missing)
    assert by_id["a7.brand_promotion"].example_cost == Decimal("100000.00")
    assert "a8.park_recognition" not in by_id  # park operators only
    assert all(r.reasons for r in rows)


def test_bank_confirmation_stores_no_clear_number(world: Any) -> None:
    conf = services.bank_account_confirm(
        actor=world.user_a,
        enterprise=world.a,
        account_name=world.a.name,
        bank_name="中国银行连云港分行",
        account_number="6216 6100 0001 2345 678",
        agree=True,
    )
    assert conf.account_masked == "**** **** 5678"
    assert "62166100000123456" not in conf.account_digest
    assert account_matches(conf, "6216610000012345678") and not account_matches(
        conf, "6216610000012345679"
    )


@pytest.mark.parametrize("who", ["user_b", "reviewer", "donghai_officer"])
def test_only_the_enterprise_confirms_its_account(world: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.bank_account_confirm(
            actor=getattr(world, who),
            enterprise=world.a,
            account_name=world.a.name,
            bank_name="中国银行",
            account_number="6216610000012345678",
            agree=True,
        )
    assert not BankAccountConfirmation.objects.exists()


def test_bank_confirmation_needs_agreement(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.bank_account_confirm(
            actor=world.user_a,
            enterprise=world.a,
            account_name=world.a.name,
            bank_name="中国银行",
            account_number="12",
            agree=False,
        )
    assert {"account_number", "agree"} <= set(exc.value.message_dict)
    assert not BankAccountConfirmation.objects.exists()


def test_no_application_flow(world: Any, round_: Any) -> None:
    Recognition.objects.create(enterprise=world.a, type="benchmark", year=2026)
    found = candidates(round=round_)
    assert [(c.enterprise, c.measure, c.amount) for c in found] == [
        (world.a, "a3.benchmark", Decimal("100000.00"))
    ]
    # not before the enterprise confirmed its account and the agreement
    with pytest.raises(ValidationError, match="确认收款账户"):
        services.propose_without_application(
            actor=world.reviewer, round=round_, enterprise=world.a, measure="a3.benchmark"
        )
    assert not Application.objects.exists()
    services.bank_account_confirm(
        actor=world.user_a,
        enterprise=world.a,
        account_name=world.a.name,
        bank_name="中国银行",
        account_number="6216610000012345678",
        agree=True,
    )
    with pytest.raises(PermissionDenied):
        services.propose_without_application(
            actor=world.donghai_officer, round=round_, enterprise=world.a, measure="a3.benchmark"
        )
    assert not Application.objects.exists()
    app = services.propose_without_application(
        actor=world.reviewer, round=round_, enterprise=world.a, measure="a3.benchmark"
    )
    assert (
        app.status == ApplicationStatus.CITY_REVIEW
        and app.origin == ApplicationOrigin.NO_APPLICATION
    )
    # once proposed it is no longer offered twice
    with pytest.raises(ValidationError):
        services.propose_without_application(
            actor=world.reviewer, round=round_, enterprise=world.a, measure="a3.benchmark"
        )
    assert Application.objects.count() == 1
    # an unprovable measure is refused
    with pytest.raises(ValidationError, match="不能证明"):
        services.propose_without_application(
            actor=world.reviewer, round=round_, enterprise=world.b, measure="a3.benchmark"
        )
