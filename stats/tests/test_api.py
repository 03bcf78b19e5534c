"""Authenticated statistics API: same scope as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def token_client(make_user: Any, username: str, role: str, **kw: Any) -> Client:
    from accounts.services import api_token_create

    user = make_user(username, role, **kw)
    _token, raw = api_token_create(actor=user, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def trade(counties: Any, make_enterprise: Any, add_trade: Any) -> None:
    add_trade(make_enterprise(counties["donghai"]), 202603, "100")
    add_trade(make_enterprise(counties["ganyu"]), 202603, "200")


def test_city_targets_and_tables(make_user: Any, trade: None) -> None:
    c = token_client(make_user, "city", "city_reviewer")
    r = c.get("/api/v1/stats/targets?year=2026")
    assert r.status_code == 200
    rows = {t["id"]: t for t in r.json()}
    assert rows["cbec_trade"]["current"] == "300.00" and len(rows) == 11
    tables = c.get("/api/v1/stats/tables/trade?year=2026").json()
    month = next(t for t in tables if t["key"] == "trade_month")
    assert ["2026-03", "300.00", "0.00", "300.00"] in month["rows"]


def test_county_officer_scope_and_denial(make_user: Any, counties: Any, trade: None) -> None:
    c = token_client(make_user, "dh", "county_officer", county=counties["donghai"])
    rows = {t["id"]: t for t in c.get("/api/v1/stats/targets?year=2026").json()}
    assert rows["cbec_trade"]["current"] == "100.00"
    r = c.get("/api/v1/stats/targets?year=2026&county=320707")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert c.get("/api/v1/stats/tables/counties?year=2026").status_code == 403


def test_partner_and_anonymous_refused(make_user: Any, trade: None) -> None:
    c = token_client(make_user, "bank", "partner", partner_kind="bank")
    assert c.get("/api/v1/stats/targets").status_code == 403
    assert c.get("/api/v1/stats/tables/own").status_code == 403
    assert Client().get("/api/v1/stats/targets").status_code == 401
    assert Client().get("/api/v1/stats/open/trade").status_code == 200
