"""Warehouse pages and API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from warehouses.models import OverseasWarehouse

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_and_detail(world: Any, make_warehouse: Callable) -> None:
    w = make_warehouse("洛杉矶一号仓", status="operating", opened_on="2024-01-01")
    page = client_for(world.partner).get(reverse("warehouses:list"))
    assert page.status_code == 200 and "洛杉矶一号仓" in page.content.decode()
    detail = client_for(world.partner).get(reverse("warehouses:detail", args=[w.pk]))
    assert detail.status_code == 200 and "编辑" not in detail.content.decode()
    assert Client().get(reverse("warehouses:list")).status_code == 302


def test_operator_creates_through_page(world: Any) -> None:
    client = client_for(world.user_a)
    response = client.post(
        reverse("warehouses:create"),
        {
            "name": "汉堡仓",
            "country": world.germany.pk,
            "city": "Hamburg",
            "area_m2": "3000",
            "status": "planning",
        },
    )
    assert response.status_code == 302
    assert OverseasWarehouse.objects.get().operator == world.op_a


def test_city_reviewer_creates_for_operator_by_uscc(world: Any) -> None:
    response = client_for(world.reviewer).post(
        reverse("warehouses:create"),
        {
            "operator": world.op_b.uscc,
            "name": "纽约仓",
            "country": world.usa.pk,
            "city": "New York",
            "area_m2": "800",
            "status": "operating",
            "opened_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    assert OverseasWarehouse.objects.get().operator == world.op_b


def test_create_page_denied_to_county_officer(world: Any) -> None:
    assert client_for(world.donghai_officer).get(reverse("warehouses:create")).status_code == 403


def test_edit_page_denied_to_other_operator(world: Any, make_warehouse: Callable) -> None:
    w = make_warehouse(status="operating", opened_on="2024-01-01")
    response = client_for(world.user_b).post(
        reverse("warehouses:edit", args=[w.pk]),
        {"name": "改名", "country": world.usa.pk, "city": "x", "area_m2": "1"},
    )
    assert response.status_code == 403
    w.refresh_from_db()
    assert w.name == "洛杉矶仓"


def test_status_and_recognition_pages(world: Any, make_warehouse: Callable) -> None:
    w = make_warehouse()
    client_for(world.user_a).post(
        reverse("warehouses:status", args=[w.pk]), {"status": "operating"}
    )
    w.refresh_from_db()
    assert w.status == "operating"
    denied = client_for(world.user_a).post(
        reverse("warehouses:recognise", args=[w.pk]), {"year": "2025"}
    )
    assert denied.status_code == 403
    w.refresh_from_db()
    assert w.public_recognition_year is None
    client_for(world.reviewer).post(reverse("warehouses:recognise", args=[w.pk]), {"year": "2025"})
    w.refresh_from_db()
    assert w.public_recognition_year == 2025


def test_api_create_list_patch(world: Any) -> None:
    client = client_for(world.user_a)
    created = client.post(
        "/api/v1/warehouses",
        data=json.dumps({"name": "悉尼仓", "country": "601", "city": "Sydney", "area_m2": "1500"}),
        content_type="application/json",
    )
    assert created.status_code == 400  # Australia is not in the test code table
    created = client.post(
        "/api/v1/warehouses",
        data=json.dumps({"name": "洛杉矶仓", "country": "502", "city": "LA", "area_m2": "1500"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["country_code"], body["operator_id"]) == ("502", world.op_a.pk)
    other = client_for(world.user_b)
    assert other.get(f"/api/v1/warehouses/{body['id']}").status_code == 404  # planning: hidden
    denied = other.patch(
        f"/api/v1/warehouses/{body['id']}",
        data=json.dumps({"city": "x"}),
        content_type="application/json",
    )
    assert denied.status_code == 404
    patched = client.patch(
        f"/api/v1/warehouses/{body['id']}",
        data=json.dumps({"city": "Ontario"}),
        content_type="application/json",
    )
    assert patched.json()["city"] == "Ontario"
    listed = client_for(world.reviewer).get("/api/v1/warehouses?country=502").json()
    assert listed["count"] == 1


def test_api_create_for_other_operator_denied(world: Any) -> None:
    response = client_for(world.user_a).post(
        "/api/v1/warehouses",
        data=json.dumps(
            {
                "operator_id": world.op_b.pk,
                "name": "x",
                "country": "502",
                "city": "LA",
                "area_m2": "10",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 403 and OverseasWarehouse.objects.count() == 0


def test_edit_form_keeps_its_saved_date_in_chinese_and_english(
    world: Any, make_warehouse: Callable
) -> None:
    """A date input takes only ISO values: a saved 2025-02-01 must not render as 2025/02/01."""
    w = make_warehouse("东京仓", opened_on="2025-02-01")
    client = client_for(world.user_a)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        body = client.get(reverse("warehouses:edit", args=[w.pk])).content.decode()
        assert 'type="date"' in body and 'value="2025-02-01"' in body, language
        assert "2025/02/01" not in body and "02/01/2025" not in body, language
