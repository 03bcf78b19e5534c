"""Industry belts and parks: services (audited, city level only) and the officers' pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from enterprises import place_selectors
from enterprises.models import IndustryBelt, Park
from enterprises.place_services import industry_belt_save, park_save
from enterprises.services import enterprise_update
from enterprises.tests.conftest import login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def belt(world: Any) -> IndustryBelt:
    return industry_belt_save(
        actor=None, name="东海水晶", county=world.counties["donghai"], products="水晶饰品"
    )


@pytest.fixture
def park(world: Any) -> Park:
    return park_save(actor=None, name="东海跨境电商产业园", county=world.counties["donghai"])


def test_belt_save_sets_year_and_leads_and_audits(world: Any, belt: IndustryBelt) -> None:
    saved = industry_belt_save(
        actor=world.reviewer,
        belt=belt,
        name="东海水晶",
        county=world.counties["donghai"],
        products="水晶饰品、工艺品",
        recognised_year=2025,
        lead_enterprises=[world.a, world.a.pk],
    )
    saved.refresh_from_db()
    assert saved.recognised_year == 2025
    assert list(saved.lead_enterprises.all()) == [world.a]
    entry = AuditEntry.objects.filter(action="enterprises.industry_belt_save").first()
    assert entry is not None and entry.after is not None and entry.before is not None
    assert entry.after["lead_enterprises"] == [world.a.pk]
    assert entry.before["recognised_year"] is None


def test_belt_save_keeps_new_fields_when_old_callers_omit_them(
    world: Any, belt: IndustryBelt
) -> None:
    industry_belt_save(
        actor=None,
        belt=belt,
        name=belt.name,
        county=belt.county,
        recognised_year=2024,
        lead_enterprises=[world.a],
    )
    industry_belt_save(actor=None, belt=belt, name=belt.name, county=belt.county, products="x")
    belt.refresh_from_db()
    assert belt.recognised_year == 2024 and belt.lead_enterprises.count() == 1


def test_belt_save_rejects_future_recognition_year(world: Any, belt: IndustryBelt) -> None:
    with pytest.raises(ValidationError) as exc:
        industry_belt_save(
            actor=world.reviewer,
            belt=belt,
            name=belt.name,
            county=belt.county,
            recognised_year=2099,
        )
    assert "recognised_year" in exc.value.message_dict
    belt.refresh_from_db()
    assert belt.recognised_year is None


@pytest.mark.parametrize("who", ["donghai_officer", "user_a", "finance", "partner"])
def test_belt_save_denied_below_city_level(world: Any, belt: IndustryBelt, who: str) -> None:
    count = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        industry_belt_save(
            actor=getattr(world, who),
            belt=belt,
            name="改名",
            county=belt.county,
            recognised_year=2025,
        )
    belt.refresh_from_db()
    assert (belt.name, belt.recognised_year) == ("东海水晶", None)
    assert AuditEntry.objects.count() == count


def test_park_save_operator_level_year(world: Any, park: Park) -> None:
    park_save(
        actor=world.admin,
        park=park,
        name=park.name,
        county=park.county,
        operator=world.b.pk,
        level="provincial",
        recognised_year=2025,
    )
    park.refresh_from_db()
    assert (park.operator, park.level, park.recognised_year) == (world.b, "provincial", 2025)


def test_park_save_rejects_bad_level_and_unknown_operator(world: Any, park: Park) -> None:
    with pytest.raises(ValidationError) as exc:
        park_save(actor=world.reviewer, park=park, name=park.name, county=park.county, level="x")
    assert "level" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        park_save(
            actor=world.reviewer, park=park, name=park.name, county=park.county, operator=999999
        )
    assert "operator" in exc.value.message_dict
    park.refresh_from_db()
    assert park.level == "" and park.operator is None


def test_park_save_denied_to_county_officer(world: Any, park: Park) -> None:
    count = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        park_save(
            actor=world.donghai_officer,
            park=park,
            name=park.name,
            county=park.county,
            level="national",
        )
    park.refresh_from_db()
    assert park.level == "" and AuditEntry.objects.count() == count


def test_park_members_follow_enterprise_park_and_registry_scope(world: Any, park: Park) -> None:
    enterprise_update(actor=world.reviewer, enterprise=world.a, park=park)
    enterprise_update(actor=world.reviewer, enterprise=world.b, park=park)
    listed = place_selectors.park_list_for(user=world.reviewer).get(pk=park.pk)
    assert listed.member_count == 2  # type: ignore[attr-defined]
    assert set(place_selectors.park_members_for(user=world.reviewer, park=park)) == {
        world.a,
        world.b,
    }
    assert list(place_selectors.park_members_for(user=world.donghai_officer, park=park)) == [
        world.a
    ]


def test_places_pages_list_detail_for_officers(world: Any, belt: IndustryBelt, park: Park) -> None:
    client = login_client(world.ganyu_officer)
    page = client.get(reverse("enterprises:belt_list"))
    assert page.status_code == 200 and "东海水晶" in page.content.decode()
    assert "新增产业带" not in page.content.decode()
    assert client.get(reverse("enterprises:belt_detail", args=[belt.pk])).status_code == 200
    assert client.get(reverse("enterprises:park_list")).status_code == 200
    assert client.get(reverse("enterprises:park_detail", args=[park.pk])).status_code == 200


@pytest.mark.parametrize("who", ["user_a", "partner"])
def test_places_pages_denied_to_enterprises_and_partners(
    world: Any, belt: IndustryBelt, who: str
) -> None:
    client = login_client(getattr(world, who))
    assert client.get(reverse("enterprises:belt_list")).status_code == 403
    assert client.get(reverse("enterprises:park_list")).status_code == 403
    assert client.get(reverse("enterprises:belt_detail", args=[belt.pk])).status_code == 403


def test_belt_edit_page_saves_leads_by_uscc(world: Any, belt: IndustryBelt) -> None:
    client = login_client(world.reviewer)
    response = client.post(
        reverse("enterprises:belt_edit", args=[belt.pk]),
        {
            "name": "东海水晶",
            "county": world.counties["donghai"].pk,
            "products": "水晶",
            "recognised_year": "2025",
            "lead_enterprises": f"{world.a.uscc.lower()}\n{world.b.uscc}",
        },
    )
    assert response.status_code == 302
    belt.refresh_from_db()
    assert set(belt.lead_enterprises.all()) == {world.a, world.b}
    assert belt.recognised_year == 2025


def test_belt_edit_page_unknown_uscc_changes_nothing(world: Any, belt: IndustryBelt) -> None:
    client = login_client(world.reviewer)
    response = client.post(
        reverse("enterprises:belt_edit", args=[belt.pk]),
        {
            "name": "改名",
            "county": world.counties["donghai"].pk,
            "lead_enterprises": "91320700000000000X",
        },
    )
    assert response.status_code == 400
    assert "未在企业档案中登记" in response.content.decode()
    belt.refresh_from_db()
    assert belt.name == "东海水晶" and belt.lead_enterprises.count() == 0


def test_park_create_page_and_denial(world: Any) -> None:
    data = {
        "name": "赣榆跨境电商产业园",
        "county": world.counties["ganyu"].pk,
        "operator": world.b.uscc,
        "level": "municipal",
        "recognised_year": "2024",
    }
    denied = login_client(world.ganyu_officer).post(reverse("enterprises:park_create"), data)
    assert denied.status_code == 403
    assert not Park.objects.filter(name="赣榆跨境电商产业园").exists()
    response = login_client(world.reviewer).post(reverse("enterprises:park_create"), data)
    assert response.status_code == 302
    park = Park.objects.get(name="赣榆跨境电商产业园")
    assert (park.operator, park.level, park.recognised_year) == (world.b, "municipal", 2024)


def test_duplicate_park_name_is_a_field_error(world: Any, park: Park) -> None:
    with pytest.raises(ValidationError) as exc:
        park_save(actor=world.reviewer, name=park.name, county=park.county)
    assert "已存在" in exc.value.message_dict["name"][0]


def test_place_demo_fills_details_once() -> None:
    from demo.loader import demo_load
    from enterprises.place_demo import load_demo

    demo_load(count=30)  # `ddt demo load` fills the place details itself …
    assert load_demo() == 0  # … so running this loader again changes nothing
    crystal = IndustryBelt.objects.get(name="东海水晶")
    assert crystal.recognised_year == 2024 and crystal.lead_enterprises.exists()
    park = Park.objects.get(name="东海县跨境电商产业园")
    assert park.level == "provincial" and park.operator is not None
    assert park.operator.kind == "park_operator"
