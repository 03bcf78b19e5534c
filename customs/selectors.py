"""Permission-aware reads of customs data, shared by pages, the API and exports.

Who sees what:

* enterprise user — its own enterprise's declarations, ledger and upload runs;
* county officer — those of the enterprises of its county / zone (and runs uploaded there);
* city reviewer, finance officer, administrator — everything;
* partners and anyone else — nothing.

Unknown customs codes and retail-import breaches are for officers (county: its county).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.http import Http404

from accounts.access import (
    in_county,
    in_enterprise_scope,
    is_administrator,
    is_city_level,
    is_county_officer,
    is_officer,
    own_county_id,
    own_enterprise_id,
    role_of,
    scope_by_county,
    scope_by_enterprise,
)
from accounts.models import Role
from customs.filters import DeclarationFilterSet
from customs.models import Declaration, IngestRun, LedgerLine, RetailImportCheck

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from enterprises.models import Enterprise

    AnyUser = User | AnonymousUser


def is_city(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_upload(user: AnyUser | None) -> bool:
    if role_of(user) == Role.ENTERPRISE:
        return bool(own_enterprise_id(user))
    return is_city_level(user) or is_county_officer(user)


def can_upload_channel(user: AnyUser | None) -> bool:
    """May load files as the customs data-exchange channel (their receipts release
    declarations): city reviewers and administrators, as the command line does."""
    return is_city_level(user)


def can_view_customs(user: AnyUser | None) -> bool:
    if role_of(user) == Role.ENTERPRISE:
        return bool(own_enterprise_id(user))
    return is_officer(user)


def can_map_codes(user: AnyUser | None, enterprise: Enterprise | None = None) -> bool:
    if is_city_level(user):
        return True
    if is_county_officer(user):
        return enterprise is None or in_county(user, enterprise.county_id)
    return False


def can_view_stats(user: AnyUser | None) -> bool:
    return is_officer(user)


def can_manage_rates(user: AnyUser | None) -> bool:
    return is_administrator(user)


def run_list_for(*, user: AnyUser | None) -> QuerySet[IngestRun]:
    qs = IngestRun.objects.select_related("actor", "enterprise")
    county_id = own_county_id(user)
    if is_county_officer(user) and county_id:
        # also the runs it uploaded itself (e.g. for an enterprise not yet mapped to a county)
        return qs.filter(Q(county_id=county_id) | Q(actor=user))
    return scope_by_enterprise(qs, user)


def run_get_for(*, user: AnyUser | None, pk: int) -> IngestRun:
    run = run_list_for(user=user).filter(pk=pk).first()
    if run is None:
        raise Http404("not found")
    return run


def declaration_list_for(
    *,
    user: AnyUser | None,
    filters: Mapping[str, Any] | None = None,
    status: str = "",
    released: bool | None = None,
) -> QuerySet[Declaration]:
    """``filters``: number, direction and trade mode from the list page or the API query
    (:class:`customs.filters.DeclarationFilterSet`)."""
    qs = scope_by_enterprise(Declaration.objects.select_related("enterprise", "county"), user)
    qs = DeclarationFilterSet.apply(qs, filters)
    if status:
        qs = qs.filter(status="" if status == "declared" else status)
    if released is not None:
        qs = qs.filter(released=released)
    return qs.order_by("-declared_on", "-pk")


def declaration_get_for(*, user: AnyUser | None, pk: int) -> Declaration:
    declaration = declaration_list_for(user=user).filter(pk=pk).first()
    if declaration is None:
        raise Http404("not found")
    return declaration


def status_history(declaration: Declaration) -> list[dict[str, Any]]:
    """申报 first, then every receipt in time order."""
    from customs import reference

    history: list[dict[str, Any]] = [
        {
            "status": "",
            "label": str(reference.DECLARED_LABEL),
            "at": declaration.created_at,
            "info": re.split(r"[\\/]", declaration.source_file or "")[-1],  # the name, no path
        }
    ]
    for receipt in declaration.receipts.order_by("return_time", "pk"):
        history.append(
            {
                "status": receipt.return_status,
                "label": receipt.status_label,
                "at": receipt.return_time,
                "info": receipt.return_info,
            }
        )
    return history


def ledger_lines_for(
    *, user: AnyUser | None, enterprise: Enterprise, year: int | None = None
) -> QuerySet[LedgerLine]:
    """Released ledger lines of ``enterprise`` if ``user`` may see them (Http404 otherwise), each
    with its declaration's inventory number as ``invt_no``."""
    if not in_enterprise_scope(user, enterprise):
        raise Http404("not found")
    # Through the declarations' (enterprise, declared_on) index: a line's enterprise and date
    # are its declaration's.
    qs = LedgerLine.objects.filter(
        declaration__enterprise=enterprise, declaration__released=True
    ).annotate(invt_no=F("declaration__invt_no"))
    if year:
        # The line's month too: on PostgreSQL only that year's partitions are read.
        qs = qs.filter(
            declaration__declared_on__year=year,
            month__gte=year * 100 + 1,
            month__lte=year * 100 + 12,
        )
    return qs.order_by("date", "declaration_id", "line_no")


def trade_summary_for(*, user: AnyUser | None, enterprise: Enterprise, year: int) -> dict[str, Any]:
    """An enterprise's CBEC trade of ``year`` in CNY, confirmed and self-declared apart:
    ``confirmed`` — released by a customs-channel receipt (the ledger, ``cbec_trade``);
    ``declared`` — its declarations no channel receipt has released (企业自报，未确认)."""
    from django.db.models import Sum

    from customs.models import fen_to_yuan
    from customs.stats import cbec_trade

    if not in_enterprise_scope(user, enterprise):
        raise Http404("not found")
    pending = Declaration.objects.filter(
        enterprise=enterprise, declared_on__year=year, released=False
    ).aggregate(fen=Sum("total_cny_fen"))["fen"]
    return {
        "year": year,
        "confirmed": cbec_trade(enterprise, year),
        "declared": fen_to_yuan(pending),
    }


def enterprise_for_ledger(*, user: AnyUser | None, pk: int) -> Enterprise:
    from enterprises import selectors as registry

    enterprise = registry.enterprise_get(pk=pk)
    if not in_enterprise_scope(user, enterprise):
        raise Http404("not found")
    return enterprise


def unknown_codes_for(*, user: AnyUser | None) -> list[dict[str, Any]]:
    """Customs codes of declarations that match no enterprise (officers only)."""
    if not is_officer(user):
        return []
    rows = (
        Declaration.objects.filter(enterprise__isnull=True)
        .values("ebc_code")
        .annotate(
            declarations=Count("id"),
            name=Max("ebc_name"),
            first=Min("declared_on"),
            last=Max("declared_on"),
        )
        .order_by("-declarations", "ebc_code")
    )
    return list(rows[:500])


def retail_breaches_for(*, user: AnyUser | None) -> QuerySet[RetailImportCheck]:
    if not is_officer(user):
        return RetailImportCheck.objects.none()
    qs = RetailImportCheck.objects.select_related("declaration", "declaration__enterprise")
    qs = scope_by_county(qs, user, field="declaration__county_id")
    return qs.order_by("-created_at", "-pk")


def stats_county_for(user: AnyUser | None, requested: str) -> str | None:
    """The county a user's statistics are limited to: a county officer always its own."""
    if is_county_officer(user):
        county = getattr(user, "county", None)
        return county.code if county is not None else "-"
    return requested.strip() or None
