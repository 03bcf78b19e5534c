"""What may happen to an event and a registration now: the one place that says so.

Like ``applications/workflow.py``: the services refuse exactly what these functions refuse, and
the detail page shows a button only when the matching function allows it, so a button can never
disagree with the service. Each ``*_refusal`` function returns the reason (shown to the user) or
None when the action is allowed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, EventStatus, Registration

# current status → the statuses an event manager may move it to
STATUS_EDGES: dict[str, frozenset[str]] = {
    EventStatus.PUBLISHED: frozenset({EventStatus.CANCELLED, EventStatus.FINISHED}),
    EventStatus.CANCELLED: frozenset(),
    EventStatus.FINISHED: frozenset(),
}


def status_refusal(event: Event, status: str, *, now: dt.datetime | None = None) -> str | None:
    """Why ``event`` may not move to ``status``: cancel only without sign-ins, finish only once
    it has started."""
    if status not in STATUS_EDGES.get(event.status, frozenset()):
        return _("活动不能从“%(a)s”改为“%(b)s”。") % {
            "a": event.get_status_display(),
            "b": dict(EventStatus.choices).get(status, status),
        }
    now = now or timezone.now()
    if status == EventStatus.CANCELLED and event.registrations.filter(attended=True).exists():
        return _("已有签到记录的活动不能取消。")
    if status == EventStatus.FINISHED and event.starts_at > now:
        return _("活动尚未开始，不能标记为已结束。")
    return None


def next_statuses(event: Event, *, now: dt.datetime | None = None) -> frozenset[str]:
    """The statuses ``event`` may move to now (the manager's buttons)."""
    now = now or timezone.now()
    edges = STATUS_EDGES.get(event.status, frozenset())
    return frozenset(s for s in edges if status_refusal(event, s, now=now) is None)


def edit_refusal(event: Event) -> str | None:
    """Only a published event can be edited."""
    if event.status != EventStatus.PUBLISHED:
        return _("已取消或已结束的活动不能修改。")
    return None


def registration_refusal(event: Event, *, now: dt.datetime | None = None) -> str | None:
    """Online registration is open while the event is published and has not started."""
    if event.status != EventStatus.PUBLISHED or event.starts_at <= (now or timezone.now()):
        return _("该活动已开始、已结束或已取消，不能报名。")
    return None


def cancel_registration_refusal(
    registration: Registration, *, now: dt.datetime | None = None
) -> str | None:
    """A registrant may withdraw until the event starts, unless already signed in."""
    if registration.attended or registration.event.starts_at <= (now or timezone.now()):
        return _("活动已开始或已签到，不能取消报名。")
    return None


#: Check-in opens this long before the start and closes at the end of the event's last day.
CHECK_IN_OPENS_BEFORE = dt.timedelta(hours=2)


def check_in_window(event: Event) -> tuple[dt.datetime, dt.datetime]:
    """When check-in is accepted: 2 h before the start to the end of the last day."""
    tz = timezone.get_default_timezone()
    last = (event.ends_at or event.starts_at).astimezone(tz).date()
    closes = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return event.starts_at - CHECK_IN_OPENS_BEFORE, closes


def check_in_refusal(event: Event, *, now: dt.datetime | None = None) -> str | None:
    """Check-in (event code or personal code) is open on the event's day: from 2 hours before
    the start to the end of its last day, unless cancelled."""
    if event.status == EventStatus.CANCELLED:
        return _("该活动已取消。")
    opens, closes = check_in_window(event)
    if not opens <= (now or timezone.now()) < closes:
        return _("不在签到时间内（活动开始前 2 小时至活动当天结束）。")
    return None


def mark_attended_refusal(event: Event, *, now: dt.datetime | None = None) -> str | None:
    """The officer may record attendance from the opening of check-in on (also afterwards, to
    complete the record), never for a cancelled event."""
    if event.status == EventStatus.CANCELLED:
        return _("该活动已取消，不能登记签到。")
    opens, _closes = check_in_window(event)
    if (now or timezone.now()) < opens:
        return _("签到尚未开始（活动开始前 2 小时开放）。")
    return None
