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

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Field, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import (
    in_county,
    is_city_level,
    is_officer,
    own_enterprise_id,
    role_of,
    scope_by_enterprise,
)
from accounts.models import Role
from enterprises.filters import EnterpriseFilterSet
from enterprises.models import (
    ChangeRequestStatus,
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseStatus,
    FactSource,
    IndustryBelt,
    Park,
    Recognition,
    VerifiedFact,
)
from enterprises.models import RecognitionType as RecognitionType  # for other apps' figures

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


def can_view_registry(user: AnyUser | None) -> bool:
    """The officers' registry list, filters and export (not for enterprises or partners)."""
    return is_officer(user)


def can_import_enterprises(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_manage_recognitions(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_create_enterprise(user: AnyUser | None, county_id: int | None = None) -> bool:
    return is_city_level(user) or (county_id is not None and in_county(user, county_id))


def editable_fields_for(user: AnyUser | None, enterprise: Enterprise) -> frozenset[str]:
    """The fields ``user`` may change on ``enterprise`` (empty: may not edit at all)."""
    if is_city_level(user):
        return CITY_FIELDS
    if in_county(user, enterprise.county_id):
        return COUNTY_OFFICER_FIELDS
    if role_of(user) == Role.ENTERPRISE and enterprise.pk == own_enterprise_id(user):
        return ENTERPRISE_USER_FIELDS
    return frozenset()


def can_edit_enterprise(user: AnyUser | None, enterprise: Enterprise) -> bool:
    return bool(editable_fields_for(user, enterprise))


def facts_need_verification(user: AnyUser | None, enterprise: Enterprise) -> bool:
    """Whether ``user``'s changes of the verified facts (``VerifiedFact``) are only requests.

    True for the enterprise's own users; officers who may edit the enterprise are a trusted source.
    """
    return role_of(user) == Role.ENTERPRISE


def can_decide_changes(user: AnyUser | None, enterprise: Enterprise) -> bool:
    """Verify ``enterprise``'s facts: its county officer, a city reviewer or an administrator."""
    return is_city_level(user) or in_county(user, enterprise.county_id)


def can_view_change_inbox(user: AnyUser | None) -> bool:
    return is_city_level(user) or role_of(user) == Role.COUNTY_OFFICER


def change_request_visible_qs(*, user: AnyUser | None) -> QuerySet[EnterpriseChangeRequest]:
    """Change requests ``user`` may read: those of the enterprises it may read (not finance's)."""
    qs = EnterpriseChangeRequest.objects.select_related(
        "enterprise", "enterprise__county", "requested_by", "decided_by"
    )
    if role_of(user) == Role.FINANCE_OFFICER:
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
    return scope_by_enterprise(qs, user, field="pk")


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


# --- for other apps: registry reads outside a user's scope --------------------------------------
#
# Customs ingestion, the funds engine inputs and the statistics read the registry as the system,
# not as a user: they go through these functions instead of importing ``enterprises.models``. A
# caller that acts for a user checks that user's permission first (its own selectors).


def registry_qs(*, county: Any = None) -> QuerySet[Enterprise]:
    """Every enterprise (no permission: aggregated figures, system jobs), in ``county`` if given
    (a ``codes.County`` or its id)."""
    qs = Enterprise.objects.all()
    return qs.filter(county=county) if county is not None else qs


def enterprise_get(*, pk: int) -> Enterprise:
    """One enterprise by id for a caller that has already checked its permission; Http404."""
    enterprise = Enterprise.objects.select_related("county").filter(pk=pk).first()
    if enterprise is None:
        raise Http404("not found")
    return enterprise


def enterprise_by_uscc(uscc: str) -> Enterprise | None:
    """The enterprise with this unified social credit code (exact, surrounding blanks ignored)."""
    return Enterprise.objects.select_related("county").filter(uscc=uscc.strip()).first()


def enterprise_code_index() -> dict[str, tuple[int, int]]:
    """USCC and customs code → (enterprise id, county id), for matching customs messages."""
    index: dict[str, tuple[int, int]] = {}
    for pk, county, code, uscc in Enterprise.objects.values_list(
        "pk", "county_id", "customs_code", "uscc"
    ):
        index[uscc] = (pk, county)
        if code:
            index[code] = (pk, county)
    return index


def enterprise_values(ids: Any, *fields: str) -> dict[int, tuple[Any, ...]]:
    """``fields`` of the enterprises ``ids``, by id (names for reports, without a join per row)."""
    return {
        row[0]: tuple(row[1:])
        for row in Enterprise.objects.filter(pk__in=ids).values_list("pk", *fields)
    }


# --- figures for the 2027 targets (aggregated, no permission: used by the statistics app) -------


def active_qs(*, county: Any = None) -> QuerySet[Enterprise]:
    return registry_qs(county=county).filter(status=EnterpriseStatus.ACTIVE)


def registered_qs(*, county: Any = None) -> QuerySet[Enterprise]:
    """Enterprises on the platform (registration verified: not pending)."""
    return registry_qs(county=county).exclude(status=EnterpriseStatus.PENDING)


def new_cbec_qs(*, first_year: int, last_year: int, county: Any = None) -> QuerySet[Enterprise]:
    """Active enterprises whose first CBEC year is in ``first_year`` … ``last_year``."""
    return active_qs(county=county).filter(
        first_cbec_year__gte=first_year, first_cbec_year__lte=last_year
    )


def in_recognised_parks_qs(*, until: dt.date, county: Any = None) -> QuerySet[Enterprise]:
    """Active enterprises in a recognised park, registered on or before ``until``."""
    return active_qs(county=county).filter(
        park__isnull=False, park__recognised_year__isnull=False, created_at__date__lte=until
    )


def recognised_enterprises_qs(*, kind: str, year: int, county: Any = None) -> QuerySet[Enterprise]:
    """Non-deregistered enterprises with a ``kind`` recognition of ``year`` or before (may repeat
    an enterprise: count distinct ``pk``)."""
    return (
        registry_qs(county=county)
        .filter(recognitions__type=kind, recognitions__year__lte=year)
        .exclude(status=EnterpriseStatus.DEREGISTERED)
    )


def recognitions_qs(*, kind: str, until_year: int, county: Any = None) -> QuerySet[Recognition]:
    """Dated ``kind`` recognitions up to ``until_year`` of non-deregistered enterprises."""
    qs = Recognition.objects.filter(type=kind, year__isnull=False, year__lte=until_year).exclude(
        enterprise__status=EnterpriseStatus.DEREGISTERED
    )
    return qs.filter(enterprise__county=county) if county is not None else qs


def recognised_belts_qs(*, year: int, county: Any = None) -> QuerySet[IndustryBelt]:
    """Industry belts the bureau recognised in ``year`` or before."""
    qs = IndustryBelt.objects.filter(recognised_year__isnull=False, recognised_year__lte=year)
    return qs.filter(county=county) if county is not None else qs


def recognised_parks_qs(*, year: int, county: Any = None) -> QuerySet[Park]:
    """Parks the bureau recognised in ``year`` or before."""
    qs = Park.objects.filter(recognised_year__isnull=False, recognised_year__lte=year)
    return qs.filter(county=county) if county is not None else qs


def belt_members_qs(belt_ids: list[int]) -> QuerySet[Enterprise]:
    """Member and lead enterprises of the belts ``belt_ids`` (may repeat: count distinct)."""
    return Enterprise.objects.filter(Q(industry_belt_id__in=belt_ids) | Q(led_belts__in=belt_ids))


def park_members_qs(park_ids: list[int]) -> QuerySet[Enterprise]:
    """Member enterprises and operators of the parks ``park_ids`` (may repeat: count distinct)."""
    return Enterprise.objects.filter(Q(park_id__in=park_ids) | Q(operated_parks__in=park_ids))
