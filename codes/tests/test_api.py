from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.services import api_token_create
from codes.loaders import LoadResult

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/codes/counties",
        "/api/v1/codes/countries",
        "/api/v1/codes/currencies",
        "/api/v1/codes/units",
        "/api/v1/codes/supervision-modes",
        "/api/v1/codes/holidays?year=2025",
        "/api/v1/codes/working-days/add?date=2025-09-30&n=1",
        "/api/v1/codes/working-days/check?date=2025-09-30",
    ],
)
def test_authentication_is_required(
    client: Client, code_tables: list[LoadResult], path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_enterprise_user_reads_the_lists_with_a_token(
    client: Client, users: dict[str, Any]
) -> None:
    user = users["enterprise"]
    _token, raw = api_token_create(actor=user, user=user, name="codes")
    headers = {"Authorization": f"Bearer {raw}"}
    counties = client.get("/api/v1/codes/counties", headers=headers).json()
    assert [c["code"] for c in counties][:3] == ["320703", "320706", "320707"]
    assert counties[-1] == {
        "code": "3207X2",
        "name": "云台山景区",
        "name_en": "Yuntaishan Scenic Area",
        "kind": "zone",
        "official": False,
        "sort_order": 10,
    }
    countries = {
        c["customs_code"]: c for c in client.get("/api/v1/codes/countries", headers=headers).json()
    }
    assert (countries["142"]["iso_alpha3"], countries["142"]["iso_numeric"]) == ("CHN", "156")
    currencies = {
        c["customs_code"]: c for c in client.get("/api/v1/codes/currencies", headers=headers).json()
    }
    assert (currencies["502"]["iso_alpha"], currencies["502"]["iso_numeric"]) == ("USD", "840")
    units = client.get("/api/v1/codes/units", headers=headers).json()
    assert {"code": "035", "name": "千克", "name_en": "Kilogram"} in units
    modes = client.get("/api/v1/codes/supervision-modes", headers=headers).json()
    assert {m["code"]: m["is_cbec"] for m in modes}["9610"] is True


def test_holidays_by_year(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["partner"])
    rows = client.get("/api/v1/codes/holidays", {"year": "2025"}).json()
    assert len(rows) == 33
    assert {
        "date": "2025-09-28",
        "kind": "workday",
        "name": "国庆节、中秋节",
        "provisional": False,
    } in rows
    provisional = client.get("/api/v1/codes/holidays", {"year": "2027"}).json()
    assert provisional and all(r["provisional"] for r in provisional)
    assert len(client.get("/api/v1/codes/holidays").json()) == 123


def test_working_days(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["county_officer"])
    data = client.get("/api/v1/codes/working-days/add", {"date": "2025-09-30", "n": "1"}).json()
    assert data == {"start": "2025-09-30", "n": 1, "date": "2025-10-09"}
    data = client.get("/api/v1/codes/working-days/add", {"date": "2025-10-09", "n": "-1"}).json()
    assert data["date"] == "2025-09-30"
    check = client.get("/api/v1/codes/working-days/check", {"date": "2025-09-28"}).json()
    assert check == {"date": "2025-09-28", "is_working_day": True}


def test_working_days_outside_loaded_years_is_400(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["enterprise"])
    response = client.get("/api/v1/codes/working-days/add", {"date": "2027-12-30", "n": "5"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "2028" in body["message"]
    bad = client.get("/api/v1/codes/working-days/add", {"date": "2025-13-01", "n": "1"})
    assert bad.status_code == 422
