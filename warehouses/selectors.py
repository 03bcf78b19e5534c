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
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import (
    is_city_level,
    is_county_officer,
    is_enterprise_user,
    is_signed_in,
    own_county_id,
    own_enterprise_id,
    reads_all,
    role_of,
)
from accounts.models import Role
from warehouses.filters import WarehouseFilterSet
from warehouses.models import OverseasWarehouse, WarehouseStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from codes.models import County
    from enterprises.models import Enterprise

    AnyUser = User | AnonymousUser


def can_create_warehouse(user: AnyUser | None, operator: Enterprise | None = None) -> bool:
    """City level for any operator; an enterprise user for its own enterprise only."""
    if is_city_level(user):
        return True
    if not is_enterprise_user(user):
        return False
    return operator is None or operator.pk == own_enterprise_id(user)


def can_edit_warehouse(user: AnyUser | None, warehouse: OverseasWarehouse) -> bool:
    if is_city_level(user):
        return True
    own = own_enterprise_id(user)
    return role_of(user) == Role.ENTERPRISE and own is not None and own == warehouse.operator_id


def can_recognise_warehouse(user: AnyUser | None) -> bool:
    return is_city_level(user)


def warehouse_visible_qs(*, user: AnyUser | None) -> QuerySet[OverseasWarehouse]:
    qs = OverseasWarehouse.objects.select_related("operator", "operator__county", "country")
    if not is_signed_in(user):
        return qs.none()
    if reads_all(user):
        return qs
    # Everyone signed in sees the operating ones; a county officer also its county's operators',
    # an enterprise user also its own enterprise's.
    operating = Q(status=WarehouseStatus.OPERATING)
    county_id, enterprise_id = own_county_id(user), own_enterprise_id(user)
    if is_county_officer(user) and county_id:
        return qs.filter(operating | Q(operator__county_id=county_id))
    if role_of(user) == Role.ENTERPRISE and enterprise_id:
        return qs.filter(operating | Q(operator_id=enterprise_id))
    return qs.filter(operating)


def warehouse_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[OverseasWarehouse]:
    """The warehouses ``user`` may see, narrowed by ``WarehouseFilterSet`` values; ``mine``
    keeps the caller's own enterprise's."""
    filters = filters or {}
    qs = WarehouseFilterSet.apply(warehouse_visible_qs(user=user), filters)
    if filters.get("mine"):
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
