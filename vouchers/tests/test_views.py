"""The web pages: the journey by clicks (city → enterprise → logistics partner → finance), each
role seeing only its own, a denial for every write with nothing changed, the statement
documents (Excel with hostile values, PDF), navigation and ``ddt vouchers expire``."""

from __future__ import annotations

import io
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from audit.models import AuditEntry
from core.navigation import nav_for
from core.testing import at
from vouchers import services
from vouchers.models import (
    BatchStatus,
    LogisticsContract,
    Redemption,
    Settlement,
    SettlementStatus,
    Voucher,
    VoucherBatch,
    VoucherClaim,
    VoucherPool,
    VoucherStatus,
)
from vouchers.tests.conftest import CARRIER, money, pdf

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state() -> tuple[Any, ...]:
    """Every row count and money counter a refused write must leave alone."""
    pool = VoucherPool.objects.order_by("pk").values_list("amount", "committed", "redeemed", "paid")
    return (
        tuple(pool),
        tuple(VoucherBatch.objects.order_by("pk").values_list("status", "issued")),
        LogisticsContract.objects.count(),
        VoucherClaim.objects.count(),
        tuple(Voucher.objects.order_by("pk").values_list("status", "redeemed", "returned")),
        Redemption.objects.count(),
        tuple(Settlement.objects.order_by("pk").values_list("status", "paid_on")),
        AuditEntry.objects.filter(action__startswith="vouchers.").count(),
    )


def _claimed(world: SimpleNamespace, make_contract: Callable[..., Any], user: Any = None) -> Any:
    contract = make_contract(user or world.ent1, amount="100000")
    return services.claim_create(actor=user or world.ent1, batch=world.batch, contract=contract)


# ------------------------------------------------------------------ the journey


def test_city_sets_pool_records_purchase_creates_and_publishes_batch(
    world: SimpleNamespace,
) -> None:
    city = _client(world.city)
    r = city.get("/vouchers/pools/")
    assert r.status_code == 200 and "2026" in r.content.decode()
    r = city.post("/vouchers/pools/", {"year": "2026", "amount": "1200000"})
    assert r.status_code == 302
    world.pool.refresh_from_db()
    assert world.pool.amount == money("1200000")

    r = city.post(
        f"/vouchers/pools/{world.pool.pk}/",
        {
            "logistics_code": "3207980009",
            "company_name": "新海物流",
            "contract_no": "CG-2026-09",
            "amount": "50000",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
        },
    )
    assert r.status_code == 302
    assert world.pool.purchases.filter(logistics_code="3207980009").exists()

    r = city.post(
        "/vouchers/batches/new/",
        {
            "pool": world.pool.pk,
            "name": "2026 年第二批运力券",
            "amount": "100000",
            "face_values": "500，100",
            "valid_from": "2026-07-01",
            "valid_to": "2026-12-31",
            "per_enterprise_limit": "20000",
            "eligible_counties": ["320722"],
        },
    )
    assert r.status_code == 302, r.content.decode()
    batch = VoucherBatch.objects.get(name="2026 年第二批运力券")
    assert batch.status == BatchStatus.DRAFT
    assert batch.face_values == ["500.00", "100.00"]
    page = city.get(f"/vouchers/batches/{batch.pk}/").content.decode()
    assert 'data-testid="publish"' in page and 'data-testid="close"' not in page

    r = city.post(f"/vouchers/batches/{batch.pk}/publish/")
    assert r.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PUBLISHED
    page = city.get(f"/vouchers/batches/{batch.pk}/").content.decode()
    assert 'data-testid="publish"' not in page and 'data-testid="close"' in page


def test_invalid_batch_comes_back_with_errors_and_nothing_created(world: SimpleNamespace) -> None:
    before = _state()
    r = _client(world.city).post(
        "/vouchers/batches/new/",
        {
            "pool": world.pool.pk,
            "name": "过多面额",
            "amount": "100000",
            "face_values": "1,2,3,4,5,6",
            "valid_from": "2026-07-01",
            "valid_to": "2026-12-31",
            "per_enterprise_limit": "20000",
        },
    )
    assert r.status_code == 400
    assert "1 至 5 种券面额" in r.content.decode()
    assert _state() == before


def test_enterprise_records_contract_and_claims_by_clicks(world: SimpleNamespace) -> None:
    ent = _client(world.ent1)
    page = ent.get("/vouchers/contracts/").content.decode()
    assert world.batch.name in page  # the open batch is offered
    r = ent.post(
        "/vouchers/contracts/new/",
        {
            "logistics_code": CARRIER,
            "contract_no": "WL-WEB-1",
            "amount": "200000",
            "starts_on": "2026-03-01",
            "ends_on": "2026-12-31",
            "file": pdf(),
        },
    )
    assert r.status_code == 302, r.content.decode()
    contract = LogisticsContract.objects.get(contract_no="WL-WEB-1")
    assert contract.enterprise == world.e1

    page = ent.get(f"/vouchers/batches/{world.batch.pk}/").content.decode()
    assert 'data-testid="claim-form"' in page and "WL-WEB-1" in page
    r = ent.post(f"/vouchers/batches/{world.batch.pk}/claim/", {"contract": contract.pk})
    assert r.status_code == 302
    claim = VoucherClaim.objects.get(contract=contract)
    assert claim.amount == money("4000")  # 2% of 200,000 by the engine
    page = ent.get("/vouchers/list/").content.decode()
    assert all(v.code in page for v in claim.vouchers.all())

    # the same contract again: refused on the form, nothing changed
    before = _state()
    r = ent.post(f"/vouchers/batches/{world.batch.pk}/claim/", {"contract": contract.pk})
    assert r.status_code == 400
    assert _state() == before

    r = ent.get(f"/vouchers/contracts/{contract.pk}/file/")
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    assert b"".join(r.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_contract_with_a_fake_file_is_refused_and_nothing_stored(world: SimpleNamespace) -> None:
    before = _state()
    fake = pdf()
    fake.file = io.BytesIO(b"MZ\x90\x00 not a pdf")
    fake.size = 14
    r = _client(world.ent1).post(
        "/vouchers/contracts/new/",
        {
            "logistics_code": CARRIER,
            "contract_no": "WL-FAKE",
            "amount": "200000",
            "starts_on": "2026-03-01",
            "ends_on": "2026-12-31",
            "file": fake,
        },
    )
    assert r.status_code == 400
    assert _state() == before


def test_logistics_partner_redeems_part_of_a_voucher(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    claim = _claimed(world, make_contract)
    voucher = claim.vouchers.order_by("-face_value").first()
    carrier = _client(world.carrier)
    page = carrier.get("/vouchers/list/").content.decode()
    assert voucher.code in page
    page = carrier.get(f"/vouchers/v/{voucher.code}/").content.decode()
    assert 'data-testid="redeem-form"' in page
    r = carrier.post(
        f"/vouchers/v/{voucher.code}/redeem/",
        {
            "invoice_no": "FP-001",
            "invoice_amount": "800",
            "invoice_date": "2026-06-10",
            "amount": "600",
        },
    )
    assert r.status_code == 302
    voucher.refresh_from_db()
    assert voucher.redeemed == money("600") and voucher.status == VoucherStatus.ACTIVE

    # the invoice is used up to 800: 300 more is refused, nothing changed
    before = _state()
    r = carrier.post(
        f"/vouchers/v/{voucher.code}/redeem/",
        {
            "invoice_no": "FP-001",
            "invoice_amount": "800",
            "invoice_date": "2026-06-10",
            "amount": "300",
        },
    )
    assert r.status_code == 400
    assert "发票金额" in r.content.decode()
    assert _state() == before


def test_finance_issues_and_pays_the_monthly_statement(
    world: SimpleNamespace, make_contract: Callable[..., Any], time_machine: Any
) -> None:
    claim = _claimed(world, make_contract)
    voucher = claim.vouchers.first()
    services.voucher_redeem(
        actor=world.carrier,
        voucher=voucher,
        invoice_no="FP-100",
        invoice_amount="1000",
        invoice_date="2026-06-12",
        amount="1000",
    )
    time_machine.move_to(at(2026, 7, 3))
    finance = _client(world.finance)
    r = finance.post(
        "/vouchers/settlements/",
        {"pool": world.pool.pk, "logistics_code": CARRIER, "month": "2026-06"},
    )
    assert r.status_code == 302, r.content.decode()
    settlement = Settlement.objects.get()
    assert settlement.amount == money("1000") and settlement.count == 1
    page = finance.get(f"/vouchers/settlements/{settlement.pk}/").content.decode()
    assert 'data-testid="pay-form"' in page
    r = finance.post(
        f"/vouchers/settlements/{settlement.pk}/pay/",
        {"paid_on": "2026-07-03", "bank_reference": "BK-7788"},
    )
    assert r.status_code == 302
    settlement.refresh_from_db()
    world.pool.refresh_from_db()
    assert settlement.status == SettlementStatus.PAID and world.pool.paid == money("1000")
    page = finance.get(f"/vouchers/settlements/{settlement.pk}/").content.decode()
    assert 'data-testid="pay-form"' not in page

    r = finance.get(f"/vouchers/settlements/{settlement.pk}/statement.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r["Cache-Control"] == "no-store"


def test_dashboard_shows_pool_and_county_rows(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    _claimed(world, make_contract)
    page = _client(world.city).get("/vouchers/dashboard/?year=2026").content.decode()
    assert 'data-testid="pool-used">2,000.00<' in page
    assert "东海县" in page
    county_page = _client(world.county).get("/vouchers/dashboard/").content.decode()
    assert "2026-06" in county_page


# ------------------------------------------------------------------ each role sees only its own


def test_enterprise_sees_only_its_own_vouchers_and_contracts(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    mine = _claimed(world, make_contract)
    theirs = _claimed(world, make_contract, user=world.ent2)
    ent = _client(world.ent1)
    page = ent.get("/vouchers/list/").content.decode()
    assert all(v.code in page for v in mine.vouchers.all())
    assert not any(v.code in page for v in theirs.vouchers.all())
    other = theirs.vouchers.first()
    assert ent.get(f"/vouchers/v/{other.code}/").status_code == 404
    assert ent.get(f"/vouchers/contracts/{theirs.contract.pk}/file/").status_code == 404
    page = ent.get("/vouchers/contracts/").content.decode()
    assert mine.contract.contract_no in page and theirs.contract.contract_no not in page


def test_partner_sees_only_its_company_and_cannot_redeem_another(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    claim = _claimed(world, make_contract)
    voucher = claim.vouchers.first()
    other = _client(world.other_carrier)
    assert voucher.code not in other.get("/vouchers/list/").content.decode()
    before = _state()
    r = other.post(
        f"/vouchers/v/{voucher.code}/redeem/",
        {
            "invoice_no": "FP-X",
            "invoice_amount": "500",
            "invoice_date": "2026-06-10",
            "amount": "100",
        },
    )
    assert r.status_code == 404
    assert _state() == before


def test_partner_sees_only_its_own_settlements(
    world: SimpleNamespace, make_contract: Callable[..., Any], time_machine: Any
) -> None:
    claim = _claimed(world, make_contract)
    services.voucher_redeem(
        actor=world.carrier,
        voucher=claim.vouchers.first(),
        invoice_no="FP-1",
        invoice_amount="1000",
        invoice_date="2026-06-12",
        amount="100",
    )
    time_machine.move_to(at(2026, 7, 3))
    settlement = services.settlement_issue(
        actor=world.city, pool=world.pool, logistics_code=CARRIER, month="2026-06"
    )
    assert "连云港快运" in _client(world.carrier).get("/vouchers/settlements/").content.decode()
    other = _client(world.other_carrier)
    assert "连云港快运" not in other.get("/vouchers/settlements/").content.decode()
    assert other.get(f"/vouchers/settlements/{settlement.pk}/").status_code == 404
    assert other.get(f"/vouchers/settlements/{settlement.pk}/statement.xlsx").status_code == 404
    page = _client(world.carrier).get(f"/vouchers/settlements/{settlement.pk}/").content.decode()
    assert 'data-testid="pay-form"' not in page


@pytest.mark.parametrize(
    "who",
    ["ent1", "carrier", "bank"],
)
def test_pool_pages_are_for_officers_only(world: SimpleNamespace, who: str) -> None:
    client = _client(getattr(world, who))
    assert client.get("/vouchers/pools/").status_code == 403
    assert client.get("/vouchers/dashboard/").status_code == 403


def test_bank_partner_has_no_voucher_pages_or_menu(world: SimpleNamespace) -> None:
    bank = _client(world.bank)
    for url in ("/vouchers/list/", "/vouchers/batches/", "/vouchers/settlements/"):
        assert bank.get(url).status_code == 403, url
    labels = [str(label) for label, _url in nav_for(world.bank)]
    assert "运力券" not in labels
    assert "运力券" in [str(label) for label, _url in nav_for(world.carrier)]
    assert "运力券批次" in [str(label) for label, _url in nav_for(world.city)]
    assert "运力券结算" in [str(label) for label, _url in nav_for(world.finance)]


# ------------------------------------------------------------------ denials: nothing changed


def test_writes_refused_to_the_wrong_role_change_nothing(
    world: SimpleNamespace, make_contract: Callable[..., Any], time_machine: Any
) -> None:
    claim = _claimed(world, make_contract)
    voucher = claim.vouchers.first()
    draft = services.batch_create(
        actor=world.city,
        pool=world.pool,
        name="草稿批次",
        amount="1000",
        face_values=["100"],
        valid_from="2026-07-01",
        valid_to="2026-12-31",
        per_enterprise_limit="1000",
    )
    services.voucher_redeem(
        actor=world.carrier,
        voucher=voucher,
        invoice_no="FP-9",
        invoice_amount="100",
        invoice_date="2026-06-12",
        amount="100",
    )
    time_machine.move_to(at(2026, 7, 3))
    settlement = services.settlement_issue(
        actor=world.city, pool=world.pool, logistics_code=CARRIER, month="2026-06"
    )
    new_contract = make_contract(world.ent1, amount="50000")
    ent2_contract = make_contract(world.ent2, amount="50000")
    other = claim.vouchers.exclude(pk=voucher.pk).first()
    before = _state()
    redeem = {
        "invoice_no": "FP-Z",
        "invoice_amount": "100",
        "invoice_date": "2026-07-01",
        "amount": "100",
    }
    refusals: list[tuple[Any, str, dict[str, Any], int]] = [
        (world.ent1, "/vouchers/pools/", {"year": "2026", "amount": "1"}, 403),
        (world.county, "/vouchers/pools/", {"year": "2026", "amount": "1"}, 403),
        (world.finance, f"/vouchers/pools/{world.pool.pk}/", {"amount": "1"}, 403),
        (world.ent1, "/vouchers/batches/new/", {"name": "x"}, 403),
        (world.finance, f"/vouchers/batches/{draft.pk}/publish/", {}, 403),
        (world.ent1, f"/vouchers/batches/{draft.pk}/publish/", {}, 403),
        (world.county, f"/vouchers/batches/{world.batch.pk}/close/", {}, 403),
        (world.city, f"/vouchers/batches/{world.batch.pk}/claim/", {"contract": 1}, 403),
        # another enterprise's contract is not among the claimable ones
        (
            world.ent1,
            f"/vouchers/batches/{world.batch.pk}/claim/",
            {"contract": ent2_contract.pk},
            400,
        ),
        (world.carrier, "/vouchers/contracts/new/", {"contract_no": "x"}, 403),
        (world.ent1, f"/vouchers/v/{other.code}/redeem/", redeem, 403),
        (world.city, f"/vouchers/v/{other.code}/redeem/", redeem, 403),
        (world.carrier, f"/vouchers/v/{other.code}/cancel/", {"reason": "x"}, 403),
        (world.ent1, "/vouchers/settlements/", {"month": "2026-06"}, 403),
        (world.carrier, "/vouchers/settlements/", {"month": "2026-06"}, 403),
        (world.city, f"/vouchers/settlements/{settlement.pk}/pay/", {"bank_reference": "x"}, 403),
        (
            world.carrier,
            f"/vouchers/settlements/{settlement.pk}/pay/",
            {"bank_reference": "x"},
            403,
        ),
    ]
    for user, url, data, status in refusals:
        r = _client(user).post(url, data)
        assert r.status_code == status, (user.username, url, r.status_code)
        assert _state() == before, (user.username, url)
    assert not VoucherClaim.objects.filter(contract=new_contract).exists()


def test_buttons_follow_what_the_services_allow(
    world: SimpleNamespace, make_contract: Callable[..., Any], time_machine: Any
) -> None:
    claim = _claimed(world, make_contract)
    voucher = claim.vouchers.first()
    # county officer reads the voucher but has no redeem or cancel form
    page = _client(world.county).get(f"/vouchers/v/{voucher.code}/").content.decode()
    assert "redeem-form" not in page and "cancel-form" not in page
    assert "cancel-form" in _client(world.city).get(f"/vouchers/v/{voucher.code}/").content.decode()
    # once past its validity the partner has no redeem form
    time_machine.move_to(at(2026, 10, 2))
    page = _client(world.carrier).get(f"/vouchers/v/{voucher.code}/").content.decode()
    assert "redeem-form" not in page
    # and the batch is no longer open for claims
    page = _client(world.ent1).get(f"/vouchers/batches/{world.batch.pk}/").content.decode()
    assert "claim-form" not in page


# ------------------------------------------------------------------ documents


def test_statement_excel_keeps_hostile_values_as_text(
    world: SimpleNamespace, make_contract: Callable[..., Any], time_machine: Any
) -> None:
    world.e1.name = '=HYPERLINK("http://evil.example","x")'
    world.e1.save(update_fields=["name"])
    contract = make_contract(world.ent1, amount="100000", contract_no="@SUM(1+1)")
    claim = services.claim_create(actor=world.ent1, batch=world.batch, contract=contract)
    services.voucher_redeem(
        actor=world.carrier,
        voucher=claim.vouchers.all()[0],
        invoice_no="+cmd|' /C calc'!A0",
        invoice_amount="1000",
        invoice_date="2026-06-12",
        amount="500",
    )
    time_machine.move_to(at(2026, 7, 3))
    settlement = services.settlement_issue(
        actor=world.finance, pool=world.pool, logistics_code=CARRIER, month="2026-06"
    )
    r = _client(world.carrier).get(f"/vouchers/settlements/{settlement.pk}/statement.xlsx")
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + world.e1.name in cells
    assert "'@SUM(1+1)" in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    amounts = [c.value for row in ws.iter_rows() for c in row if c.column == 8]
    assert amounts[-1] == 500  # the total


def test_list_export_is_scoped_and_guarded(
    world: SimpleNamespace, make_contract: Callable[..., Any]
) -> None:
    mine = _claimed(world, make_contract)
    theirs = _claimed(world, make_contract, user=world.ent2)
    r = _client(world.ent1).get("/vouchers/list/?format=xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    codes = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert codes == {v.code for v in mine.vouchers.all()}
    assert not codes & {v.code for v in theirs.vouchers.all()}


# ------------------------------------------------------------------ ddt vouchers expire


def test_expire_command_returns_the_rest_to_the_pool(
    world: SimpleNamespace, make_contract: Callable[..., Any], time_machine: Any
) -> None:
    claim = _claimed(world, make_contract)
    time_machine.move_to(at(2026, 10, 1))
    out = io.StringIO()
    call_command("vouchers_expire", stdout=out)
    assert f"expired {claim.vouchers.count()} voucher(s)" in out.getvalue()
    world.pool.refresh_from_db()
    assert world.pool.committed == 0
    assert set(claim.vouchers.values_list("status", flat=True)) == {VoucherStatus.EXPIRED}
    out = io.StringIO()
    call_command("vouchers_expire", stdout=out)
    assert "expired 0 voucher(s)" in out.getvalue()


def test_pages_in_english(world: SimpleNamespace, make_contract: Callable[..., Any]) -> None:
    claim = _claimed(world, make_contract)
    carrier = _client(world.carrier)
    carrier.cookies["django_language"] = "en"
    page = carrier.get(f"/vouchers/v/{claim.vouchers.first().code}/").content.decode()
    assert "Redeem against an invoice" in page and "按发票核销" not in page
    city = _client(world.city)
    city.cookies["django_language"] = "en"
    page = city.get(f"/vouchers/batches/{world.batch.pk}/").content.decode()
    assert "Close the batch" in page and "Open" in page
