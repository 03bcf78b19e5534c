"""Permission-aware reads of rounds, applications, evidence and notifications.

Scope: an enterprise user sees its own enterprise's applications (drafts included); a county
officer sees the non-draft applications of their county; the city reviewer, finance officer and
administrator see every non-draft application. Anything outside the scope is a 404 (existence is
not revealed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import (
    is_city_level,
    is_city_reviewer,
    is_county_officer,
    is_enterprise_user,
    is_officer,
    is_signed_in,
    scope_by_enterprise,
)
from applications.filters import ApplicationFilterSet
from applications.models import (
    Application,
    ApplicationStatus,
    Evidence,
    Notification,
    Round,
    RoundStatus,
)
from core.queries import get_or_none
from enterprises.models import IndustryBelt

S = ApplicationStatus
COUNTY_INBOX = (S.SUBMITTED, S.COUNTY_REVIEW)
CITY_INBOX = (S.CITY_REVIEW,)


def is_reviewer(user: Any) -> bool:
    """Officers who see matter flags and evidence of applications in their scope."""
    return is_officer(user)


# ---------------------------------------------------------------- rounds


def round_visible_qs(*, user: Any) -> QuerySet[Round]:
    if is_city_level(user):
        return Round.objects.all()
    if is_signed_in(user):
        return Round.objects.exclude(status=RoundStatus.DRAFT)
    return Round.objects.none()


def round_get_for(*, user: Any, pk: int) -> Round:
    rnd = get_or_none(round_visible_qs(user=user), pk=pk)
    if rnd is None:
        raise Http404("not found")
    return rnd


@dataclass(frozen=True)
class RoundState:
    """Whether an enterprise can apply in a round now, and if not, why and when."""

    round: Round
    accepting: bool
    reason: str


def round_state(rnd: Round, *, today: dt.date | None = None) -> RoundState:
    today = today or timezone.localdate()
    fmt = {"opens": rnd.opens_on.isoformat(), "closes": rnd.closes_on.isoformat()}
    if rnd.status == RoundStatus.OPEN and rnd.opens_on <= today <= rnd.closes_on:
        return RoundState(rnd, True, _("申报中，截止日期 %(closes)s。") % fmt)
    if rnd.status == RoundStatus.CLOSED or today > rnd.closes_on:
        return RoundState(rnd, False, _("申报已于 %(closes)s 截止。") % fmt)
    if today < rnd.opens_on:
        return RoundState(rnd, False, _("尚未开始，将于 %(opens)s 开始申报。") % fmt)
    return RoundState(rnd, False, _("该批次尚未开放申报。"))


def round_states_for(*, user: Any, today: dt.date | None = None) -> list[RoundState]:
    return [round_state(r, today=today) for r in round_visible_qs(user=user)]


def next_opening(*, today: dt.date | None = None) -> Round | None:
    """The next round that opens after today (published, i.e. not draft)."""
    today = today or timezone.localdate()
    return (
        Round.objects.filter(status=RoundStatus.OPEN, opens_on__gt=today)
        .order_by("opens_on", "pk")
        .first()
    )


def accepting_rounds(*, today: dt.date | None = None) -> QuerySet[Round]:
    today = today or timezone.localdate()
    return Round.objects.filter(
        status=RoundStatus.OPEN, opens_on__lte=today, closes_on__gte=today
    ).order_by("closes_on", "pk")


# ---------------------------------------------------------------- applications


def application_visible_qs(*, user: Any) -> QuerySet[Application]:
    qs = scope_by_enterprise(
        Application.objects.select_related("round", "enterprise", "county"), user
    )
    # Drafts are the enterprise's own until submitted.
    return qs if is_enterprise_user(user) else qs.exclude(status=S.DRAFT)


def application_list_for(
    *, user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[Application]:
    """``filters``: status, search, round (:class:`applications.filters.ApplicationFilterSet`)."""
    qs = ApplicationFilterSet.apply(application_visible_qs(user=user), filters)
    return qs.order_by("-created_at", "-pk")


def application_get_for(*, user: Any, pk: int) -> Application:
    app = application_visible_qs(user=user).filter(pk=pk).first()
    if app is None:
        raise Http404("not found")
    return app


def inbox_for(*, user: Any) -> QuerySet[Application]:
    """The reviewer's 待审 list: county officers their county's new and in-review applications,
    the city reviewer everything awaiting city review. Oldest submission first."""
    qs = application_visible_qs(user=user)
    if is_county_officer(user):
        qs = qs.filter(status__in=COUNTY_INBOX)
    elif is_city_reviewer(user):
        qs = qs.filter(status__in=CITY_INBOX)
    else:
        return qs.none()
    return qs.order_by("submitted_at", "pk")


@dataclass(frozen=True)
class MatterFlag:
    """Another application using the same invoice/contract number."""

    pk: int
    year: int
    measure: str
    status: str
    status_label: str
    county: str
    enterprise: str  # blank when the viewer may not see that enterprise
    visible: bool  # whether the viewer may open it
    same_enterprise: bool


def matter_flags_for(*, user: Any, application: Application) -> list[MatterFlag]:
    """Other applications (any year, any enterprise) with the same matter reference: the same
    ``matter_key`` (``INV-001``, ``inv 001`` and ``ＩＮＶ－００１`` are one invoice).

    Only reviewers get flags; an enterprise never learns about other enterprises' claims.
    Drafts are not counted (not submitted yet).
    """
    if not is_reviewer(user) or not application.matter_key:
        return []
    others = (
        Application.objects.filter(matter_key=application.matter_key)
        .exclude(pk=application.pk)
        .exclude(status=S.DRAFT)
        .select_related("round", "enterprise", "county")
        .order_by("-round__year", "pk")
    )
    visible_ids = set(
        application_visible_qs(user=user)
        .filter(pk__in=[o.pk for o in others])
        .values_list("pk", flat=True)
    )
    return [
        MatterFlag(
            pk=o.pk,
            year=o.round.year,
            measure=o.measure,
            status=o.status,
            status_label=str(S(o.status).label),
            county=o.county.label if o.county else "",
            enterprise=o.enterprise.name if o.pk in visible_ids else "",
            visible=o.pk in visible_ids,
            same_enterprise=o.enterprise_id == application.enterprise_id,
        )
        for o in others
    ]


def matter_flag_counts(*, applications: list[Application]) -> dict[int, int]:
    """For list pages: how many other non-draft applications share each one's matter
    (``matter_key``)."""
    matters = {a.matter_key for a in applications if a.matter_key}
    if not matters:
        return {}
    rows = (
        Application.objects.exclude(status=S.DRAFT)
        .filter(matter_key__in=matters)
        .values("matter_key")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, int] = {r["matter_key"]: r["n"] for r in rows}
    result = {}
    for a in applications:
        key = a.matter_key
        n = counts.get(key, 0) - (1 if a.status != S.DRAFT and key else 0)
        if key and n > 0:
            result[a.pk] = n
    return result


# ---------------------------------------------------------------- evidence


def evidence_get_for(*, user: Any, pk: int) -> Evidence:
    """An evidence file ``user`` may download (its application is visible to them)."""
    evidence = Evidence.objects.select_related("application").filter(pk=pk).first()
    if evidence is None:
        raise Http404("not found")
    application_get_for(user=user, pk=evidence.application_id)
    return evidence


# ---------------------------------------------------------------- notifications


def notification_list_for(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    if not is_signed_in(user):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user).select_related("application")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


# ---------------------------------------------------------------- (四) industry belts


def belt_choices(county_id: int | None) -> list[tuple[int, str]]:
    """The industry belts an application of an enterprise of ``county_id`` may name (四)."""
    if county_id is None:
        return []
    return list(IndustryBelt.objects.filter(county_id=county_id).values_list("pk", "name"))


def belt_name(application: Application) -> str:
    """The name of the industry belt an application names ("" when it names none)."""
    pk = (application.attributes or {}).get("industry_belt")
    if not isinstance(pk, int):
        return ""
    return IndustryBelt.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
