"""Writes to the registry's places: industry belts (产业带) and parks (产业园).

Only the city reviewer and the administrator maintain places (``actor=None`` is the system,
used by the demo loader and code-table scripts). Every write is transactional and audited.
Fields added for the 2027 targets (lead enterprises, operator, level, recognition year) default
to "keep what is stored", so older callers that only pass name and county change nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from enterprises import selectors
from enterprises.models import Enterprise, IndustryBelt, Park, RecognitionLevel

if TYPE_CHECKING:
    from accounts.models import User
    from codes.models import County


class _Keep:
    """Marker: leave the stored value as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()

#: The earliest year a place can have been recognised (the city's first CBEC lists).
EARLIEST_RECOGNITION_YEAR = 2015


def _place_check(actor: User | None) -> None:
    if actor is not None and not selectors.is_city_level(actor):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以维护产业带和园区。"))


def _clean_year(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = -1
    last = timezone.localdate().year
    if not EARLIEST_RECOGNITION_YEAR <= year <= last:
        raise ValidationError(
            {
                field: [
                    _("认定年度应在 %(a)s 至 %(b)s 之间。")
                    % {"a": EARLIEST_RECOGNITION_YEAR, "b": last}
                ]
            }
        )
    return year


def _clean_enterprise(value: Any, field: str) -> Enterprise | None:
    if value is None or value == "":
        return None
    enterprise = value if isinstance(value, Enterprise) else None
    if enterprise is None and str(value).isdigit():
        enterprise = Enterprise.objects.filter(pk=int(value)).first()
    if enterprise is None:
        raise ValidationError({field: [_("所选企业不存在。")]})
    return enterprise


def _clean_name(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise ValidationError({"name": [_("请填写名称。")]})
    return text


def _full_clean(obj: IndustryBelt | Park) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        if "name" in getattr(exc, "error_dict", {}):
            raise ValidationError({"name": [_("名称“%(n)s”已存在。") % {"n": obj.name}]}) from exc
        raise


@transaction.atomic
def industry_belt_save(
    *,
    actor: User | None,
    name: str,
    county: County,
    name_en: str = "",
    products: str = "",
    belt: IndustryBelt | None = None,
    recognised_year: int | _Keep | None = KEEP,
    lead_enterprises: Iterable[Enterprise | int] | _Keep = KEEP,
) -> IndustryBelt:
    """Create (``belt`` None) or update an industry belt, its recognition year and lead firms."""
    _place_check(actor)
    obj = belt or IndustryBelt()
    before = _belt_snapshot(obj) if obj.pk else None
    obj.name, obj.county = _clean_name(name), county
    obj.name_en, obj.products = (name_en or "").strip(), (products or "").strip()
    if not isinstance(recognised_year, _Keep):
        obj.recognised_year = _clean_year(recognised_year, "recognised_year")
    leads: list[Enterprise] | None = None
    if not isinstance(lead_enterprises, _Keep):
        leads = []
        for value in lead_enterprises:
            enterprise = _clean_enterprise(value, "lead_enterprises")
            if enterprise is not None and enterprise not in leads:
                leads.append(enterprise)
    _full_clean(obj)
    obj.save()
    if leads is not None:
        obj.lead_enterprises.set(leads)
    audit_record(
        actor=actor,
        action="enterprises.industry_belt_save",
        obj=obj,
        before=before,
        after=_belt_snapshot(obj),
    )
    return obj


def _belt_snapshot(belt: IndustryBelt) -> dict[str, Any]:
    data = snapshot(belt)
    data["lead_enterprises"] = sorted(belt.lead_enterprises.values_list("pk", flat=True))
    return data


@transaction.atomic
def park_save(
    *,
    actor: User | None,
    name: str,
    county: County,
    park: Park | None = None,
    operator: Enterprise | int | _Keep | None = KEEP,
    level: str | _Keep = KEEP,
    recognised_year: int | _Keep | None = KEEP,
) -> Park:
    """Create (``park`` None) or update a park, its operator, level and recognition year.

    The park's member enterprises are those whose ``park`` points here; they change through the
    enterprise profile, not here.
    """
    _place_check(actor)
    obj = park or Park()
    before = snapshot(obj) if obj.pk else None
    obj.name, obj.county = _clean_name(name), county
    if not isinstance(operator, _Keep):
        obj.operator = _clean_enterprise(operator, "operator")
    if not isinstance(level, _Keep):
        if level and level not in RecognitionLevel.values:
            raise ValidationError({"level": [_("请选择有效的园区级别。")]})
        obj.level = level or ""
    if not isinstance(recognised_year, _Keep):
        obj.recognised_year = _clean_year(recognised_year, "recognised_year")
    _full_clean(obj)
    obj.save()
    audit_record(
        actor=actor, action="enterprises.park_save", obj=obj, before=before, after=snapshot(obj)
    )
    return obj
