"""The warehouses demo: a dozen warehouses run by the demo operators, idempotent."""

from __future__ import annotations

import pytest

from demo.loader import demo_load
from enterprises.models import EnterpriseKind
from warehouses.demo import WAREHOUSES, load_demo
from warehouses.models import OverseasWarehouse
from warehouses.selectors import operating_warehouse_count, public_warehouse_count

pytestmark = pytest.mark.django_db


def test_warehouses_demo_loads_once() -> None:
    demo_load(count=30)  # `ddt demo load` creates the warehouses itself …
    assert OverseasWarehouse.objects.count() == len(WAREHOUSES)
    assert load_demo() == 0  # … so running this loader again changes nothing
    qs = OverseasWarehouse.objects.all()
    assert {w.operator.kind for w in qs} == {EnterpriseKind.WAREHOUSE_OPERATOR}
    assert qs.values("country").distinct().count() >= 8
    assert operating_warehouse_count() == 9
    assert public_warehouse_count() == 4
