"""FX netting and tax helper services: figures, validation, audit entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from exportdesk import netting, services, tax
from exportdesk.models import NettingStatement, OverseasCost, ReturnWindow
from exportdesk.tests.conftest import export, pdf

pytestmark = pytest.mark.django_db


def _cost(w: SimpleNamespace, kind: str, amount: str, on: dt.date, currency: str = "USD") -> None:
    services.cost_add(
        actor=w.ent1,
        kind=kind,
        currency=currency,
        amount=amount,
        incurred_on=on,
        payee="海外仓",
        document=pdf(),
    )


def test_statement_nets_costs_against_released_exports_and_proceeds(world: SimpleNamespace) -> None:
    w = world
    export(w, cop="A1", on=dt.date(2026, 4, 3), amount="10000.00")
    export(w, cop="A2", on=dt.date(2026, 5, 9), amount="2500.50")
    export(w, cop="A3", on=dt.date(2026, 5, 10), amount="999", currency="300")  # EUR: not USD
    export(w, cop="A4", on=dt.date(2026, 5, 11), amount="777", released=False)  # not released
    export(w, cop="A5", on=dt.date(2026, 3, 31), amount="5000")  # before the period
    _cost(w, "warehousing", "1200.10", dt.date(2026, 4, 30))
    _cost(w, "logistics", "800.20", dt.date(2026, 5, 2))
    _cost(w, "tax", "99.70", dt.date(2026, 5, 3))
    _cost(w, "tax", "50", dt.date(2026, 5, 3), currency="EUR")  # other currency
    _cost(w, "logistics", "10", dt.date(2026, 3, 1))  # outside the period
    services.proceeds_add(
        actor=w.ent1, currency="USD", amount="9000", received_on=dt.date(2026, 5, 20), bank="中行"
    )
    s = services.statement_issue(
        actor=w.ent1, currency="USD", month_from="2026-04", month_to="2026-05"
    )
    assert s.export_value == Decimal("12500.50")
    assert s.costs_warehousing == Decimal("1200.10")
    assert s.costs_logistics == Decimal("800.20")
    assert s.costs_tax == Decimal("99.70")
    assert s.costs_total == Decimal("2100.00")
    assert s.net_due == Decimal("10400.50")
    assert s.proceeds == Decimal("9000.00")
    assert s.difference == Decimal("-1400.50")
    # CNY from the pre-aggregate: the released April–May lines of every currency
    assert s.export_value_cny == Decimal("89752.55")
    assert s.period_from == dt.date(2026, 4, 1) and s.period_to == dt.date(2026, 5, 31)
    assert len(s.detail["costs"]) == 3 and len(s.detail["proceeds"]) == 1
    assert AuditEntry.objects.filter(action="exportdesk.statement_issue").count() == 1
    assert AuditEntry.objects.filter(action="exportdesk.cost_add").count() == 5


def test_money_is_quantised_half_up_once() -> None:
    from exportdesk.money import money

    assert money(Decimal("1.005")) == Decimal("1.01")
    assert money(Decimal("2.004")) == Decimal("2.00")
    assert str(money(3)) == "3.00"


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "大于 0"), ("-5", "大于 0"), ("1.234", "小数位"), ("abc", "数字"), ("1e20", "过大")],
)
def test_proceeds_amount_is_validated(world: SimpleNamespace, amount: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.proceeds_add(
            actor=world.ent1,
            currency="USD",
            amount=amount,
            received_on=dt.date(2026, 5, 1),
            bank="中行",
        )


def test_cost_document_must_be_a_pdf_and_small(world: SimpleNamespace, settings: object) -> None:
    with pytest.raises(ValidationError, match="PDF"):
        services.cost_add(
            actor=world.ent1,
            kind="tax",
            currency="USD",
            amount="1",
            incurred_on=dt.date(2026, 5, 1),
            payee="x",
            document=pdf("a.pdf", b"MZ\x90\x00 not a pdf"),
        )
    settings.DDT_EXPORTDESK_DOCUMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="超过"):
        services.cost_add(
            actor=world.ent1,
            kind="tax",
            currency="USD",
            amount="1",
            incurred_on=dt.date(2026, 5, 1),
            payee="x",
            document=pdf("a.pdf", b"%PDF-1.4\n" + b"0" * 200),
        )
    assert OverseasCost.objects.count() == 0


def test_future_dates_unknown_currency_and_long_periods_are_refused(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError):
        services.proceeds_add(
            actor=world.ent1,
            currency="USD",
            amount="1",
            received_on=dt.date(2026, 6, 16),
            bank="中行",
        )
    with pytest.raises(ValidationError):
        services.proceeds_add(
            actor=world.ent1, currency="XXX", amount="1", received_on=dt.date(2026, 6, 1), bank="b"
        )
    for start, end in (("2024-01", "2026-06"), ("2026-05", "2026-04"), ("2026-06", "2026-07")):
        with pytest.raises(ValidationError):
            services.statement_issue(
                actor=world.ent1, currency="USD", month_from=start, month_to=end
            )
    assert NettingStatement.objects.count() == 0


# ------------------------------------------------------------------ tax helpers


def test_checklist_lists_what_is_missing_and_estimates_at_the_rule_rate(
    world: SimpleNamespace,
) -> None:
    w = world
    export(w, cop="T1", on=dt.date(2026, 2, 1), amount="1000")  # 7,100 CNY
    export(w, cop="T2", on=dt.date(2026, 3, 1), amount="500", customs="2201")  # elsewhere
    export(w, cop="T3", on=dt.date(2026, 3, 2), amount="300", goods_name="")  # a field missing
    data = tax.checklist(w.e1, 2026)
    by_key = {c.key: c for c in data["checks"]}
    assert by_key["registered"].ok
    assert not by_key["customs"].ok and by_key["customs"].missing == ["2305T2 (2201)"]
    assert not by_key["six_fields"].ok and by_key["six_fields"].missing == ["2305T3 #1"]
    assert not by_key["no_invoice"].ok
    assert not data["all_met"]
    assert data["revenue"] == Decimal("12780.00")
    assert data["rate"] == Decimal("0.04")
    assert data["deemed_income"] == Decimal("511.20")
    services.invoice_declare(actor=w.ent1, year=2026, no_purchase_invoice=True)
    assert {c.key: c.ok for c in tax.checklist(w.e1, 2026)["checks"]}["no_invoice"]
    assert AuditEntry.objects.filter(action="exportdesk.invoice_declare").count() == 1


def test_checklist_all_met_with_clean_data(world: SimpleNamespace) -> None:
    export(world, cop="C1", on=dt.date(2026, 1, 5))
    services.invoice_declare(actor=world.ent1, year=2026, no_purchase_invoice=True)
    assert tax.checklist(world.e1, 2026)["all_met"]
    assert not tax.checklist(world.e1, 2025)["all_met"]  # no exports that year


def test_return_windows_are_data_loaded_by_the_migration() -> None:
    rows = {w.document: w for w in ReturnWindow.objects.all()}
    current = rows["财政部 海关总署 税务总局公告2026年第16号"]
    assert (current.export_from, current.export_to, current.months) == (
        dt.date(2026, 1, 1),
        dt.date(2027, 12, 31),
        6,
    )
    assert set(current.mode_list) == {"1210", "9610", "9710", "9810"}


@pytest.mark.parametrize(
    ("exported", "mode", "deadline"),
    [
        (dt.date(2026, 3, 10), "9610", dt.date(2026, 9, 10)),
        (dt.date(2026, 8, 31), "9810", dt.date(2027, 2, 28)),  # no 31 February
        (dt.date(2025, 12, 31), "9710", dt.date(2026, 6, 30)),  # the 2023 notice's last day
        (dt.date(2027, 12, 31), "1210", dt.date(2028, 6, 30)),
        (dt.date(2028, 1, 1), "9610", None),  # after the current window
        (dt.date(2026, 3, 10), "0110", None),  # general trade: not covered
        (dt.date(2023, 1, 29), "9610", None),  # before the first window
    ],
)
def test_return_deadline_follows_the_window_of_the_export_date(
    exported: dt.date, mode: str, deadline: dt.date | None
) -> None:
    assert tax.return_deadline(exported, mode, tax.windows()) == deadline


def test_returns_after_the_deadline_are_flagged(world: SimpleNamespace) -> None:
    w = world
    on_time = export(w, cop="R1", on=dt.date(2026, 1, 10))
    late = export(w, cop="R2", on=dt.date(2025, 12, 1))  # deadline 2026-06-01
    altered = export(w, cop="R3", on=dt.date(2026, 2, 1))
    open_ = export(w, cop="R4", on=dt.date(2026, 5, 1))
    services.goods_return_record(
        actor=w.ent1,
        declaration_id=on_time.pk,
        returned_on=dt.date(2026, 6, 10),
        reason="unsold",
        original_state=True,
    )
    services.goods_return_record(
        actor=w.ent1,
        declaration_id=late.pk,
        returned_on=dt.date(2026, 6, 12),
        reason="buyer_return",
        original_state=True,
    )
    services.goods_return_record(
        actor=w.ent1,
        declaration_id=altered.pk,
        returned_on=dt.date(2026, 6, 1),
        reason="unsold",
        original_state=False,
    )
    today = dt.date(2026, 6, 15)
    windows = tax.windows()
    states = {
        d.cop_no: tax.return_row(d, windows, today)
        for year in (2025, 2026)
        for d in tax.export_inventories(w.e1.pk, year)
    }
    assert states["R1"].state == "returned_ok" and not states["R1"].flagged
    assert states["R2"].state == "returned_late" and states["R2"].flagged
    assert states["R3"].state == "returned_altered" and states["R3"].flagged
    assert states["R4"].state == "open" and states["R4"].days_left == 139
    assert states["R4"].deadline == dt.date(2026, 11, 1)
    with pytest.raises(ValidationError):  # a second return of the same inventory
        services.goods_return_record(
            actor=w.ent1,
            declaration_id=on_time.pk,
            returned_on=dt.date(2026, 6, 11),
            reason="unsold",
            original_state=True,
        )
    assert open_.pk


def test_9810_exports_wait_for_a_sale_confirmation(world: SimpleNamespace) -> None:
    w = world
    a = export(w, cop="W1", on=dt.date(2026, 3, 1), mode="9810")
    export(w, cop="W2", on=dt.date(2026, 3, 2), mode="9810")
    b2c = export(w, cop="W3", on=dt.date(2026, 3, 3), mode="9610")
    export(w, cop="W4", on=dt.date(2026, 3, 3), mode="9810", released=False)
    assert [d.cop_no for d in tax.awaiting_sale(w.e1.pk)] == ["W1", "W2"]
    services.sale_confirm(actor=w.ent1, declaration_id=a.pk, sold_on=dt.date(2026, 5, 1))
    assert [d.cop_no for d in tax.awaiting_sale(w.e1.pk)] == ["W2"]
    with pytest.raises(ValidationError):
        services.sale_confirm(actor=w.ent1, declaration_id=b2c.pk, sold_on=dt.date(2026, 5, 1))
    assert AuditEntry.objects.filter(action="exportdesk.sale_confirm").count() == 1


def test_period_parsing() -> None:
    assert netting.parse_month("2026-02") == 202602
    for bad in ("2026-13", "26-02", "2026/02", "", "1999-12"):
        assert netting.parse_month(bad) is None
    p = netting.Period.of_months(202602, 202602)
    assert (p.first, p.last) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
