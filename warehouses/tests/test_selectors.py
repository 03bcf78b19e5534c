"""Warehouse visibility by role, and the operating counts the targets use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from warehouses.models import OverseasWarehouse
from warehouses.selectors import (
    operating_warehouse_count,
    public_warehouse_count,
    warehouse_get_for,
    warehouse_list_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(world: Any, make_warehouse: Callable) -> Any:
    d = dt.date
    world.op_a_running = make_warehouse("甲运营仓", status="operating", opened_on=d(2024, 5, 1))
    world.op_a_planned = make_warehouse("甲筹建仓", country=world.germany, city="Berlin")
    world.op_b_planned = make_warehouse("乙筹建仓", operator=world.op_b)
    return world


def names(qs: Any) -> set[str]:
    return {w.name for w in qs}


def test_visibility_by_role(three: Any) -> None:
    w = three
    everything = {"甲运营仓", "甲筹建仓", "乙筹建仓"}
    assert names(warehouse_list_for(user=w.reviewer)) == everything
    assert names(warehouse_list_for(user=w.finance)) == everything
    assert names(warehouse_list_for(user=w.user_a)) == {"甲运营仓", "甲筹建仓"}
    assert names(warehouse_list_for(user=w.user_b)) == {"甲运营仓", "乙筹建仓"}
    assert names(warehouse_list_for(user=w.ganyu_officer)) == {"甲运营仓", "乙筹建仓"}
    assert names(warehouse_list_for(user=w.partner)) == {"甲运营仓"}
    assert names(warehouse_list_for(user=None)) == set()
    with pytest.raises(Http404):
        warehouse_get_for(user=w.user_b, pk=w.op_a_planned.pk)


def test_filters(three: Any) -> None:
    w = three
    assert names(warehouse_list_for(user=w.reviewer, filters={"country": "304"})) == {"甲筹建仓"}
    assert names(warehouse_list_for(user=w.reviewer, filters={"status": "operating"})) == {
        "甲运营仓"
    }
    assert names(warehouse_list_for(user=w.user_b, filters={"mine": True})) == {"乙筹建仓"}
    assert names(warehouse_list_for(user=w.reviewer, filters={"q": "berlin"})) == {"甲筹建仓"}


def test_operating_count_over_time_and_by_county(three: Any) -> None:
    w = three
    OverseasWarehouse.objects.filter(pk=w.op_b_planned.pk).update(
        status="closed", opened_on=dt.date(2023, 1, 1), closed_on=dt.date(2025, 6, 30)
    )
    assert operating_warehouse_count() == 1
    assert operating_warehouse_count(on=dt.date(2024, 12, 31)) == 2
    assert operating_warehouse_count(on=dt.date(2024, 1, 1)) == 1  # only the closed one, then
    assert operating_warehouse_count(on=dt.date(2022, 12, 31)) == 0
    assert operating_warehouse_count(on=dt.date(2024, 12, 31), county=w.counties["ganyu"]) == 1
    assert operating_warehouse_count(county=w.counties["ganyu"]) == 0


def test_public_warehouse_count(three: Any) -> None:
    OverseasWarehouse.objects.filter(pk=three.op_a_running.pk).update(public_recognition_year=2025)
    assert public_warehouse_count() == 1
    assert public_warehouse_count(year=2024) == 0
    assert public_warehouse_count(county=three.counties["ganyu"]) == 0
