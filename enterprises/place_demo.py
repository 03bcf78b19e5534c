"""Demo details of the registry's belts and parks: recognition years, lead enterprises,
park operators and levels. Idempotent: only empty details are filled in.

Call after the registry demo (``ddt demo load``), which creates the belts, parks and enterprises.
"""

from __future__ import annotations

from django.db import transaction

from enterprises.models import (
    Enterprise,
    EnterpriseKind,
    IndustryBelt,
    Park,
    RecognitionLevel,
)
from enterprises.place_services import industry_belt_save, park_save

# Belt name → year the bureau counts it as a distinctive CBEC industry belt (None: candidate).
BELT_YEARS: dict[str, int | None] = {
    "东海水晶": 2024,
    "东海穿戴甲": 2025,
    "灌云主题服饰": 2024,
    "赣榆海产品": 2025,
    "海州美妆个护": 2025,
    "连云特色糖果": 2026,
    "灌南生活用纸": 2026,
    "开发区汽车零配件": 2025,
    "高新区宠物用品": None,
    "徐圩新材料": None,
}
# Park name → (level, recognition year).
PARK_DETAILS: dict[str, tuple[str, int | None]] = {
    "东海县跨境电商产业园": (RecognitionLevel.PROVINCIAL, 2024),
    "赣榆海头电商产业园": (RecognitionLevel.PROVINCIAL, 2025),
    "灌云主题服饰跨境电商集聚区": (RecognitionLevel.MUNICIPAL, 2025),
    "连云港综合保税区跨境电商园": (RecognitionLevel.MUNICIPAL, 2026),
    "海州跨境电商创新园": (RecognitionLevel.MUNICIPAL, 2026),
    "高新区数字贸易产业园": ("", None),
}
LEADS_PER_BELT = 2


@transaction.atomic
def load_demo() -> int:
    """Fill in belt and park details; return how many places were changed."""
    changed = 0
    for belt in IndustryBelt.objects.all():
        if belt.recognised_year is not None or belt.lead_enterprises.exists():
            continue
        leads = list(
            Enterprise.objects.filter(
                industry_belt=belt,
                kind__in=[EnterpriseKind.MANUFACTURER, EnterpriseKind.TRADER],
            ).order_by("uscc")[:LEADS_PER_BELT]
        )
        if not leads and BELT_YEARS.get(belt.name) is None:
            continue  # nothing to fill in
        industry_belt_save(
            actor=None,
            belt=belt,
            name=belt.name,
            county=belt.county,
            name_en=belt.name_en,
            products=belt.products,
            recognised_year=BELT_YEARS.get(belt.name),
            lead_enterprises=leads,
        )
        changed += 1
    for park in Park.objects.all():
        if park.operator_id is not None or park.level or park.recognised_year is not None:
            continue
        operator = (
            Enterprise.objects.filter(kind=EnterpriseKind.PARK_OPERATOR, county=park.county)
            .order_by("uscc")
            .first()
        )
        level, year = PARK_DETAILS.get(park.name, ("", None))
        if operator is None and not level and year is None:
            continue  # nothing to fill in
        park_save(
            actor=None,
            park=park,
            name=park.name,
            county=park.county,
            operator=operator,
            level=level,
            recognised_year=year,
        )
        changed += 1
    return changed
