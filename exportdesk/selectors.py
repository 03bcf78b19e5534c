"""Permission-aware reads of the export desk, and who may do what.

* enterprise users — their own enterprise's costs, proceeds, statements, tax checklist, return
  deadlines and 9810 exports; nothing of another enterprise;
* city reviewer, finance officer, administrator — the guidance pages and the statements issued,
  counted by county and currency (no enterprise's figures);
* county officer — the same counts for its own county only;
* a warehouse, logistics or bank partner — the rows it reported itself (nothing else of any
  enterprise); the enterprise sees them among its own, marked with their source;
* anyone else — nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from accounts.access import (
    is_enterprise_user,
    is_officer,
    is_partner,
    own_enterprise_id,
    scope_by_county,
)
from codes.models import localized_name
from exportdesk.models import NettingStatement, OverseasCost, ProceedsReceipt
from exportdesk.money import money

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from enterprises.models import Enterprise

    AnyUser = User | AnonymousUser


def can_use_desk(user: AnyUser | None) -> bool:
    return is_enterprise_user(user)


def can_see_overview(user: AnyUser | None) -> bool:
    return is_officer(user)


def enterprise_for(user: AnyUser | None) -> Enterprise:
    """The caller's own enterprise; 404 for anyone without one (never another's)."""
    from enterprises.models import Enterprise

    eid = own_enterprise_id(user) if is_enterprise_user(user) else None
    if not eid:
        raise Http404
    return Enterprise.objects.select_related("county").get(pk=eid)


def _own(qs: QuerySet[Any], user: AnyUser | None) -> QuerySet[Any]:
    eid = own_enterprise_id(user) if is_enterprise_user(user) else None
    return qs.filter(enterprise_id=eid) if eid else qs.none()


def cost_list_for(*, user: AnyUser | None) -> QuerySet[OverseasCost]:
    return _own(OverseasCost.objects.all(), user)


def cost_get_for(*, user: AnyUser | None, pk: int) -> OverseasCost:
    cost = cost_list_for(user=user).filter(pk=pk).first()
    if cost is None:
        raise Http404
    return cost


def proceeds_list_for(*, user: AnyUser | None) -> QuerySet[ProceedsReceipt]:
    return _own(ProceedsReceipt.objects.all(), user)


def reporting_partner_kind(user: AnyUser | None) -> str:
    """``warehouse``, ``logistics`` or ``bank`` for a partner that can report, else ``""``."""
    kind = str(getattr(user, "partner_kind", "")) if is_partner(user) else ""
    return kind if kind in {"warehouse", "logistics", "bank"} else ""


def reported_costs_for(*, user: AnyUser | None) -> QuerySet[OverseasCost]:
    """The costs this partner reported (a partner reads what it pushed, nothing more)."""
    if not reporting_partner_kind(user):
        return OverseasCost.objects.none()
    return OverseasCost.objects.filter(reported_by_id=getattr(user, "pk", None)).select_related(
        "enterprise"
    )


def reported_proceeds_for(*, user: AnyUser | None) -> QuerySet[ProceedsReceipt]:
    if not reporting_partner_kind(user):
        return ProceedsReceipt.objects.none()
    return ProceedsReceipt.objects.filter(reported_by_id=getattr(user, "pk", None)).select_related(
        "enterprise"
    )


def authorisation_list_for(*, user: AnyUser | None) -> QuerySet[Any]:
    """The report authorisations (``credit.Consent`` with a report scope, no application) the
    caller's enterprise gave; none for anyone else."""
    from credit.models import Consent

    eid = own_enterprise_id(user) if is_enterprise_user(user) else None
    if not eid:
        return Consent.objects.none()
    return Consent.objects.filter(enterprise_id=eid, application__isnull=True).select_related(
        "partner"
    )


def partner_authorisations_for(*, user: AnyUser | None) -> QuerySet[Any]:
    """The active report authorisations given to ``user`` (a reporting partner), by enterprise."""
    from credit.models import Consent

    if not reporting_partner_kind(user):
        return Consent.objects.none()
    return (
        Consent.objects.filter(
            Consent.active_q(), partner_id=getattr(user, "pk", None), application__isnull=True
        )
        .select_related("enterprise")
        .order_by("enterprise__name")
    )


def authorisation_get_for(*, user: AnyUser | None, pk: int) -> Any:
    found = authorisation_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def proceeds_get_for(*, user: AnyUser | None, pk: int) -> ProceedsReceipt:
    found = proceeds_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def statement_list_for(*, user: AnyUser | None) -> QuerySet[NettingStatement]:
    return _own(NettingStatement.objects.all(), user)


def statement_get_for(*, user: AnyUser | None, number: str) -> NettingStatement:
    found = statement_list_for(user=user).filter(number=number[:32]).first()
    if found is None:
        raise Http404
    return found


def declaration_for(*, user: AnyUser | None, pk: int) -> Any:
    """A released export declaration of the caller's own enterprise."""
    from customs.models import Declaration, Direction

    eid = own_enterprise_id(user) if is_enterprise_user(user) else None
    if eid is None:
        raise Http404
    found = Declaration.objects.filter(
        pk=pk, enterprise_id=eid, direction=Direction.EXPORT, released=True
    ).first()
    if found is None:
        raise Http404
    return found


def overview_for(*, user: AnyUser | None) -> dict[str, Any]:
    """Statements issued, by county and currency: counts and sums, no enterprise named."""
    qs = scope_by_county(NettingStatement.objects.all(), user)
    rows = (
        qs.values("county__name", "county__name_en", "currency")
        .annotate(
            statements=Count("pk"),
            enterprises=Count("enterprise", distinct=True),
            costs=Sum("costs_total"),
            proceeds=Sum("proceeds"),
        )
        .order_by("county__name", "currency")
    )
    out = []
    totals: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"statements": 0, "costs": Decimal(0), "proceeds": Decimal(0)}
    )
    for r in rows:
        out.append(
            {
                "county": localized_name(r["county__name"] or "", r["county__name_en"] or ""),
                "currency": r["currency"],
                "statements": r["statements"],
                "enterprises": r["enterprises"],
                "costs": money(r["costs"] or 0),
                "proceeds": money(r["proceeds"] or 0),
            }
        )
        t = totals[r["currency"]]
        t["statements"] += r["statements"]
        t["costs"] = money(t["costs"] + (r["costs"] or 0))
        t["proceeds"] = money(t["proceeds"] + (r["proceeds"] or 0))
    return {"rows": out, "totals": dict(totals)}
