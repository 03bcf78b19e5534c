"""Permission-aware reads of the export desk, and who may do what.

* enterprise users — their own enterprise's costs, proceeds, statements, tax checklist, return
  deadlines and 9810 exports; nothing of another enterprise;
* city reviewer, finance officer, administrator — the guidance pages and the statements issued,
  counted by county and currency (no enterprise's figures);
* county officer — the same counts for its own county only;
* partners and anyone else — nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from accounts.access import is_enterprise_user, is_officer, own_enterprise_id, scope_by_county
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
