"""Demo overseas warehouses, run by the demo's warehouse-operator enterprises.

Idempotent: warehouses are keyed by (operator, name); what exists is left alone. Call after the
registry demo (``ddt demo load``), which creates the operators.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from codes.models import Country
from enterprises.models import Enterprise, EnterpriseKind
from warehouses.models import OverseasWarehouse, WarehouseStatus
from warehouses.services import warehouse_create, warehouse_recognise, warehouse_set_status

# (name, customs country code, city, area m², services, status, opened, public recognition year)
WAREHOUSES: list[tuple[str, str, str, int, str, str, str | None, int | None]] = [
    (
        "洛杉矶安大略仓",
        "502",
        "Ontario, CA",
        18000,
        "一件代发、FBA 中转、退换货",
        "operating",
        "2021-06-01",
        2025,
    ),
    ("新泽西仓", "502", "Edison, NJ", 9000, "一件代发、贴标换标", "operating", "2023-03-15", None),
    (
        "法兰克福仓",
        "304",
        "Frankfurt",
        12000,
        "一件代发、退货翻新",
        "operating",
        "2022-09-01",
        2025,
    ),
    ("汉堡港口仓", "304", "Hamburg", 6500, "海运拼箱、清关", "operating", "2024-04-10", None),
    ("华沙仓", "327", "Warsaw", 8000, "中欧班列到港分拨", "operating", "2023-11-20", 2026),
    (
        "阿拉木图仓",
        "145",
        "Almaty",
        15000,
        "中亚班列分拨、海外展示",
        "operating",
        "2020-08-08",
        2025,
    ),
    ("迪拜杰贝阿里仓", "138", "Dubai", 7000, "中东分拨、B2B 备货", "operating", "2024-10-01", None),
    ("莫斯科仓", "344", "Moscow", 10000, "一件代发", "operating", "2022-05-05", None),
    ("东京仓", "116", "Tokyo", 3000, "一件代发、退换货", "operating", "2025-02-01", None),
    ("新加坡仓", "132", "Singapore", 4000, "东南亚分拨", "planning", None, None),
    ("悉尼仓", "601", "Sydney", 5000, "一件代发", "planning", None, None),
    ("伦敦仓", "303", "London", 3500, "一件代发", "closed", "2021-01-10", None),
]


@transaction.atomic
def load_demo() -> int:
    """Create the demo warehouses; return how many were created."""
    operators = list(
        Enterprise.objects.filter(kind=EnterpriseKind.WAREHOUSE_OPERATOR).order_by("uscc")
    )
    if not operators:
        return 0
    countries = {c.customs_code: c for c in Country.objects.all()}
    created = 0
    for i, (name, code, city, area, services, status, opened, year) in enumerate(WAREHOUSES):
        operator = operators[i % len(operators)]
        if code not in countries:
            continue
        if OverseasWarehouse.objects.filter(operator=operator, name=name).exists():
            continue
        w = warehouse_create(
            actor=None,
            operator=operator,
            name=name,
            country=countries[code],
            city=city,
            area_m2=area,
            services=services,
            capacity_notes="演示数据",
        )
        if opened:
            w = warehouse_set_status(
                actor=None,
                warehouse=w,
                status=WarehouseStatus.OPERATING,
                on=dt.date.fromisoformat(opened),
            )
        if status == WarehouseStatus.CLOSED:
            w = warehouse_set_status(
                actor=None, warehouse=w, status=WarehouseStatus.CLOSED, on=dt.date(2024, 12, 31)
            )
        if year:
            warehouse_recognise(actor=None, warehouse=w, year=year)
        created += 1
    return created
