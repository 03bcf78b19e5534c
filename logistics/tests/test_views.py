"""Pages: the list and timeline in scope, aggregates for officers, the public query, and the
``ddt logistics track`` command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from logistics import selectors, services
from logistics.models import Shipment
from logistics.tests.conftest import LOG_X, LOG_Y, T0, event, login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipments(world: Any) -> Any:
    services.carrier_events_push(
        actor=world.carrier_x,
        events=[
            event("LX1", "k1", "customs_released", at=T0),
            event("LX1", "k2", "departed_country", at=T0 + dt.timedelta(hours=10)),
            event("LX2", "k3", "customs_released", at=T0),
            event("LX2", "k4", "departed_country", at=T0 + dt.timedelta(hours=100)),
            event("LX2", "k5", "exception", at=T0 + dt.timedelta(hours=101), text="破损"),
        ],
    )
    services.carrier_events_push(
        actor=world.carrier_y, events=[event("LY1", "k1", "customs_released", company=LOG_Y)]
    )
    Shipment.objects.filter(logistics_no__in=["LX1", "LX2"]).update(
        enterprise=world.a, county=world.a.county
    )
    Shipment.objects.filter(logistics_no="LY1").update(enterprise=world.b, county=world.b.county)
    return {s.logistics_no: s for s in Shipment.objects.all()}


def test_enterprise_sees_its_own_list_and_timeline(world: Any, shipments: Any) -> None:
    client = login_client(world.user_a)
    page = client.get("/logistics/").content.decode()
    assert "LX1" in page and "LX2" in page and "LY1" not in page
    detail = client.get(f"/logistics/{shipments['LX1'].pk}/")
    assert detail.status_code == 200
    assert "已离境" in detail.content.decode()


def test_enterprise_cannot_open_another_enterprises_timeline(world: Any, shipments: Any) -> None:
    r = login_client(world.user_a).get(f"/logistics/{shipments['LY1'].pk}/")
    assert r.status_code == 404
    r = login_client(world.carrier_y).get(f"/logistics/{shipments['LX1'].pk}/")
    assert r.status_code == 404


def test_aggregates_by_county_and_month(world: Any, shipments: Any) -> None:
    rows = selectors.county_month_aggregates(user=world.reviewer, year=2026)
    by_county = {r.county_name: r for r in rows}
    dh = by_county["东海县"]
    assert (dh.month, dh.released, dh.departed, dh.on_time, dh.exceptions) == (
        "2026-03",
        2,
        2,
        1,
        1,
    )
    assert dh.on_time_share == 0.5
    assert dh.avg_release_to_departure_hours == 55.0
    assert by_county["赣榆区"].departed == 0
    own = selectors.county_month_aggregates(user=world.ganyu_officer, year=2026)
    assert [r.county_name for r in own] == ["赣榆区"]
    page = login_client(world.donghai_officer).get("/logistics/aggregates/?year=2026")
    assert page.status_code == 200 and "2026-03" in page.content.decode()


@pytest.mark.parametrize("who", ["user_a", "carrier_x", "bank"])
def test_aggregates_page_is_for_officers(world: Any, shipments: Any, who: str) -> None:
    assert login_client(getattr(world, who)).get("/logistics/aggregates/").status_code == 403


def test_public_page_shows_steps_only(world: Any, shipments: Any) -> None:
    page = Client().get("/logistics/track/?no=LX2").content.decode()
    assert "海关已放行" in page and "异常" in page
    assert "破损" not in page and LOG_X not in page and world.a.name not in page
    assert "未查询到" in Client().get("/logistics/track/?no=NOPE").content.decode()


def test_track_command_json(world: Any, shipments: Any) -> None:
    out = StringIO()
    call_command("logistics_track", "LX2", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"logistics_no", "logistics_code", "status", "events"}
    assert (data["logistics_no"], data["logistics_code"], data["status"]) == (
        "LX2",
        LOG_X,
        "exception",
    )
    assert [e["code"] for e in data["events"]] == [
        "customs_released",
        "departed_country",
        "exception",
    ]
    first = data["events"][0]
    assert set(first) == {"at", "code", "source", "text"}
    assert first["source"] == "carrier"
    assert dt.datetime.fromisoformat(first["at"]) == T0
    assert first["at"].endswith("+08:00")


def test_track_command_table_and_unknown(world: Any, shipments: Any) -> None:
    out = StringIO()
    call_command("logistics_track", "LX1", "--format", "table", stdout=out)
    assert "departed_country" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("logistics_track", "NOPE", stdout=StringIO())


def test_pages_in_english(world: Any, shipments: Any) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/logistics/track/?no=LX2").content.decode()
    assert "Waybill query" in page and "Released by customs" in page
    client = login_client(world.user_a)
    client.cookies["django_language"] = "en"
    page = client.get(f"/logistics/{shipments['LX2'].pk}/").content.decode()
    assert "Timeline" in page and "Departed the country" in page
