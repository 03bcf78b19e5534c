"""Event pages and API: the same rules through HTTP, denials change nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.conftest import shift_start
from events.tests.test_attendance import sheet

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_and_detail_for_any_logged_in_user(world: Any, make_event: Callable) -> None:
    event = make_event(title="东海水晶直播培训")
    client = client_for(world.user_b)
    page = client.get(reverse("events:list"))
    assert page.status_code == 200 and "东海水晶直播培训" in page.content.decode()
    detail = client.get(reverse("events:detail", args=[event.pk]))
    assert detail.status_code == 200
    assert event.check_in_code not in detail.content.decode()  # only managers see the code
    manager = client_for(world.donghai_officer).get(reverse("events:detail", args=[event.pk]))
    assert event.check_in_code in manager.content.decode()


def test_anonymous_is_sent_to_login(make_event: Callable) -> None:
    response = Client().get(reverse("events:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_publish_page_for_county_officer_limits_county(world: Any) -> None:
    client = client_for(world.donghai_officer)
    form = client.get(reverse("events:create")).content.decode()
    assert "东海县" in form and "赣榆区" not in form
    start = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "title": "穿戴甲出海沙龙",
        "kind": "salon",
        "starts_at": start,
        "county": world.counties["ganyu"].pk,
        "organiser": "东海县商务局",
        "capacity": "30",
    }
    denied = client.post(reverse("events:create"), data)
    assert denied.status_code == 400 and Event.objects.count() == 0
    data["county"] = world.counties["donghai"].pk
    assert client.post(reverse("events:create"), data).status_code == 302
    assert Event.objects.get().county == world.counties["donghai"]


def test_publish_page_denied_to_enterprise_user(world: Any) -> None:
    client = client_for(world.user_a)
    assert client.get(reverse("events:create")).status_code == 403
    assert Event.objects.count() == 0


def test_register_through_the_page_and_full_event(world: Any, make_event: Callable) -> None:
    event = make_event(capacity=1)
    url = reverse("events:register", args=[event.pk])
    ok = client_for(world.user_a).post(url, {"name": "甲", "phone": "13900000001"})
    assert ok.status_code == 302
    full = client_for(world.user_b).post(url, {"name": "乙", "phone": "13900000003"})
    assert full.status_code == 400 and "名额已满" in full.content.decode()
    assert event.registrations.count() == 1
    denied = client_for(world.reviewer).post(url, {"name": "丙", "phone": "13900000009"})
    assert denied.status_code == 403 and event.registrations.count() == 1


def test_check_in_page(world: Any, make_event: Callable) -> None:
    event = shift_start(make_event(), -dt.timedelta(days=7))
    client = client_for(world.user_a)
    bad = client.post(reverse("events:check_in"), {"code": "WRONG1"})
    assert bad.status_code == 400 and "签到码无效" in bad.content.decode()
    ok = client.post(reverse("events:check_in"), {"code": event.check_in_code})
    assert ok.status_code == 302
    assert event.registrations.get(user=world.user_a).attended


def test_registrations_page_and_import_denied_to_other_county(
    world: Any, make_event: Callable
) -> None:
    event = shift_start(make_event(), -dt.timedelta(days=8))
    client = client_for(world.ganyu_officer)
    assert client.get(reverse("events:registrations", args=[event.pk])).status_code == 403
    upload = sheet(("张三", "13800000001"))
    upload.name = "s.xlsx"
    response = client.post(reverse("events:attendance_import", args=[event.pk]), {"file": upload})
    assert response.status_code == 403 and event.registrations.count() == 0


def test_import_page_reports_errors_and_then_succeeds(world: Any, make_event: Callable) -> None:
    event = shift_start(make_event(), -dt.timedelta(days=8))
    client = client_for(world.donghai_officer)
    url = reverse("events:attendance_import", args=[event.pk])
    bad = sheet(("张三", "13800000001"), ("李四", "abc"))
    bad.name = "s.xlsx"
    response = client.post(url, {"file": bad})
    assert response.status_code == 400 and "第 3 行" in response.content.decode()
    assert event.registrations.count() == 0
    good = sheet(("张三", "13800000001"))
    good.name = "s.xlsx"
    assert client.post(url, {"file": good}).status_code == 302
    assert event.registrations.filter(attended=True).count() == 1
    export = client.get(reverse("events:registrations", args=[event.pk]) + "?format=xlsx")
    assert export.status_code == 200 and export.content.startswith(b"PK")


def test_registration_export_and_template_are_safe(world: Any, make_event: Callable) -> None:
    from core.tests.excel_checks import HOSTILE, assert_safe_export

    event = shift_start(make_event(), -dt.timedelta(days=8))
    event.registrations.create(name="=1+1", phone="+8613800000001", organisation=HOSTILE)
    client = client_for(world.donghai_officer)
    url = reverse("events:registrations", args=[event.pk]) + "?format=xlsx"
    values = assert_safe_export(client.get(url), expect=HOSTILE)
    assert "'=1+1" in values and "'+8613800000001" in values
    assert_safe_export(client.get(reverse("events:attendance_template")))


def test_cancel_event_page(world: Any, make_event: Callable) -> None:
    event = make_event()
    url = reverse("events:status", args=[event.pk])
    assert client_for(world.user_a).post(url, {"status": "cancelled"}).status_code == 403
    event.refresh_from_db()
    assert event.status == "published"
    client_for(world.reviewer).post(url, {"status": "cancelled"})
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_my_registrations_page(world: Any, make_event: Callable) -> None:
    event = make_event(title="我的培训")
    client = client_for(world.user_a)
    client.post(reverse("events:register", args=[event.pk]), {"name": "甲", "phone": "13900000001"})
    assert "我的培训" in client.get(reverse("events:mine")).content.decode()


# --- API ---


def api(client: Client, method: str, path: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(f"/api/v1/events{path}", **kwargs)


def test_api_publish_register_check_in_and_figures(world: Any) -> None:
    start = timezone.now() + dt.timedelta(days=2)
    officer = client_for(world.reviewer)
    created = api(
        officer,
        "post",
        "",
        {
            "title": "对接会",
            "kind": "matchmaking",
            "starts_at": start.isoformat(),
            "organiser": "市商务局",
            "capacity": 2,
            "county": "320722",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["county_code"] == "320722" and len(body["check_in_code"]) == 6
    event_id = body["id"]
    reg = api(client_for(world.user_a), "post", f"/{event_id}/registrations", {})
    assert reg.status_code == 201 and reg.json()["phone"] == "13900000001"
    dup = api(client_for(world.user_a), "post", f"/{event_id}/registrations", {})
    assert dup.status_code == 400 and dup.json()["code"]
    listed = api(officer, "get", f"/{event_id}/registrations")
    assert [r["name"] for r in listed.json()] == ["ent_a"]
    assert api(client_for(world.user_b), "get", f"/{event_id}/registrations").status_code == 403
    Event.objects.filter(pk=event_id).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    code = body["check_in_code"]
    checked = api(client_for(world.user_a), "post", "/check-in", {"code": code})
    assert checked.status_code == 200 and checked.json()["registration"]["attended"]
    year = timezone.localtime(timezone.now() - dt.timedelta(minutes=1)).year
    figures = api(officer, "get", f"/figures?year={year}&county=320722").json()
    assert figures["matchmaking_events"] == 1 and figures["training_person_times"] == 0


def test_api_publish_denied_to_enterprise(world: Any) -> None:
    response = api(
        client_for(world.user_a),
        "post",
        "",
        {
            "title": "t",
            "kind": "training",
            "starts_at": timezone.now().isoformat(),
            "organiser": "o",
            "capacity": 2,
        },
    )
    assert response.status_code == 403 and Event.objects.count() == 0


def test_api_list_hides_check_in_code(world: Any, make_event: Callable) -> None:
    make_event()
    items = api(client_for(world.user_b), "get", "").json()["items"]
    assert len(items) == 1 and "check_in_code" not in items[0]


def test_finishing_and_cancelling_an_event_ask_first(world: Any, make_event: Callable) -> None:
    """The buttons carry data-confirm (app.js asks; cancelling the dialog sends nothing)."""
    import time_machine

    event = make_event(days=1)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        page = client_for(world.reviewer).get(reverse("events:detail", args=[event.pk]))
    html = page.content.decode()
    assert 'value="finished" class="btn secondary" data-confirm>' in html
    assert 'value="cancelled" class="btn danger" data-confirm>' in html
