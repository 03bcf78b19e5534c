"""Permission-aware reads of overseas warehouses, and the figures the 2027 targets count.

Who sees what (every page needs a login):

* city reviewer, finance officer, administrator — every warehouse;
* county officer — every operating warehouse, and all warehouses whose operator is in their county;
* enterprise user — every operating warehouse, and all warehouses its own enterprise operates;
* partner — every operating warehouse.

Who writes: the city reviewer and the administrator (any warehouse, and the municipal public
warehouse recognition); an enterprise user for warehouses its own enterprise operates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from warehouses.models import OverseasWarehouse, WarehouseStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from codes.models import County
    from enterprises.models import Enterprise

    AnyUser = User | AnonymousUser


def _role(user: AnyUser | None) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    return str(user.role)


def is_city_level(user: AnyUser | None) -> bool:
    return _role(user) in {Role.CITY_REVIEWER, Role.ADMINISTRATOR}


def can_create_warehouse(user: AnyUser | None, operator: Enterprise | None = None) -> bool:
    """City level for any operator; an enterprise user for its own enterprise only."""
    if is_city_level(user):
        return True
    if _role(user) != Role.ENTERPRISE or not user.enterprise_id:  # type: ignore[union-attr]
        return False
    return operator is None or operator.pk == user.enterprise_id  # type: ignore[union-attr]


def can_edit_warehouse(user: AnyUser | None, warehouse: OverseasWarehouse) -> bool:
    if is_city_level(user):
        return True
    return (
        _role(user) == Role.ENTERPRISE
        and user.enterprise_id is not None  # type: ignore[union-attr]
        and user.enterprise_id == warehouse.operator_id  # type: ignore[union-attr]
    )


def can_recognise_warehouse(user: AnyUser | None) -> bool:
    return is_city_level(user)


def warehouse_visible_qs(*, user: AnyUser | None) -> QuerySet[OverseasWarehouse]:
    qs = OverseasWarehouse.objects.select_related("operator", "operator__county", "country")
    role = _role(user)
    if not role:
        return qs.none()
    if role in {Role.CITY_REVIEWER, Role.FINANCE_OFFICER, Role.ADMINISTRATOR}:
        return qs
    operating = Q(status=WarehouseStatus.OPERATING)
    if role == Role.COUNTY_OFFICER and user.county_id:  # type: ignore[union-attr]
        return qs.filter(operating | Q(operator__county_id=user.county_id))  # type: ignore[union-attr]
    if role == Role.ENTERPRISE and user.enterprise_id:  # type: ignore[union-attr]
        return qs.filter(operating | Q(operator_id=user.enterprise_id))  # type: ignore[union-attr]
    return qs.filter(operating)


@dataclass(frozen=True)
class WarehouseFilters:
    country: str = ""  # Country.customs_code
    status: str = ""
    public: bool | None = None  # recognised municipal public warehouse
    q: str = ""
    mine: bool = False

    @classmethod
    def from_mapping(cls, data: Any) -> WarehouseFilters:
        data = data or {}
        public = str(data.get("public", "")).lower()
        return cls(
            country=str(data.get("country", "") or "").strip(),
            status=str(data.get("status", "") or "").strip(),
            public=True
            if public in {"1", "true", "yes"}
            else False
            if public in {"0", "false", "no"}
            else None,
            q=str(data.get("q", "") or "").strip(),
            mine=str(data.get("mine", "")).lower() in {"1", "true", "yes", "on"},
        )


def warehouse_list_for(
    *, user: AnyUser | None, filters: WarehouseFilters | None = None
) -> QuerySet[OverseasWarehouse]:
    filters = filters or WarehouseFilters()
    qs = warehouse_visible_qs(user=user)
    if filters.country:
        qs = qs.filter(country__customs_code=filters.country)
    if filters.status in WarehouseStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.public is True:
        qs = qs.filter(public_recognition_year__isnull=False)
    elif filters.public is False:
        qs = qs.filter(public_recognition_year__isnull=True)
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(city__icontains=filters.q)
            | Q(services__icontains=filters.q)
            | Q(operator__name__icontains=filters.q)
        )
    if filters.mine:
        qs = qs.filter(operator_id=getattr(user, "enterprise_id", None) or 0)
    return qs


def warehouse_get_for(*, user: AnyUser | None, pk: int) -> OverseasWarehouse:
    warehouse = warehouse_visible_qs(user=user).filter(pk=pk).first()
    if warehouse is None:
        raise Http404("not found")
    return warehouse


# --- figures for the 2027 targets (no permission: aggregated counts for the statistics app) ---


def in_operation_q(on: dt.date) -> Q:
    """Warehouses in operation on day ``on``: opened by then and not yet closed."""
    return Q(opened_on__isnull=False, opened_on__lte=on) & (
        Q(status=WarehouseStatus.OPERATING)
        | Q(status=WarehouseStatus.CLOSED, closed_on__isnull=False, closed_on__gt=on)
    )


def operating_warehouse_count(*, on: dt.date | None = None, county: County | None = None) -> int:
    """Overseas warehouses in operation on ``on`` (default: today), city-wide or by the
    operator's county — the "overseas warehouses in operation ≥ 10" target."""
    from django.utils import timezone

    qs = OverseasWarehouse.objects.filter(in_operation_q(on or timezone.localdate()))
    if county is not None:
        qs = qs.filter(operator__county=county)
    return qs.count()


def public_warehouse_count(*, year: int | None = None, county: County | None = None) -> int:
    """Municipal public overseas warehouses recognised in or before ``year`` (default: all)."""
    qs = OverseasWarehouse.objects.filter(public_recognition_year__isnull=False)
    if year is not None:
        qs = qs.filter(public_recognition_year__lte=year)
    if county is not None:
        qs = qs.filter(operator__county=county)
    return qs.count()
