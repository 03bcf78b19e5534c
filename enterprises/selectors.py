"""Permission-aware reads of the enterprise registry, shared by the UI, the API and exports.

Who sees what:

* enterprise user — only its own enterprise;
* county officer — the enterprises of its county / zone;
* city reviewer, finance officer, administrator — all enterprises;
* partner and anyone else — none (partners see only what an enterprise authorised, elsewhere).

The permission helpers for writes (``can_edit_enterprise``, ``editable_fields_for`` …) live here
too, so the services, views and API ask one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Field, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from enterprises.filters import EnterpriseFilterSet
from enterprises.models import (
    ChangeRequestStatus,
    Enterprise,
    EnterpriseChangeRequest,
    FactSource,
    IndustryBelt,
    Park,
    Recognition,
    VerifiedFact,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser

# Fields an enterprise user may change on its own profile (contact and profile data).
ENTERPRISE_USER_FIELDS = frozenset(
    {
        "kind",
        "customs_code",
        "industry_belt",
        "park",
        "first_cbec_year",
        "independent_site_url",
        "address",
        "contact_name",
        "contact_phone",
        "contact_email",
    }
)
# County officers may also correct the name and tags of enterprises of their county.
COUNTY_OFFICER_FIELDS = ENTERPRISE_USER_FIELDS | {"name", "tags"}
# City reviewers and administrators may change everything, status, county and USCC included.
CITY_FIELDS = COUNTY_OFFICER_FIELDS | {"uscc", "county", "status"}
ALL_EDITABLE_FIELDS = CITY_FIELDS

# Profile fields whose absence the completeness indicator reports.
COMPLETENESS_FIELDS = (
    "customs_code",
    "industry_belt",
    "park",
    "first_cbec_year",
    "independent_site_url",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def _role(user: AnyUser | None) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    return str(user.role)


def is_city_level(user: AnyUser | None) -> bool:
    return _role(user) in {Role.CITY_REVIEWER, Role.ADMINISTRATOR}


def can_view_registry(user: AnyUser | None) -> bool:
    """The officers' registry list, filters and export (not for enterprises or partners)."""
    return _role(user) in {
        Role.COUNTY_OFFICER,
        Role.CITY_REVIEWER,
        Role.FINANCE_OFFICER,
        Role.ADMINISTRATOR,
    }


def can_import_enterprises(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_manage_recognitions(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_create_enterprise(user: AnyUser | None, county_id: int | None = None) -> bool:
    role = _role(user)
    if role in {Role.CITY_REVIEWER, Role.ADMINISTRATOR}:
        return True
    return role == Role.COUNTY_OFFICER and county_id is not None and county_id == user.county_id  # type: ignore[union-attr]


def editable_fields_for(user: AnyUser | None, enterprise: Enterprise) -> frozenset[str]:
    """The fields ``user`` may change on ``enterprise`` (empty: may not edit at all)."""
    role = _role(user)
    if role in {Role.CITY_REVIEWER, Role.ADMINISTRATOR}:
        return CITY_FIELDS
    if role == Role.COUNTY_OFFICER and enterprise.county_id == user.county_id:  # type: ignore[union-attr]
        return COUNTY_OFFICER_FIELDS
    if role == Role.ENTERPRISE and enterprise.pk == user.enterprise_id:  # type: ignore[union-attr]
        return ENTERPRISE_USER_FIELDS
    return frozenset()


def can_edit_enterprise(user: AnyUser | None, enterprise: Enterprise) -> bool:
    return bool(editable_fields_for(user, enterprise))


def facts_need_verification(user: AnyUser | None, enterprise: Enterprise) -> bool:
    """Whether ``user``'s changes of the verified facts (``VerifiedFact``) are only requests.

    True for the enterprise's own users; officers who may edit the enterprise are a trusted source.
    """
    return _role(user) == Role.ENTERPRISE


def can_decide_changes(user: AnyUser | None, enterprise: Enterprise) -> bool:
    """Verify ``enterprise``'s facts: its county officer, a city reviewer or an administrator."""
    role = _role(user)
    if role in {Role.CITY_REVIEWER, Role.ADMINISTRATOR}:
        return True
    return role == Role.COUNTY_OFFICER and enterprise.county_id == user.county_id  # type: ignore[union-attr]


def can_view_change_inbox(user: AnyUser | None) -> bool:
    return _role(user) in {Role.COUNTY_OFFICER, Role.CITY_REVIEWER, Role.ADMINISTRATOR}


def change_request_visible_qs(*, user: AnyUser | None) -> QuerySet[EnterpriseChangeRequest]:
    """Change requests ``user`` may read: those of the enterprises it may read (not finance's)."""
    qs = EnterpriseChangeRequest.objects.select_related(
        "enterprise", "enterprise__county", "requested_by", "decided_by"
    )
    role = _role(user)
    if role == Role.FINANCE_OFFICER:
        return qs.none()
    return qs.filter(enterprise__in=enterprise_visible_qs(user=user).values("pk"))


def change_request_inbox_for(
    *, user: AnyUser | None, status: str = ChangeRequestStatus.PENDING
) -> QuerySet[EnterpriseChangeRequest]:
    """The officers' list of change requests in scope (county: its county), by status."""
    if not can_view_change_inbox(user):
        return EnterpriseChangeRequest.objects.none()
    qs = change_request_visible_qs(user=user)
    if status in ChangeRequestStatus.values:
        qs = qs.filter(status=status)
    if status == ChangeRequestStatus.PENDING:
        return qs.order_by("requested_at", "pk")
    return qs.order_by("-requested_at", "-pk")


def change_request_get_for(*, user: AnyUser | None, pk: int) -> EnterpriseChangeRequest:
    """One change request ``user`` may read; Http404 otherwise (existence is not revealed)."""
    change = change_request_visible_qs(user=user).filter(pk=pk).first()
    if change is None:
        raise Http404("not found")
    return change


def pending_changes_for(enterprise: Enterprise) -> dict[str, EnterpriseChangeRequest]:
    """The enterprise's pending requests by fact (at most one each)."""
    prefetched = getattr(enterprise, "pending_change_list", None)
    if prefetched is None:
        prefetched = enterprise.change_requests.filter(status=ChangeRequestStatus.PENDING)
    return {c.field: c for c in prefetched}


def with_pending_changes(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """``qs`` with each enterprise's pending requests fetched in one query (API lists)."""
    pending = EnterpriseChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING)
    return qs.prefetch_related(
        Prefetch("change_requests", queryset=pending, to_attr="pending_change_list")
    )


def fact_rows(enterprise: Enterprise) -> dict[str, dict[str, Any]]:
    """Each verified fact's source and pending request, by field, for the profile page."""
    pending = pending_changes_for(enterprise)
    rows = {}
    for f in VerifiedFact.values:
        source = FactSource(enterprise.fact_source(f))
        rows[f] = {
            "label": VerifiedFact(f).label,
            "source_label": source.label,
            "verified": source == FactSource.VERIFIED,
            "pending": pending.get(f),
        }
    return rows


def enterprise_visible_qs(*, user: AnyUser | None) -> QuerySet[Enterprise]:
    """Every enterprise ``user`` may read, unfiltered."""
    qs = Enterprise.objects.select_related("county", "industry_belt", "park")
    role = _role(user)
    if role in {Role.CITY_REVIEWER, Role.FINANCE_OFFICER, Role.ADMINISTRATOR}:
        return qs
    if role == Role.COUNTY_OFFICER and user.county_id:  # type: ignore[union-attr]
        return qs.filter(county_id=user.county_id)  # type: ignore[union-attr]
    if role == Role.ENTERPRISE and user.enterprise_id:  # type: ignore[union-attr]
        return qs.filter(pk=user.enterprise_id)  # type: ignore[union-attr]
    return qs.none()


def enterprise_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may see, narrowed by ``filters`` (``EnterpriseFilterSet``
    values: county code, kind, belt/park ids, status, recognition, year, q, ordering)."""
    return EnterpriseFilterSet.apply(enterprise_visible_qs(user=user), filters)


def enterprise_get_for(*, user: AnyUser | None, pk: int) -> Enterprise:
    """One enterprise ``user`` may read; Http404 otherwise (existence is not revealed)."""
    enterprise = enterprise_visible_qs(user=user).filter(pk=pk).first()
    if enterprise is None:
        raise Http404("not found")
    return enterprise


def recognition_list_for(*, user: AnyUser | None, enterprise_pk: int) -> QuerySet[Recognition]:
    enterprise = enterprise_get_for(user=user, pk=enterprise_pk)
    return enterprise.recognitions.all()


def recognition_get_for(*, user: AnyUser | None, enterprise_pk: int, pk: int) -> Recognition:
    enterprise = enterprise_get_for(user=user, pk=enterprise_pk)
    recognition = enterprise.recognitions.filter(pk=pk).first()
    if recognition is None:
        raise Http404("not found")
    return recognition


def belt_list() -> QuerySet[IndustryBelt]:
    return IndustryBelt.objects.select_related("county")


def park_list() -> QuerySet[Park]:
    return Park.objects.select_related("county")


def missing_profile_fields(enterprise: Enterprise) -> list[tuple[str, Any]]:
    """(field name, label) of every profile field still empty — the completeness indicator."""
    missing: list[tuple[str, Any]] = []
    for name in COMPLETENESS_FIELDS:
        field = Enterprise._meta.get_field(name)
        assert isinstance(field, Field)
        value = getattr(enterprise, field.attname)
        if value in (None, "", []):
            missing.append((name, field.verbose_name))
    return missing


def profile_completeness(enterprise: Enterprise) -> int:
    """Percentage (0–100) of profile fields filled in."""
    missing = len(missing_profile_fields(enterprise))
    return round(100 * (len(COMPLETENESS_FIELDS) - missing) / len(COMPLETENESS_FIELDS))


def county_by_code(code: str | None) -> Any:
    """The county with ``code`` (for API input), or a field error in Chinese."""
    from django.core.exceptions import ValidationError

    from codes.models import County

    county = County.objects.filter(code=(code or "").strip()).first()
    if county is None:
        raise ValidationError({"county": [_("县区代码“%(c)s”不存在。") % {"c": code}]})
    return county
