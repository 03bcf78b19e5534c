"""Warehouse services: validation, operator rights, status workflow, public recognition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from warehouses.models import OverseasWarehouse
from warehouses.services import (
    warehouse_create,
    warehouse_recognise,
    warehouse_set_status,
    warehouse_update,
)

pytestmark = pytest.mark.django_db


def test_operator_registers_own_warehouse_by_country_code(world: Any) -> None:
    w = warehouse_create(
        actor=world.user_a,
        operator=world.op_a,
        name="法兰克福仓",
        country="304",
        city="Frankfurt",
        area_m2="12,000.5",
        services="一件代发",
    )
    assert (w.country, w.area_m2, w.status) == (world.germany, Decimal("12000.50"), "planning")
    entry = AuditEntry.objects.get(action="warehouses.warehouse_create")
    assert entry.actor_id == world.user_a.pk


@pytest.mark.parametrize("who", ["user_b", "donghai_officer", "finance", "partner"])
def test_others_cannot_register_for_an_operator(world: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        warehouse_create(
            actor=getattr(world, who),
            operator=world.op_a,
            name="x",
            country="502",
            city="LA",
            area_m2=10,
        )
    assert OverseasWarehouse.objects.count() == 0


def test_create_validates_everything_at_once(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        warehouse_create(
            actor=world.reviewer,
            operator=world.op_a,
            name=" ",
            country="999",
            city="",
            area_m2="-3",
        )
    assert set(exc.value.message_dict) == {"name", "country", "city", "area_m2"}
    assert OverseasWarehouse.objects.count() == 0


def test_operating_needs_opening_date_and_date_not_in_future(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        warehouse_create(
            actor=world.reviewer,
            operator=world.op_a,
            name="a",
            country="502",
            city="LA",
            area_m2=10,
            status="operating",
        )
    assert "opened_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        warehouse_create(
            actor=world.reviewer,
            operator=world.op_a,
            name="a",
            country="502",
            city="LA",
            area_m2=10,
            status="operating",
            opened_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert OverseasWarehouse.objects.count() == 0


def test_duplicate_name_per_operator(world: Any, make_warehouse: Callable) -> None:
    make_warehouse("洛杉矶仓")
    with pytest.raises(ValidationError) as exc:
        make_warehouse("洛杉矶仓")
    assert "name" in exc.value.message_dict
    make_warehouse("洛杉矶仓", operator=world.op_b)  # another operator may use the name


def test_operator_edits_own_but_not_others(world: Any, make_warehouse: Callable) -> None:
    mine, theirs = make_warehouse("甲仓"), make_warehouse("乙仓", operator=world.op_b)
    warehouse_update(actor=world.user_a, warehouse=mine, area_m2="6000", services="退换货")
    mine.refresh_from_db()
    assert (mine.area_m2, mine.services) == (Decimal("6000.00"), "退换货")
    with pytest.raises(PermissionDenied):
        warehouse_update(actor=world.user_a, warehouse=theirs, area_m2="1")
    with pytest.raises(PermissionDenied):
        warehouse_update(actor=world.donghai_officer, warehouse=mine, area_m2="1")
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.area_m2 == Decimal("5000.00") and mine.area_m2 == Decimal("6000.00")


def test_update_refuses_status_and_recognition_fields(world: Any, make_warehouse: Callable) -> None:
    w = make_warehouse()
    with pytest.raises(ValidationError) as exc:
        warehouse_update(
            actor=world.user_a, warehouse=w, status="operating", public_recognition_year=2025
        )
    assert set(exc.value.message_dict) == {"status", "public_recognition_year"}
    w.refresh_from_db()
    assert (w.status, w.public_recognition_year) == ("planning", None)


def test_status_workflow_dates(world: Any, make_warehouse: Callable) -> None:
    w = make_warehouse()
    opened = timezone.localdate() - dt.timedelta(days=30)
    w = warehouse_set_status(actor=world.user_a, warehouse=w, status="operating", on=opened)
    assert (w.status, w.opened_on) == ("operating", opened)
    with pytest.raises(ValidationError, match="关闭日期不能早于"):
        warehouse_set_status(
            actor=world.user_a, warehouse=w, status="closed", on=opened - dt.timedelta(days=1)
        )
    w = warehouse_set_status(actor=world.user_a, warehouse=w, status="closed")
    assert w.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        warehouse_set_status(actor=world.user_a, warehouse=w, status="planning")
    w = warehouse_set_status(actor=world.reviewer, warehouse=w, status="operating")
    assert (w.opened_on, w.closed_on) == (opened, None)


def test_status_change_denied_to_other_operator(world: Any, make_warehouse: Callable) -> None:
    w = make_warehouse()
    with pytest.raises(PermissionDenied):
        warehouse_set_status(actor=world.user_b, warehouse=w, status="operating")
    w.refresh_from_db()
    assert w.status == "planning"


def test_recognition_city_only_and_operating_only(world: Any, make_warehouse: Callable) -> None:
    w = make_warehouse()
    with pytest.raises(ValidationError, match="运营中"):
        warehouse_recognise(actor=world.reviewer, warehouse=w, year=2025)
    warehouse_set_status(actor=None, warehouse=w, status="operating")
    for who in ("user_a", "donghai_officer", "finance"):
        with pytest.raises(PermissionDenied):
            warehouse_recognise(actor=getattr(world, who), warehouse=w, year=2025)
    w.refresh_from_db()
    assert w.public_recognition_year is None
    with pytest.raises(ValidationError):
        warehouse_recognise(actor=world.reviewer, warehouse=w, year=1990)
    w = warehouse_recognise(actor=world.reviewer, warehouse=w, year=2025)
    assert w.public_recognition_year == 2025
    w = warehouse_recognise(actor=world.reviewer, warehouse=w, year=None)
    assert w.public_recognition_year is None
    assert AuditEntry.objects.filter(action="warehouses.warehouse_recognise").count() == 2
