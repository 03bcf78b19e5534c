"""Permission-aware reads of customs data, shared by pages, the API and exports.

Who sees what:

* enterprise user — its own enterprise's declarations, ledger and upload runs;
* county officer — those of the enterprises of its county / zone (and runs uploaded there);
* city reviewer, finance officer, administrator — everything;
* partners and anyone else — nothing.

Unknown customs codes and retail-import breaches are for officers (county: its county).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.http import Http404

from accounts.models import Role
from customs.models import Declaration, IngestRun, LedgerLine, RetailImportCheck

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from enterprises.models import Enterprise

    AnyUser = User | AnonymousUser

CITY_ROLES = {Role.CITY_REVIEWER, Role.ADMINISTRATOR}
READ_ALL_ROLES = {Role.CITY_REVIEWER, Role.FINANCE_OFFICER, Role.ADMINISTRATOR}


def _role(user: AnyUser | None) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    return str(user.role)


def is_city(user: AnyUser | None) -> bool:
    return _role(user) in CITY_ROLES


def is_officer(user: AnyUser | None) -> bool:
    return _role(user) in {Role.COUNTY_OFFICER, *READ_ALL_ROLES}


def can_upload(user: AnyUser | None) -> bool:
    role = _role(user)
    if role == Role.ENTERPRISE:
        return bool(user.enterprise_id)  # type: ignore[union-attr]
    return role in {Role.COUNTY_OFFICER, Role.CITY_REVIEWER, Role.ADMINISTRATOR}


def can_upload_channel(user: AnyUser | None) -> bool:
    """May load files as the customs data-exchange channel (their receipts release
    declarations): city reviewers and administrators, as the command line does."""
    return _role(user) in CITY_ROLES


def can_view_customs(user: AnyUser | None) -> bool:
    role = _role(user)
    if role == Role.ENTERPRISE:
        return bool(user.enterprise_id)  # type: ignore[union-attr]
    return role in {Role.COUNTY_OFFICER, *READ_ALL_ROLES}


def can_map_codes(user: AnyUser | None, enterprise: Enterprise | None = None) -> bool:
    role = _role(user)
    if role in CITY_ROLES:
        return True
    if role == Role.COUNTY_OFFICER:
        return enterprise is None or enterprise.county_id == user.county_id  # type: ignore[union-attr]
    return False


def can_view_stats(user: AnyUser | None) -> bool:
    return is_officer(user)


def can_manage_rates(user: AnyUser | None) -> bool:
    return _role(user) == Role.ADMINISTRATOR


def _scope(qs: QuerySet[Any], user: AnyUser | None) -> QuerySet[Any]:
    role = _role(user)
    if role in READ_ALL_ROLES:
        return qs
    if role == Role.COUNTY_OFFICER and user.county_id:  # type: ignore[union-attr]
        return qs.filter(county_id=user.county_id)  # type: ignore[union-attr]
    if role == Role.ENTERPRISE and user.enterprise_id:  # type: ignore[union-attr]
        return qs.filter(enterprise_id=user.enterprise_id)  # type: ignore[union-attr]
    return qs.none()


def run_list_for(*, user: AnyUser | None) -> QuerySet[IngestRun]:
    qs = IngestRun.objects.select_related("actor", "enterprise")
    role = _role(user)
    if role in READ_ALL_ROLES:
        return qs
    if role == Role.COUNTY_OFFICER and user.county_id:  # type: ignore[union-attr]
        return qs.filter(Q(county_id=user.county_id) | Q(actor=user))  # type: ignore[union-attr]
    if role == Role.ENTERPRISE and user.enterprise_id:  # type: ignore[union-attr]
        return qs.filter(enterprise_id=user.enterprise_id)  # type: ignore[union-attr]
    return qs.none()


def run_get_for(*, user: AnyUser | None, pk: int) -> IngestRun:
    run = run_list_for(user=user).filter(pk=pk).first()
    if run is None:
        raise Http404("not found")
    return run


def declaration_list_for(
    *,
    user: AnyUser | None,
    q: str = "",
    direction: str = "",
    mode: str = "",
    status: str = "",
    released: bool | None = None,
) -> QuerySet[Declaration]:
    qs = _scope(Declaration.objects.select_related("enterprise", "county"), user)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(cop_no=q) | Q(invt_no=q) | Q(order_no=q) | Q(logistics_no=q) | Q(ebc_code=q)
        )
    if direction:
        qs = qs.filter(direction=direction)
    if mode:
        qs = qs.filter(trade_mode=mode)
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
            "info": declaration.source_file,
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
    if not _can_see_enterprise(user, enterprise):
        raise Http404("not found")
    # Through the declarations' (enterprise, declared_on) index: a line's enterprise and date
    # are its declaration's.
    qs = LedgerLine.objects.filter(
        declaration__enterprise=enterprise, declaration__released=True
    ).annotate(invt_no=F("declaration__invt_no"))
    if year:
        qs = qs.filter(declaration__declared_on__year=year)
    return qs.order_by("date", "declaration_id", "line_no")


def trade_summary_for(*, user: AnyUser | None, enterprise: Enterprise, year: int) -> dict[str, Any]:
    """An enterprise's CBEC trade of ``year`` in CNY, confirmed and self-declared apart:
    ``confirmed`` — released by a customs-channel receipt (the ledger, ``cbec_trade``);
    ``declared`` — its declarations no channel receipt has released (企业自报，未确认)."""
    from django.db.models import Sum

    from customs.models import fen_to_yuan
    from customs.stats import cbec_trade

    if not _can_see_enterprise(user, enterprise):
        raise Http404("not found")
    pending = Declaration.objects.filter(
        enterprise=enterprise, declared_on__year=year, released=False
    ).aggregate(fen=Sum("total_cny_fen"))["fen"]
    return {
        "year": year,
        "confirmed": cbec_trade(enterprise, year),
        "declared": fen_to_yuan(pending),
    }


def _can_see_enterprise(user: AnyUser | None, enterprise: Enterprise) -> bool:
    role = _role(user)
    if role in READ_ALL_ROLES:
        return True
    if role == Role.COUNTY_OFFICER:
        return enterprise.county_id == user.county_id  # type: ignore[union-attr]
    if role == Role.ENTERPRISE:
        return enterprise.pk == user.enterprise_id  # type: ignore[union-attr]
    return False


def enterprise_for_ledger(*, user: AnyUser | None, pk: int) -> Enterprise:
    from enterprises.models import Enterprise

    enterprise = Enterprise.objects.filter(pk=pk).select_related("county").first()
    if enterprise is None or not _can_see_enterprise(user, enterprise):
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
    if _role(user) == Role.COUNTY_OFFICER:
        qs = qs.filter(declaration__county_id=user.county_id)  # type: ignore[union-attr,misc]
    return qs.order_by("-created_at", "-pk")


def stats_county_for(user: AnyUser | None, requested: str) -> str | None:
    """The county a user's statistics are limited to: a county officer always its own."""
    if _role(user) == Role.COUNTY_OFFICER:
        county = getattr(user, "county", None)
        return county.code if county is not None else "-"
    return requested.strip() or None
