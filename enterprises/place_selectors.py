"""Permission-aware reads of industry belts and parks.

* officers (county officer, city reviewer, finance officer, administrator) see every belt and park
  (places are public facts of the policy; their member lists follow the registry scope);
* only the city reviewer and the administrator create or edit them;
* enterprise users, partners and anonymous users see none of these officer pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from enterprises import selectors
from enterprises.models import Enterprise, IndustryBelt, Park

if TYPE_CHECKING:
    from enterprises.selectors import AnyUser


def can_view_places(user: AnyUser | None) -> bool:
    return selectors.can_view_registry(user)


def can_edit_places(user: AnyUser | None) -> bool:
    return selectors.is_city_level(user)


def _require_view(user: AnyUser | None) -> None:
    if not can_view_places(user):
        raise PermissionDenied(_("产业带和园区信息仅对政府部门开放。"))


def belt_list_for(*, user: AnyUser | None, county_id: int | None = None) -> QuerySet[IndustryBelt]:
    _require_view(user)
    qs = IndustryBelt.objects.select_related("county").annotate(
        enterprise_count=Count("enterprises", distinct=True),
        lead_count=Count("lead_enterprises", distinct=True),
    )
    if county_id is not None:
        qs = qs.filter(county_id=county_id)
    return qs


def belt_get_for(*, user: AnyUser | None, pk: int) -> IndustryBelt:
    _require_view(user)
    belt = IndustryBelt.objects.select_related("county").filter(pk=pk).first()
    if belt is None:
        raise Http404("not found")
    return belt


def park_list_for(*, user: AnyUser | None, county_id: int | None = None) -> QuerySet[Park]:
    _require_view(user)
    qs = Park.objects.select_related("county", "operator").annotate(
        member_count=Count("enterprises", distinct=True)
    )
    if county_id is not None:
        qs = qs.filter(county_id=county_id)
    return qs


def park_get_for(*, user: AnyUser | None, pk: int) -> Park:
    _require_view(user)
    park = Park.objects.select_related("county", "operator").filter(pk=pk).first()
    if park is None:
        raise Http404("not found")
    return park


def belt_enterprises_for(*, user: AnyUser | None, belt: IndustryBelt) -> QuerySet[Enterprise]:
    """Enterprises of the belt that ``user`` may open (a county officer: their county's)."""
    return selectors.enterprise_visible_qs(user=user).filter(industry_belt=belt)


def park_members_for(*, user: AnyUser | None, park: Park) -> QuerySet[Enterprise]:
    """Member enterprises of the park (``Enterprise.park``) that ``user`` may open."""
    return selectors.enterprise_visible_qs(user=user).filter(park=park)


def enterprise_by_uscc(uscc: str) -> Enterprise | None:
    return Enterprise.objects.filter(uscc=uscc.strip().upper()).first()
