from __future__ import annotations

import json

from django.test import Client

from enterprises import services
from enterprises.models import Enterprise
from enterprises.tests.conftest import bearer

BASE = "/api/v1/enterprises"


def _patch(client: Client, url: str, data: dict, auth: dict):
    return client.patch(url, json.dumps(data), content_type="application/json", **auth)


def test_requires_authentication(world) -> None:
    assert Client().get(BASE).status_code == 401


def test_list_scope_and_filters(world, make_enterprise) -> None:
    make_enterprise("丙平台公司", "donghai", kind="platform")
    client = Client()
    body = client.get(BASE, **bearer(world.reviewer)).json()
    assert body["count"] == 3 and len(body["items"]) == 3
    body = client.get(BASE, {"kind": "platform"}, **bearer(world.reviewer, "t2-0123456789")).json()
    assert [i["name"] for i in body["items"]] == ["丙平台公司"]
    body = client.get(BASE, {"limit": 1, "offset": 1}, **bearer(world.admin)).json()
    assert body["count"] == 3 and len(body["items"]) == 1
    officer = client.get(BASE, **bearer(world.ganyu_officer)).json()
    assert [i["id"] for i in officer["items"]] == [world.b.pk]
    own = client.get(BASE, **bearer(world.user_a)).json()
    assert [i["id"] for i in own["items"]] == [world.a.pk]
    assert client.get(BASE, **bearer(world.partner)).json() == {"count": 0, "items": []}


def test_get_detail_and_recognitions(world) -> None:
    services.recognition_add(actor=world.reviewer, enterprise=world.a, type="benchmark", year=2025)
    client = Client()
    auth = bearer(world.user_a)
    body = client.get(f"{BASE}/{world.a.pk}", **auth).json()
    assert body["uscc"] == world.a.uscc and body["county_code"] == "320722"
    recs = client.get(f"{BASE}/{world.a.pk}/recognitions", **auth).json()
    assert recs[0]["type"] == "benchmark" and recs[0]["type_label"] == "标杆跨境电商企业名单"


def test_enterprise_a_cannot_read_or_patch_b(world) -> None:
    client = Client()
    auth = bearer(world.user_a)
    response = client.get(f"{BASE}/{world.b.pk}", **auth)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"{BASE}/{world.b.pk}/recognitions", **auth).status_code == 404
    response = _patch(client, f"{BASE}/{world.b.pk}", {"contact_name": "入侵者"}, auth)
    assert response.status_code == 404
    assert Enterprise.objects.get(pk=world.b.pk).contact_name == ""


def test_county_officer_api_scope(world) -> None:
    client = Client()
    auth = bearer(world.donghai_officer)
    assert client.get(f"{BASE}/{world.b.pk}", **auth).status_code == 404
    assert _patch(client, f"{BASE}/{world.b.pk}", {"name": "x"}, auth).status_code == 404
    assert Enterprise.objects.get(pk=world.b.pk).name == "乙贸易有限公司"


def test_patch_visible_but_not_editable_is_403(world) -> None:
    client = Client()
    response = _patch(client, f"{BASE}/{world.a.pk}", {"contact_name": "x"}, bearer(world.finance))
    assert response.status_code == 403
    response = _patch(client, f"{BASE}/{world.a.pk}", {"status": "suspended"}, bearer(world.user_a))
    assert response.status_code == 403
    fresh = Enterprise.objects.get(pk=world.a.pk)
    assert fresh.contact_name == "" and fresh.status == "active"


def test_patch_own_profile_and_validation_error(world) -> None:
    client = Client()
    auth = bearer(world.user_a)
    response = _patch(
        client, f"{BASE}/{world.a.pk}", {"contact_name": "赵六", "first_cbec_year": 2021}, auth
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact_name"] == "赵六"
    response = _patch(
        client, f"{BASE}/{world.a.pk}", {"customs_code": "32", "contact_name": "钱七"}, auth
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "customs_code" in body["fields"]
    assert Enterprise.objects.get(pk=world.a.pk).contact_name == "赵六"


def test_city_reviewer_moves_county_by_code(world) -> None:
    client = Client()
    auth = bearer(world.reviewer)
    response = _patch(client, f"{BASE}/{world.a.pk}", {"county": "320707"}, auth)
    assert response.status_code == 200 and response.json()["county_code"] == "320707"
    response = _patch(client, f"{BASE}/{world.a.pk}", {"county": "999999"}, auth)
    assert response.status_code == 400


def test_belts_and_parks(world) -> None:
    services.industry_belt_save(
        actor=world.reviewer, name="东海水晶", county=world.counties["donghai"], products="水晶"
    )
    services.park_save(
        actor=world.reviewer, name="赣榆跨境电商产业园", county=world.counties["ganyu"]
    )
    client = Client()
    auth = bearer(world.user_a)
    belts = client.get(f"{BASE}/belts", **auth).json()
    assert belts[0]["name"] == "东海水晶" and belts[0]["county_code"] == "320722"
    parks = client.get(f"{BASE}/parks", **auth).json()
    assert parks[0]["county_name"] == "赣榆区"
