"""Permission-aware reads of logistics tracking.

Who sees what:

* an enterprise user: the shipments linked to its own enterprise, with their timelines;
* a logistics partner user: the shipments of its own company code (``User.logistics_code``,
  read through ``accounts.access.own_logistics_code``);
* the read-all roles (city reviewer, finance officer, administrator): every shipment;
  a county officer: the shipments of its county's enterprises. Officers mainly use the
  aggregates (:func:`county_month_aggregates`), which carry no waybill, name or amount;
* anyone, without signing in: :func:`public_track` — the status steps of one waybill, nothing
  else (no company, enterprise, order, inventory, address, amount or free text).

A shipment outside the reader's scope is a 404 (``Http404``), so its existence is not revealed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import access
from codes.models import localized_name
from logistics.filters import ShipmentFilterSet
from logistics.models import EventCode, Shipment, ShipmentEvent

if TYPE_CHECKING:
    from accounts.access import AnyUser

MAX_TIMELINE = 500
# Export shipments that leave the country within this many hours of the customs release count
# as on time in the aggregates (docs/logistics.md).
ON_TIME_HOURS = 72


def shipment_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Shipment]:
    """The shipments ``user`` may see, newest status first."""
    qs = Shipment.objects.all()
    code = access.own_logistics_code(user)
    # a logistics partner: its company's waybills; everyone else: the registry scope
    qs = qs.filter(logistics_code=code) if code else access.scope_by_enterprise(qs, user)
    qs = ShipmentFilterSet.apply(qs, filters or {})
    return qs.select_related("enterprise").order_by("-status_at", "-pk")


def shipment_get_for(*, user: AnyUser | None, pk: int) -> Shipment:
    try:
        return shipment_list_for(user=user).get(pk=pk)
    except Shipment.DoesNotExist:
        raise Http404 from None


def shipment_by_waybill_for(
    *, user: AnyUser | None, logistics_no: str, logistics_code: str = ""
) -> Shipment:
    qs = shipment_list_for(user=user).filter(logistics_no=logistics_no.strip()[:60])
    if logistics_code:
        qs = qs.filter(logistics_code=logistics_code.strip()[:18])
    found = list(qs[:2])
    if len(found) != 1:
        raise Http404
    return found[0]


def timeline(shipment: Shipment) -> list[ShipmentEvent]:
    """The events of a shipment the caller was allowed to read, oldest first."""
    return list(
        ShipmentEvent.objects.filter(shipment_id=shipment.pk).order_by("at", "pk")[:MAX_TIMELINE]
    )


def timeline_json(shipment: Shipment) -> dict[str, Any]:
    """The timeline in the shape of ``ddt logistics track --format json``."""
    return {
        "logistics_no": shipment.logistics_no,
        "logistics_code": shipment.logistics_code,
        "status": shipment.status,
        "events": [
            {
                "at": timezone.localtime(e.at).isoformat(),
                "code": e.code,
                "source": e.source,
                "text": e.text,
            }
            for e in timeline(shipment)
        ],
    }


def shipment_by_waybill(*, logistics_no: str, logistics_code: str = "") -> Shipment:
    """System read for the command line (``ddt logistics track``): any shipment."""
    qs = Shipment.objects.filter(logistics_no=logistics_no.strip()[:60])
    if logistics_code:
        qs = qs.filter(logistics_code=logistics_code.strip()[:18])
    found = list(qs[:2])
    if len(found) != 1:
        raise Http404
    return found[0]


@dataclass(frozen=True)
class PublicStep:
    code: str
    label: str
    at: dt.datetime


def public_track(*, logistics_no: str) -> list[PublicStep]:
    """The status steps of a waybill for the public query: code, label and time only; customs
    receipts and free text are left out. Empty when the number is unknown or ambiguous."""
    no = logistics_no.strip()[:60]
    if not no:
        return []
    shipments = list(Shipment.objects.filter(logistics_no=no).values_list("pk", flat=True)[:2])
    if len(shipments) != 1:
        return []
    labels = dict(EventCode.choices)
    steps = []
    for code, at in (
        ShipmentEvent.objects.filter(shipment_id=shipments[0])
        .exclude(code=EventCode.CUSTOMS_RECEIPT)
        .order_by("at", "pk")
        .values_list("code", "at")[:MAX_TIMELINE]
    ):
        steps.append(PublicStep(code, str(labels.get(code, code)), at))
    return steps


def can_see_aggregates(user: AnyUser | None) -> bool:
    return access.is_officer(user)


@dataclass(frozen=True)
class CountyMonth:
    county_id: int | None
    county_name: str
    month: str  # YYYY-MM, by the release date (Beijing time)
    released: int
    departed: int
    on_time: int
    on_time_share: float | None
    avg_release_to_departure_hours: float | None
    exceptions: int


def county_month_aggregates(*, user: AnyUser | None, year: int) -> list[CountyMonth]:
    """Exports released in ``year`` by county and month (of the release): how many left the
    country, the share that left within ``ON_TIME_HOURS`` of release, the mean release to
    departure time, and exceptions. Scope: every county for the read-all roles, the officer's
    own for a county officer, nothing for anyone else."""
    if not can_see_aggregates(user):
        return []
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    qs = access.scope_by_county(
        Shipment.objects.filter(released_at__gte=start, released_at__lt=end), user
    ).values_list(
        "county_id", "county__name", "county__name_en", "released_at", "departed_at", "exceptions"
    )
    buckets: dict[tuple[int | None, str, str], list[float]] = {}
    counts: dict[tuple[int | None, str, str], list[int]] = {}
    for county_id, name, name_en, released_at, departed_at, exceptions in qs.iterator():
        county_name = localized_name(name or "", name_en or "")
        if released_at is None:  # excluded by the filter; for the type checker
            continue
        month = timezone.localtime(released_at, tz).strftime("%Y-%m")
        key = (county_id, county_name or "", month)
        c = counts.setdefault(key, [0, 0, 0, 0])
        c[0] += 1
        c[3] += exceptions
        if departed_at is not None and departed_at >= released_at:
            hours = (departed_at - released_at).total_seconds() / 3600
            buckets.setdefault(key, []).append(hours)
            c[1] += 1
            if hours <= ON_TIME_HOURS:
                c[2] += 1
    out = []
    for group in sorted(counts, key=lambda k: (k[2], k[1])):
        released, departed, on_time, exceptions = counts[group]
        spans = buckets.get(group, [])
        out.append(
            CountyMonth(
                county_id=group[0],
                county_name=group[1],
                month=group[2],
                released=released,
                departed=departed,
                on_time=on_time,
                on_time_share=round(on_time / released, 4) if released else None,
                avg_release_to_departure_hours=round(sum(spans) / len(spans), 1) if spans else None,
                exceptions=exceptions,
            )
        )
    return out
