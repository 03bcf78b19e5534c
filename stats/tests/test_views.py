"""Dashboard pages, scope and denials, Excel export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from core.testing import LATE_2026

# The dashboards open on the current year; the data below is of 2026.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(LATE_2026)]
PASSWORD = "Ddt-Test-Pass-1"


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def data(counties: dict[str, Any], make_enterprise: Any, add_trade: Any) -> dict[str, Any]:
    from enterprises.models import IndustryBelt

    belt = IndustryBelt.objects.create(
        name="东海水晶", county=counties["donghai"], recognised_year=2025
    )
    ents = [make_enterprise(industry_belt=belt, first_cbec_year=2025) for _ in range(4)]
    other = make_enterprise(counties["ganyu"])
    for i, e in enumerate(ents):
        add_trade(e, 202603, str(1000 * (i + 1)))
    add_trade(other, 202604, "777")
    return {"ents": ents, "other": other, "belt": belt}


def test_city_reviewer_sees_the_city_overview(make_user: Any, data: Any) -> None:
    c = client_for(make_user("city", "city_reviewer"))
    r = c.get("/stats/", follow=True)
    assert r.status_code == 200
    body = r.content.decode()
    assert "target-cbec_trade" in body and 'type="application/json"' in body
    assert "vendor/echarts/dist/echarts.min.js" in body
    assert "<script>" not in body  # no inline script (CSP)


def test_trade_page_tables_and_top_enterprises(make_user: Any, data: Any) -> None:
    c = client_for(make_user("city", "city_reviewer"))
    r = c.get("/stats/trade/?year=2026")
    body = r.content.decode()
    assert r.status_code == 200
    assert "10,777.00" in body  # March + April, all enterprises
    assert data["ents"][3].name in body  # top enterprises for the city reviewer
    assert "chart-trade_month-data" in body


def test_county_officer_sees_only_their_county(make_user: Any, counties: Any, data: Any) -> None:
    officer = make_user("dh", "county_officer", county=counties["donghai"])
    c = client_for(officer)
    r = c.get("/stats/", follow=True)
    assert r.status_code == 200 and r.redirect_chain[-1][0] == "/stats/county/320722/"
    trade = c.get("/stats/trade/?year=2026").content.decode()
    assert data["other"].name not in trade and "10,000.00" in trade and "10,777.00" not in trade
    # another county, the comparison and the reports are refused
    assert c.get("/stats/county/320707/").status_code == 403
    assert c.get("/stats/trade/?county=320707").status_code == 403
    assert c.get("/stats/counties/").status_code == 403
    assert c.get("/stats/reports/").status_code == 403
    assert c.get("/stats/export/trade.xlsx?county=320707").status_code == 403


def test_partner_and_anonymous_are_refused(make_user: Any, data: Any) -> None:
    c = client_for(make_user("bank", "partner", partner_kind="bank"))
    for url in [
        "/stats/",
        "/stats/overview/",
        "/stats/trade/",
        "/stats/fund/",
        "/stats/mine/",
        "/stats/export/trade.xlsx",
    ]:
        assert c.get(url).status_code == 403, url
    anon = Client()
    assert anon.get("/stats/trade/").status_code == 302


def test_enterprise_sees_own_figures_and_anonymised_peers(make_user: Any, data: Any) -> None:
    me = data["ents"][1]  # 2,000 among peers of 1,000 / 3,000 / 4,000
    c = client_for(make_user("ent", "enterprise", enterprise=me))
    r = c.get("/stats/", follow=True)
    body = r.content.decode()
    assert r.status_code == 200 and "/stats/mine/" in r.redirect_chain[-1][0]
    assert "2,000.00" in body and 'data-testid="percentile"' in body
    assert "33" in body  # 1 of 3 peers below ⇒ 33rd percentile
    for peer in data["ents"]:
        if peer != me:
            assert peer.name not in body
    assert "3,000.00" in body  # the peer median only
    assert c.get("/stats/trade/").status_code == 403
    assert c.get("/stats/overview/").status_code == 403


def test_enterprise_with_too_few_peers_gets_no_comparison(make_user: Any, data: Any) -> None:
    c = client_for(make_user("ent2", "enterprise", enterprise=data["other"]))
    body = c.get("/stats/mine/?year=2026").content.decode()
    assert "少于3家" in body


def test_counties_comparison_has_the_tile_map(make_user: Any, data: Any) -> None:
    from codes.loaders import load_all

    load_all()
    c = client_for(make_user("city", "city_reviewer"))
    body = c.get("/stats/counties/?year=2026").content.decode()
    assert "chart-tilemap-data" in body and "tilemap" in body and "徐圩新区" in body


def test_fund_page_funnel_and_budget(make_user: Any, data: Any) -> None:
    import datetime as dt
    from decimal import Decimal

    from applications.models import Application, Round

    rnd = Round.objects.create(
        year=2026,
        name="2026年第一批",
        guide_year="2026",
        guide_hash="x",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 4, 1),
        budget_total=Decimal("1000000"),
    )
    e = data["ents"][0]
    for status, approved in [
        ("submitted", None),
        ("city_review", None),
        ("approved", "50000"),
        ("disbursed", "30000"),
        ("draft", None),
    ]:
        Application.objects.create(
            round=rnd,
            enterprise=e,
            measure="a1.first_time",
            status=status,
            county=e.county,
            amount_approved=approved,
            amount_paid=approved if status == "disbursed" else None,
        )
    c = client_for(make_user("fin", "finance_officer"))
    r = c.get("/stats/fund/?year=2026")
    tables = {t.key: t for t in r.context["tables"]}
    assert [row[1] for row in tables["fund_funnel"].rows] == [4, 3, 2, 2, 1]
    assert tables["fund_measure"].rows[0][1:] == [Decimal("80000"), Decimal("30000"), 2]
    assert tables["fund_budget"].rows[0][1] == Decimal("1000000")


def test_every_page_exports_its_tables_to_excel(make_user: Any, data: Any) -> None:
    c = client_for(make_user("city", "city_reviewer"))
    for page in ["overview", "trade", "fund", "counties"]:
        r = c.get(f"/stats/export/{page}.xlsx?year=2026")
        assert r.status_code == 200, page
        wb = load_workbook(io.BytesIO(r.content))
        assert wb.sheetnames, page
    wb = load_workbook(io.BytesIO(c.get("/stats/export/trade.xlsx?year=2026").content))
    month = wb.worksheets[0]
    values = [row for row in month.iter_rows(values_only=True)]
    assert ("2026-03", 10000, 0, 10000) in values
    assert c.get("/stats/export/nonsense.xlsx").status_code == 403


def test_export_keeps_hostile_enterprise_names_as_text(make_user: Any, data: Any) -> None:
    from core.tests.excel_checks import HOSTILE, assert_safe_export
    from enterprises.models import Enterprise

    Enterprise.objects.filter(pk=data["ents"][3].pk).update(name=HOSTILE)
    c = client_for(make_user("city", "city_reviewer"))
    for page in ["overview", "trade", "fund", "counties"]:
        assert_safe_export(c.get(f"/stats/export/{page}.xlsx?year=2026"))
    assert_safe_export(c.get("/stats/export/trade.xlsx?year=2026"), expect=HOSTILE)


def test_bad_year_falls_back_with_a_message(make_user: Any, data: Any) -> None:
    c = client_for(make_user("city", "city_reviewer"))
    r = c.get("/stats/trade/?year=1999")
    assert r.status_code == 200 and "年度须在2024至2027之间" in r.content.decode()


def test_dashboard_in_english(make_user: Any, data: Any) -> None:
    c = client_for(make_user("city", "city_reviewer"))
    c.post("/i18n/setlang/", {"language": "en", "next": "/stats/overview/"})
    body = c.get("/stats/overview/?year=2026").content.decode()
    assert "Progress to the 2027 targets" in body and "Distinctive CBEC industry belts" in body
    assert "At risk" in body or "On track" in body
