"""The enterprise's pages, the statement downloads, the API and the demo loader."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from openpyxl import load_workbook

from exportdesk import services
from exportdesk.models import NettingStatement, OverseasCost, ProceedsReceipt
from exportdesk.tests.conftest import export, pdf

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_enterprise_enters_costs_and_proceeds_and_downloads_the_statement(
    world: SimpleNamespace,
) -> None:
    w = world
    export(w, cop="V1", on=dt.date(2026, 5, 4), amount="4000")
    c = _client(w.ent1)
    assert c.get("/exportdesk/").status_code == 200
    r = c.post(
        "/exportdesk/costs/new/",
        {
            "kind": "logistics",
            "currency": "USD",
            "amount": "350.25",
            "incurred_on": "2026-05-06",
            "payee": "尾程派送",
            "document": pdf(),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    r = c.post(
        "/exportdesk/proceeds/new/",
        {"currency": "USD", "amount": "3000", "received_on": "2026-05-20", "bank": "中行"},
    )
    assert r.status_code == 302
    assert OverseasCost.objects.get().amount == 350.25
    assert ProceedsReceipt.objects.get().enterprise == w.e1
    r = c.post(
        "/exportdesk/statements/new/",
        {"currency": "USD", "month_from": "2026-05", "month_to": "2026-06"},
    )
    s = NettingStatement.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/exportdesk/statements/{s.number}/"
    page = c.get(r["Location"]).content.decode()
    assert "3,649.75" in page or "3649.75" in page  # 4000 − 350.25 net due
    xlsx = c.get(f"/exportdesk/statements/{s.number}/statement.xlsx")
    assert xlsx.status_code == 200 and xlsx["Cache-Control"] == "no-store"
    wb = load_workbook(io.BytesIO(xlsx.content))
    values = [cell for row in wb.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert Decimal("3649.75") in [Decimal(str(v)) for v in values if isinstance(v, int | float)]
    assert wb.worksheets[1].max_row == 2  # header + the one cost
    pdf_response = c.get(f"/exportdesk/statements/{s.number}/statement.pdf")
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")


def test_refused_forms_come_back_with_400(world: SimpleNamespace) -> None:
    c = _client(world.ent1)
    r = c.post(
        "/exportdesk/costs/new/",
        {
            "kind": "tax",
            "currency": "USD",
            "amount": "10",
            "incurred_on": "2026-05-06",
            "payee": "x",
            "document": pdf("x.pdf", b"GIF89a not a pdf"),
        },
    )
    assert r.status_code == 400 and "PDF" in r.content.decode()
    assert OverseasCost.objects.count() == 0


def test_tax_page_labels_the_estimate_and_cites_the_documents(world: SimpleNamespace) -> None:
    export(world, cop="X1", on=dt.date(2026, 2, 2), amount="1000")
    c = _client(world.ent1)
    page = c.get("/exportdesk/tax/?year=2026").content.decode()
    assert "估算" in page and "国家税务总局公告2019年第36号" in page and "财税〔2018〕103号" in page
    assert "284.00" in page  # 7,100 CNY × 4 %
    r = c.post("/exportdesk/tax/?year=2026", {"year": "2026", "no_purchase_invoice": "on"})
    assert r.status_code == 302
    api = c.get("/api/v1/exportdesk/tax/checklist?year=2026").json()
    assert api["estimate"] is True and api["deemed_income_cny"] == "284.00"
    assert api["all_met"] is True


def test_returns_page_shows_deadlines_and_flags(world: SimpleNamespace) -> None:
    w = world
    d = export(w, cop="Z1", on=dt.date(2025, 11, 20))
    export(w, cop="Z2", on=dt.date(2026, 4, 1))
    services.goods_return_record(
        actor=w.ent1,
        declaration_id=d.pk,
        returned_on=dt.date(2026, 6, 1),
        reason="unsold",
        original_state=True,
    )
    c = _client(w.ent1)
    page = c.get("/exportdesk/returns/?year=2026").content.decode()
    assert "2026-10-01" in page and 'data-state="open"' in page
    late = c.get("/exportdesk/returns/?year=2025&flagged=1").content.decode()
    assert 'data-state="returned_late"' in late and "2026-05-20" in late
    # the filter looks past the first page: 60 open inventories exported before the late one
    for i in range(60):
        export(w, cop=f"Y{i}", on=dt.date(2025, 11, 21))
    late = c.get("/exportdesk/returns/?year=2025&flagged=1").content.decode()
    assert late.count("<tr data-state=") == 1 and 'data-state="returned_late"' in late
    assert c.get("/exportdesk/returns/?year=2025").content.decode().count("<tr data-state=") == 50


def test_overseas_page_lists_and_confirms_9810(world: SimpleNamespace) -> None:
    d = export(world, cop="S1", on=dt.date(2026, 4, 1), mode="9810")
    c = _client(world.ent1)
    assert "2305S1" in c.get("/exportdesk/overseas/").content.decode()
    c.post("/exportdesk/overseas/", {"declaration_id": d.pk, "sold_on": "2026-05-01"})
    assert "2305S1" not in c.get("/exportdesk/overseas/").content.decode()


def test_every_message_is_translated() -> None:
    po = (Path(__file__).resolve().parents[1] / "locale/en/LC_MESSAGES/django.po").read_text(
        encoding="utf-8"
    )
    entries = po.split("\n\n")[1:]  # the header's empty msgstr is not a message
    empty = [e for e in entries if re.search(r'^msgstr ""$', e, re.M) and "#~" not in e]
    assert empty == []
    assert "#, fuzzy" not in po


def test_pages_read_in_english(world: SimpleNamespace) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    client.force_login(world.ent1)
    home = client.get("/").content.decode()
    assert "Export desk" in home
    page = client.get("/exportdesk/").content.decode()
    assert "Record an overseas cost" in page and "登记境外费用" not in page
    tax_page = client.get("/exportdesk/tax/").content.decode()
    assert "Estimate" in tax_page and "估算" not in tax_page
    client.force_login(world.county)
    assert "Export desk guidance" in client.get("/exportdesk/guide/").content.decode()


def test_demo_loads_once(world: SimpleNamespace, make_user: object) -> None:
    from accounts.models import User
    from exportdesk.demo import load_demo

    User.objects.filter(pk=world.ent1.pk).update(username="enterprise_a")
    assert load_demo() == 6
    assert load_demo() == 0
    s = NettingStatement.objects.get()
    assert s.costs_total > 0 and s.proceeds > 0
