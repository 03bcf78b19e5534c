"""Who verifies self-registered enterprises, and the worklist of registrations to verify.

The enterprise's county officer, a city reviewer or an administrator (the same people who decide
its change requests); a county officer sees only its county's registrations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import in_county, is_city_level, is_county_officer, own_county_id
from enterprises.models import Enterprise, EnterpriseStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser


def can_verify_registration(user: AnyUser | object | None, enterprise: Enterprise) -> bool:
    return is_city_level(user) or in_county(user, enterprise.county_id)  # type: ignore[arg-type]


def can_view_registrations(user: AnyUser | None) -> bool:
    return is_city_level(user) or is_county_officer(user)


def pending_registrations_for(*, user: AnyUser | None) -> QuerySet[Enterprise]:
    """Pending (待核验) enterprises ``user`` may verify, oldest first."""
    qs = Enterprise.objects.select_related("county").filter(status=EnterpriseStatus.PENDING)
    county_id = own_county_id(user)
    if is_city_level(user):
        pass
    elif is_county_officer(user) and county_id is not None:
        qs = qs.filter(county_id=county_id)
    else:
        return qs.none()
    return qs.order_by("created_at", "pk")


def pending_registration_get_for(*, user: AnyUser | None, pk: int) -> Enterprise:
    """One registration in ``user``'s scope, whatever its status (the service says why it may
    not be decided); 404 outside the scope."""
    enterprise = Enterprise.objects.select_related("county").filter(pk=pk).first()
    if enterprise is None or not can_verify_registration(user, enterprise):
        raise Http404("not found")
    return enterprise
