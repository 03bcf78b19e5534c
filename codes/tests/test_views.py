from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from audit.models import AuditEntry
from codes.loaders import LoadResult
from codes.models import County, Holiday

pytestmark = pytest.mark.django_db


def test_administrator_sees_the_index_with_versions_and_edit_links(
    client: Client, users: dict[str, Any]
) -> None:
    client.force_login(users["administrator"])
    response = client.get("/codes/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026.1" in html and "2024.1" in html
    assert "/admin/codes/holiday/" in html
    assert "/codes/countries/" in html


def test_city_reviewer_sees_the_index_without_edit_links(
    client: Client, users: dict[str, Any]
) -> None:
    client.force_login(users["city_reviewer"])
    response = client.get("/codes/")
    assert response.status_code == 200
    assert "/admin/codes/" not in response.content.decode()


@pytest.mark.parametrize("role", ["enterprise", "county_officer", "finance_officer", "partner"])
def test_other_roles_get_403(client: Client, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    assert client.get("/codes/").status_code == 403
    assert client.get("/codes/countries/").status_code == 403


def test_anonymous_is_sent_to_login(client: Client, code_tables: list[LoadResult]) -> None:
    response = client.get("/codes/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_browse_search_and_paginate(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["city_reviewer"])
    html = client.get("/codes/countries/", {"q": "日本"}).content.decode()
    assert "116" in html and "JPN" in html and "美国" not in html
    page2 = client.get("/codes/countries/", {"page": 2}).content.decode()
    assert "第 2 / 5 页" in page2
    holidays = client.get("/codes/holidays/", {"q": "2025-10"}).content.decode()
    assert "国庆节、中秋节" in holidays and "调休上班" in holidays
    assert client.get("/codes/ports/").status_code == 404


def test_admin_edit_goes_through_the_service(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["administrator"])
    county = County.objects.get(code="3207X2")
    response = client.post(
        f"/admin/codes/county/{county.pk}/change/",
        {
            "name": "云台山景区",
            "name_en": "Yuntai Mountain Scenic Area",
            "kind": "zone",
            "sort_order": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    county.refresh_from_db()
    assert county.name_en == "Yuntai Mountain Scenic Area" and county.official is False
    entry = AuditEntry.objects.get(action="codes.counties.update")
    assert entry.actor_id == users["administrator"].pk


def test_admin_form_shows_rule_errors(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["administrator"])
    response = client.post(
        "/admin/codes/currency/add/",
        {"customs_code": "998", "name": "测试", "name_en": "Test", "iso_alpha": "TST",
         "iso_numeric": "142", "notes": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "156" in response.content.decode()
    assert not AuditEntry.objects.filter(action="codes.currencies.create").exists()


def test_admin_holiday_add_and_delete_are_audited(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["administrator"])
    response = client.post(
        "/admin/codes/holiday/add/",
        {"date": "2027-02-04", "kind": "holiday", "name": "春节"},
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date="2027-02-04")
    assert AuditEntry.objects.filter(action="codes.holiday_set").count() == 1
    response = client.post(f"/admin/codes/holiday/{holiday.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Holiday.objects.filter(date="2027-02-04").exists()
    assert AuditEntry.objects.filter(action="codes.holiday_delete").count() == 1


def test_code_table_versions_are_read_only_in_admin(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["administrator"])
    assert client.get("/admin/codes/codetableversion/").status_code == 200
    assert client.get("/admin/codes/codetableversion/add/").status_code == 403
