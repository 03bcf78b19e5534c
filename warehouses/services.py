"""Writes to the overseas warehouse registry. Keyword-only, transactional, audited.

Status changes go through :func:`warehouse_set_status`, which checks them against the one
table of edges in :mod:`warehouses.workflow`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from codes.models import Country
from enterprises.models import Enterprise, EnterpriseStatus
from warehouses import selectors, workflow
from warehouses.models import OverseasWarehouse, WarehouseStatus

if TYPE_CHECKING:
    from accounts.models import User

MAX_AREA_M2 = Decimal("10000000")
EARLIEST_RECOGNITION_YEAR = 2015

#: Profile fields the operator and the city may change with :func:`warehouse_update`.
PROFILE_FIELDS = (
    "name",
    "country",
    "city",
    "address",
    "area_m2",
    "services",
    "capacity_notes",
    "opened_on",
    "contact_name",
    "contact_phone",
)


def _text(value: Any, field: str, *, required: bool = False, max_length: int = 0) -> str:
    text = (
        " ".join(str(value or "").split())
        if field not in {"services", "capacity_notes"}
        else (str(value or "").strip())
    )
    if required and not text:
        label = getattr(OverseasWarehouse._meta.get_field(field), "verbose_name", field)
        raise ValidationError({field: [_("请填写%(label)s。") % {"label": label}]})
    if max_length and len(text) > max_length:
        raise ValidationError({field: [_("不能超过 %(n)s 个字符。") % {"n": max_length}]})
    return text


def _country(value: Any) -> Country:
    if isinstance(value, Country):
        return value
    text = str(value or "").strip()
    country = Country.objects.filter(customs_code=text).first() if text else None
    if country is None:
        raise ValidationError({"country": [_("请选择有效的国家（地区），填写海关国别代码。")]})
    return country


def _area(value: Any) -> Decimal:
    try:
        area = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({"area_m2": [_("面积应为数字（平方米）。")]}) from None
    if not area.is_finite() or area <= 0 or area > MAX_AREA_M2:
        raise ValidationError({"area_m2": [_("面积应大于 0 且不超过 1000 万平方米。")]})
    return area.quantize(Decimal("0.01"))


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({field: [_("日期格式应为 YYYY-MM-DD。")]}) from None
    if value > timezone.localdate():
        raise ValidationError({field: [_("日期不能晚于今天。")]})
    return value


def _clean(name: str, value: Any) -> Any:
    if name == "name":
        return _text(value, name, required=True, max_length=200)
    if name == "city":
        return _text(value, name, required=True, max_length=100)
    if name in {"address"}:
        return _text(value, name, max_length=300)
    if name in {"contact_name"}:
        return _text(value, name, max_length=50)
    if name in {"contact_phone"}:
        return _text(value, name, max_length=32)
    if name in {"services", "capacity_notes"}:
        return _text(value, name, max_length=5000)
    if name == "country":
        return _country(value)
    if name == "area_m2":
        return _area(value)
    if name == "opened_on":
        return _date(value, name)
    raise ValidationError({name: [_("该字段不可修改。")]})


def _clean_all(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            cleaned[name] = _clean(name, value)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_unique(warehouse: OverseasWarehouse) -> None:
    clash = OverseasWarehouse.objects.filter(
        operator_id=warehouse.operator_id, name=warehouse.name
    ).exclude(pk=warehouse.pk)
    if clash.exists():
        raise ValidationError({"name": [_("该企业已登记同名海外仓。")]})


@transaction.atomic
def warehouse_create(
    *,
    actor: User | None,
    operator: Enterprise,
    name: str,
    country: Country | str,
    city: str,
    area_m2: Decimal | str | int,
    address: str = "",
    services: str = "",
    capacity_notes: str = "",
    opened_on: dt.date | str | None = None,
    status: str = WarehouseStatus.PLANNING,
    contact_name: str = "",
    contact_phone: str = "",
) -> OverseasWarehouse:
    """Register a warehouse (``actor=None`` is the system, e.g. the demo loader)."""
    if actor is not None and not selectors.can_create_warehouse(actor, operator):
        raise PermissionDenied(_("只能为本企业登记海外仓。"))
    if operator.status == EnterpriseStatus.DEREGISTERED:
        raise ValidationError({"operator": [_("运营企业已注销，不能登记海外仓。")]})
    values = _clean_all(
        {
            "name": name,
            "country": country,
            "city": city,
            "area_m2": area_m2,
            "address": address,
            "services": services,
            "capacity_notes": capacity_notes,
            "opened_on": opened_on,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
        }
    )
    if status not in WarehouseStatus.values or status == WarehouseStatus.CLOSED:
        raise ValidationError({"status": [_("新登记的海外仓状态应为筹建中或运营中。")]})
    if status == WarehouseStatus.OPERATING and values["opened_on"] is None:
        raise ValidationError({"opened_on": [_("运营中的海外仓请填写投入运营日期。")]})
    warehouse = OverseasWarehouse(operator=operator, status=status, **values)
    _check_unique(warehouse)
    warehouse.save()
    audit_record(
        actor=actor, action="warehouses.warehouse_create", obj=warehouse, after=snapshot(warehouse)
    )
    return warehouse


@transaction.atomic
def warehouse_update(
    *, actor: User | None, warehouse: OverseasWarehouse, **changes: Any
) -> OverseasWarehouse:
    """Change profile fields (see ``PROFILE_FIELDS``); status and recognition have their own."""
    if actor is not None and not selectors.can_edit_warehouse(actor, warehouse):
        raise PermissionDenied(_("无权修改该海外仓。"))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不可修改。")] for name in sorted(unknown)})
    warehouse = OverseasWarehouse.objects.select_for_update().get(pk=warehouse.pk)
    before = snapshot(warehouse)
    values = _clean_all(changes)
    if (
        "opened_on" in values
        and values["opened_on"] is None
        and warehouse.status != WarehouseStatus.PLANNING
    ):
        raise ValidationError({"opened_on": [_("运营中或已关闭的海外仓须保留投入运营日期。")]})
    for name, value in values.items():
        setattr(warehouse, name, value)
    _check_unique(warehouse)
    warehouse.save()
    after = snapshot(warehouse)
    if after != before:
        audit_record(
            actor=actor,
            action="warehouses.warehouse_update",
            obj=warehouse,
            before=before,
            after=after,
        )
    return warehouse


@transaction.atomic
def warehouse_set_status(
    *,
    actor: User | None,
    warehouse: OverseasWarehouse,
    status: str,
    on: dt.date | None = None,
) -> OverseasWarehouse:
    """Move a warehouse along planning → operating → closed (→ operating again).

    ``on`` is the opening date (to operating) or the closing date (to closed); default today.
    """
    if actor is not None and not selectors.can_edit_warehouse(actor, warehouse):
        raise PermissionDenied(_("无权修改该海外仓。"))
    warehouse = OverseasWarehouse.objects.select_for_update().get(pk=warehouse.pk)
    refusal = workflow.status_refusal(warehouse, status)
    if refusal:
        raise ValidationError({"status": [refusal]})
    day = _date(on, "on") or timezone.localdate()
    before = snapshot(warehouse)
    if status == WarehouseStatus.OPERATING:
        if warehouse.status == WarehouseStatus.PLANNING or warehouse.opened_on is None:
            warehouse.opened_on = day
        warehouse.closed_on = None
    else:  # closed
        if warehouse.opened_on and day < warehouse.opened_on:
            raise ValidationError({"on": [_("关闭日期不能早于投入运营日期。")]})
        warehouse.closed_on = day if warehouse.opened_on else None
    warehouse.status = status
    warehouse.save()
    audit_record(
        actor=actor,
        action="warehouses.warehouse_set_status",
        obj=warehouse,
        before=before,
        after=snapshot(warehouse),
    )
    return warehouse


@transaction.atomic
def warehouse_recognise(
    *, actor: User | None, warehouse: OverseasWarehouse, year: int | None
) -> OverseasWarehouse:
    """Record (``year``) or withdraw (None) the municipal public overseas warehouse recognition."""
    if actor is not None and not selectors.can_recognise_warehouse(actor):
        raise PermissionDenied(_("只有市商务局审核人员或管理员可以认定市级公共海外仓。"))
    warehouse = OverseasWarehouse.objects.select_for_update().get(pk=warehouse.pk)
    if year is not None:
        last = timezone.localdate().year
        if not EARLIEST_RECOGNITION_YEAR <= int(year) <= last:
            raise ValidationError(
                {
                    "year": [
                        _("认定年度应在 %(a)s 至 %(b)s 之间。")
                        % {"a": EARLIEST_RECOGNITION_YEAR, "b": last}
                    ]
                }
            )
        if warehouse.status != WarehouseStatus.OPERATING:
            raise ValidationError({"year": [_("只有运营中的海外仓可以认定为市级公共海外仓。")]})
    before = snapshot(warehouse)
    warehouse.public_recognition_year = int(year) if year is not None else None
    warehouse.save(update_fields=["public_recognition_year", "updated_at"])
    audit_record(
        actor=actor,
        action="warehouses.warehouse_recognise",
        obj=warehouse,
        before=before,
        after=snapshot(warehouse),
    )
    return warehouse
