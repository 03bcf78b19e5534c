"""The logistics API: carrier pushes with a bearer token, scoped reads, the public query."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.services import api_token_create
from logistics import services
from logistics.models import Shipment, ShipmentEvent
from logistics.tests.conftest import CODE_A, LOG_X, LOG_Y, event, login_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/logistics/events"


def bearer(user: Any, scope: str = "write") -> Client:
    _row, raw = api_token_create(actor=None, user=user, name="t", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, events: list[dict[str, Any]]) -> Any:
    return client.post(URL, json.dumps({"events": events}), content_type="application/json")


def test_push_with_a_bearer_token(world: Any) -> None:
    client = bearer(world.carrier_x)
    r = post(client, [event("LX1", "k1"), event("LX1", "k2", "departed_origin")])
    assert r.status_code == 200, r.content
    assert r.json() == {"received": 2, "stored": 2, "duplicates": 0, "shipments_created": 1}
    again = post(client, [event("LX1", "k1")])
    assert again.json()["duplicates"] == 1
    assert ShipmentEvent.objects.count() == 2


def test_push_for_another_company_is_refused(world: Any) -> None:
    r = post(bearer(world.carrier_x), [event("LY1", "k1", company=LOG_Y)])
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert not Shipment.objects.exists() and not ShipmentEvent.objects.exists()


def test_push_needs_a_write_token_of_a_logistics_partner(world: Any) -> None:
    assert post(Client(), [event("LX1", "k1")]).status_code == 401
    assert post(bearer(world.carrier_x, "read"), [event("LX1", "k1")]).status_code == 403
    assert post(bearer(world.bank), [event("LX1", "k1")]).status_code == 403
    assert post(bearer(world.user_a), [event("LX1", "k1", company=CODE_A)]).status_code == 403
    assert post(bearer(world.carrier_unbound), [event("LX1", "k1")]).status_code == 403
    assert not ShipmentEvent.objects.exists()


def test_batch_over_the_limit_is_refused(world: Any) -> None:
    events = [event(f"LX{i}", f"k{i}") for i in range(services.MAX_BATCH + 1)]
    r = post(bearer(world.carrier_x), events)
    assert r.status_code == 422
    assert not ShipmentEvent.objects.exists()


def test_bad_event_is_a_400_and_stores_nothing(world: Any) -> None:
    r = post(bearer(world.carrier_x), [event("LX1", "k1"), event("LX2", "k2", "beamed")])
    assert r.status_code == 400
    assert "events[1].code" in r.json()["fields"]
    assert not ShipmentEvent.objects.exists()


def _two_shipments(world: Any) -> tuple[Shipment, Shipment]:
    services.carrier_events_push(actor=world.carrier_x, events=[event("LX1", "k1")])
    services.carrier_events_push(actor=world.carrier_y, events=[event("LY1", "k1", company=LOG_Y)])
    x = Shipment.objects.get(logistics_no="LX1")
    y = Shipment.objects.get(logistics_no="LY1")
    Shipment.objects.filter(pk=x.pk).update(enterprise=world.a, county=world.a.county)
    Shipment.objects.filter(pk=y.pk).update(enterprise=world.b, county=world.b.county)
    return x, y


def test_reads_are_scoped(world: Any) -> None:
    _two_shipments(world)

    def seen(user: Any) -> set[str]:
        r = login_client(user).get("/api/v1/logistics/shipments")
        assert r.status_code == 200
        return {s["logistics_no"] for s in r.json()["items"]}

    assert seen(world.user_a) == {"LX1"}
    assert seen(world.user_b) == {"LY1"}
    assert seen(world.carrier_x) == {"LX1"}
    assert seen(world.carrier_y) == {"LY1"}
    assert seen(world.donghai_officer) == {"LX1"}
    assert seen(world.reviewer) == {"LX1", "LY1"}
    assert seen(world.bank) == set()
    assert seen(world.carrier_unbound) == set()


def test_an_enterprise_cannot_open_another_enterprises_shipment(world: Any) -> None:
    x, y = _two_shipments(world)
    client = login_client(world.user_a)
    assert client.get(f"/api/v1/logistics/shipments/{y.pk}").status_code == 404
    assert (
        login_client(world.carrier_x).get(f"/api/v1/logistics/shipments/{y.pk}").status_code == 404
    )
    r = client.get(f"/api/v1/logistics/shipments/{x.pk}")
    assert r.status_code == 200
    assert [e["code"] for e in r.json()["events"]] == ["picked_up"]


def test_public_query_shows_only_status_steps(world: Any) -> None:
    _two_shipments(world)
    services.carrier_events_push(
        actor=world.carrier_x, events=[event("LX1", "k9", "exception", text="张三 解放路1号 ¥99")]
    )
    Shipment.objects.filter(logistics_no="LX1").update(order_no="ORD-SECRET")
    r = Client().get("/api/v1/logistics/track/LX1")
    assert r.status_code == 200
    body = r.json()
    assert [set(step) for step in body] == [{"code", "label", "at"}] * 2
    assert [step["code"] for step in body] == ["picked_up", "exception"]
    text = r.content.decode()
    for secret in ("ORD-SECRET", "张三", "解放路", "99", LOG_X, world.a.name):
        assert secret not in text
    assert Client().get("/api/v1/logistics/track/NOPE").json() == []


def test_aggregates_only_for_officers(world: Any) -> None:
    assert login_client(world.user_a).get("/api/v1/logistics/aggregates").json() == []
    assert login_client(world.carrier_x).get("/api/v1/logistics/aggregates").json() == []
