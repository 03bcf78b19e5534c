"""Fixtures of the warehouse tests: countries, two operators, one user per role."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from codes.models import Country
from enterprises.demo import generate_uscc
from enterprises.services import enterprise_create
from warehouses.models import OverseasWarehouse
from warehouses.services import warehouse_create


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> Any:
    rng = random.Random(5)
    w = SimpleNamespace(counties=counties)
    w.usa, _ = Country.objects.get_or_create(
        customs_code="502", defaults={"name": "美国", "name_en": "United States"}
    )
    w.germany, _ = Country.objects.get_or_create(
        customs_code="304", defaults={"name": "德国", "name_en": "Germany"}
    )
    w.op_a = enterprise_create(
        actor=None,
        name="甲海外仓公司",
        county=counties["donghai"],
        kind="warehouse_operator",
        uscc=generate_uscc(rng, "320722"),
    )
    w.op_b = enterprise_create(
        actor=None,
        name="乙海外仓公司",
        county=counties["ganyu"],
        kind="warehouse_operator",
        uscc=generate_uscc(rng, "320707"),
    )
    w.user_a = make_user("op_a", "enterprise", enterprise=w.op_a)
    w.user_b = make_user("op_b", "enterprise", enterprise=w.op_b)
    w.donghai_officer = make_user("officer_dh", "county_officer", county=counties["donghai"])
    w.ganyu_officer = make_user("officer_gy", "county_officer", county=counties["ganyu"])
    w.reviewer = make_user("reviewer", "city_reviewer")
    w.finance = make_user("finance", "finance_officer")
    w.partner = make_user("wh1", "partner", partner_kind="warehouse")
    return w


@pytest.fixture
def make_warehouse(world: Any) -> Callable[..., OverseasWarehouse]:
    def _make(name: str = "洛杉矶仓", operator: Any = None, **values: Any) -> OverseasWarehouse:
        values.setdefault("country", world.usa)
        values.setdefault("city", "Los Angeles")
        values.setdefault("area_m2", "5000")
        return warehouse_create(actor=None, operator=operator or world.op_a, name=name, **values)

    return _make
