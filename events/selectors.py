"""Permission-aware reads of events and registrations, and the figures the 2027 targets count.

Who may do what:

* publish an event — city reviewer and administrator (any county, or city-wide), a county officer
  (their own county only) or a partner (any county, or city-wide);
* manage an event (edit, cancel, finish, see the registration list, import attendance) — its
  publisher, the city reviewer/administrator, and the county officer of the event's county;
* browse events — every logged-in user (cancelled ones stay listed with their status);
* register online — enterprise users (one registration per person, within capacity).

Target definitions (article numbers of the seed; see docs/events-and-warehouses.md):

* training person-times (art. (十六), ≥ 4,000 a year) = attended registrations of non-cancelled
  events of the kinds in ``TRAINING_KINDS`` (training; competitions, which (十六) lists among the
  ways to train talent) that started in the year;
* matchmaking events (art. (十八), ≥ 40 a year) = non-cancelled events of the kinds in
  ``MATCHMAKING_KINDS`` (matchmaking, salon, summit) that started in the year, up to now.

By county: events held in that county; city-wide events (no county) count only city-wide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import (
    in_county,
    is_city_level,
    is_county_officer,
    is_enterprise_user,
    is_partner,
    is_signed_in,
    own_county_id,
)
from events.filters import EventFilterSet, RegistrationFilterSet
from events.models import (
    MATCHMAKING_KINDS,
    TRAINING_KINDS,
    Event,
    EventStatus,
    Registration,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from codes.models import County

    AnyUser = User | AnonymousUser


def can_publish(user: AnyUser | None, county: County | None = None) -> bool:
    """May ``user`` publish an event (in ``county``; None = city-wide / not yet chosen)?"""
    if is_city_level(user) or is_partner(user):
        return True
    if is_county_officer(user):
        return county is None or county.pk == own_county_id(user)
    return False


def can_publish_in(user: AnyUser | None, county: County | None) -> bool:
    """Like :func:`can_publish`, but a county officer may not publish city-wide events."""
    if is_county_officer(user):
        return county is not None and county.pk == own_county_id(user)
    return can_publish(user, county)


def can_manage(user: AnyUser | None, event: Event) -> bool:
    if not is_signed_in(user) or user is None:
        return False
    if is_city_level(user):
        return True
    if event.organiser_user_id is not None and event.organiser_user_id == user.pk:
        return True
    return event.county_id is not None and in_county(user, event.county_id)


def can_register(user: AnyUser | None) -> bool:
    return is_enterprise_user(user)


def can_check_in(user: AnyUser | None) -> bool:
    return is_signed_in(user)


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=tz)


def event_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Event]:
    """Events with their registration and attendance counts, narrowed by ``EventFilterSet``."""
    if not is_signed_in(user):
        return Event.objects.none()
    qs = (
        Event.objects.select_related("county")
        .annotate(
            registered=Count("registrations", distinct=True),
            attended_count=Count(
                "registrations", filter=Q(registrations__attended=True), distinct=True
            ),
        )
        .order_by("-starts_at", "-pk")
    )
    return EventFilterSet.apply(qs, filters)


def event_get_for(*, user: AnyUser | None, pk: int) -> Event:
    event = (
        Event.objects.select_related("county", "organiser_user").filter(pk=pk).first()
        if is_signed_in(user)
        else None
    )
    if event is None:
        raise Http404("not found")
    return event


def registrations_for(
    *, user: AnyUser | None, event: Event, filters: Mapping[str, Any] | None = None
) -> QuerySet[Registration]:
    """The registration list of ``event`` — only for those who manage it — narrowed by
    ``RegistrationFilterSet`` values."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not can_manage(user, event):
        raise PermissionDenied(_("无权查看该活动的报名名单。"))
    qs = event.registrations.select_related("enterprise", "user")
    return RegistrationFilterSet.apply(qs, filters)


def registration_of(*, user: AnyUser | None, event: Event) -> Registration | None:
    """The user's own registration for ``event``, if any."""
    if not is_signed_in(user) or user is None or user.pk is None:
        return None
    return event.registrations.filter(user_id=int(user.pk)).first()


def my_registrations(*, user: AnyUser | None) -> QuerySet[Registration]:
    if not is_signed_in(user) or user is None or user.pk is None:
        return Registration.objects.none()
    return Registration.objects.filter(user_id=int(user.pk)).select_related(
        "event", "event__county"
    )


def seats_taken(event: Event) -> int:
    """Registrations that hold a seat (online and on-site alike)."""
    return event.registrations.count()


# --- figures for the 2027 targets (aggregated, no permission: used by the statistics app) ---


def _counted_events(year: int, county: County | None) -> QuerySet[Event]:
    start, end = _year_bounds(year)
    qs = Event.objects.filter(starts_at__gte=start, starts_at__lt=end).exclude(
        status=EventStatus.CANCELLED
    )
    if county is not None:
        qs = qs.filter(county=county)
    return qs


def training_person_times(
    year: int, county: County | None = None, *, until: dt.datetime | None = None
) -> int:
    """Attended registrations of the year's non-cancelled training events (art. (十六)),
    of events starting before ``until`` when given (a report as of a day)."""
    events = _counted_events(year, county).filter(kind__in=TRAINING_KINDS)
    if until is not None:
        events = events.filter(starts_at__lt=until)
    return Registration.objects.filter(event__in=events, attended=True).count()


def matchmaking_event_count(
    year: int, county: County | None = None, *, until: dt.datetime | None = None
) -> int:
    """Non-cancelled matchmaking/salon/summit events held in the year so far (art. (十八)),
    or before ``until`` when given."""
    qs = _counted_events(year, county).filter(
        kind__in=MATCHMAKING_KINDS, starts_at__lte=until or timezone.now()
    )
    return qs.count()


def monthly_figures(year: int, county: County | None = None) -> list[dict[str, int]]:
    """Per month (1–12): training person-times and matchmaking events, for trend charts."""
    tz = timezone.get_default_timezone()
    rows = [{"month": m, "person_times": 0, "matchmaking_events": 0} for m in range(1, 13)]
    events = _counted_events(year, county)
    attended = Registration.objects.filter(
        event__in=events.filter(kind__in=TRAINING_KINDS), attended=True
    ).values_list("event__starts_at", flat=True)
    for starts_at in attended:
        rows[starts_at.astimezone(tz).month - 1]["person_times"] += 1
    held = events.filter(kind__in=MATCHMAKING_KINDS, starts_at__lte=timezone.now())
    for starts_at in held.values_list("starts_at", flat=True):
        rows[starts_at.astimezone(tz).month - 1]["matchmaking_events"] += 1
    return rows
