"""Writes for trainings and events: publish, edit, cancel/finish, register, check in, import
attendance. Keyword-only, transactional, audited; permissions from :mod:`events.selectors`.

Seats: every registration holds one seat (one person per registration). Online registration is
refused once the seats are taken; people who turn up and sign in on site (check-in code or the
imported sign-in sheet) are recorded even beyond capacity — attendance is a fact, not a booking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from codes.models import County
from events import excel, selectors, workflow
from events.excel import RowError, is_mobile, normalise_phone
from events.models import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationSource,
    random_code,
)

if TYPE_CHECKING:
    from accounts.models import User

MAX_CAPACITY = 100_000

EVENT_FIELDS = (
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "county",
    "venue",
    "organiser",
    "capacity",
    "description",
)


def new_check_in_code() -> str:
    """A random code, unique among events."""
    while True:
        code = random_code()
        if not Event.objects.filter(check_in_code=code).exists():
            return code


def _clean_event(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name, value in values.items():
        if name in {"title", "organiser", "venue"}:
            text = " ".join(str(value or "").split())
            limit = {"title": 200, "organiser": 200, "venue": 300}[name]
            if name != "venue" and not text:
                err(name, _("请填写活动名称。") if name == "title" else _("请填写主办单位。"))
            elif len(text) > limit:
                err(name, _("不能超过 %(n)s 个字符。") % {"n": limit})
            cleaned[name] = text
        elif name == "description":
            cleaned[name] = str(value or "").strip()
        elif name == "kind":
            if value not in EventKind.values:
                err(name, _("请选择有效的活动类型。"))
            cleaned[name] = value
        elif name in {"starts_at", "ends_at"}:
            if value in (None, ""):
                if name == "starts_at":
                    err(name, _("请填写开始时间。"))
                cleaned[name] = None
            elif not isinstance(value, dt.datetime) or timezone.is_naive(value):
                err(name, _("时间格式无效。"))
            else:
                cleaned[name] = value
        elif name == "county":
            if value in (None, ""):
                cleaned[name] = None
            elif isinstance(value, County):
                cleaned[name] = value
            else:
                county = County.objects.filter(code=str(value).strip()).first()
                if county is None:
                    err(name, _("县区代码“%(c)s”不存在。") % {"c": value})
                cleaned[name] = county
        elif name == "capacity":
            try:
                capacity = int(value)
            except (TypeError, ValueError):
                capacity = 0
            if not 1 <= capacity <= MAX_CAPACITY:
                err(name, _("名额应为 1 至 %(n)s 之间的整数。") % {"n": MAX_CAPACITY})
            cleaned[name] = capacity
        else:
            err(name, _("该字段不可修改。"))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_times(event: Event) -> None:
    if event.ends_at is not None and event.ends_at < event.starts_at:
        raise ValidationError({"ends_at": [_("结束时间不能早于开始时间。")]})


@transaction.atomic
def event_publish(
    *,
    actor: User,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    capacity: int,
    organiser: str,
    county: County | str | None = None,
    ends_at: dt.datetime | None = None,
    venue: str = "",
    description: str = "",
) -> Event:
    """Publish a training or event; it gets a random check-in code."""
    values = _clean_event(
        {
            "title": title,
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "county": county,
            "venue": venue,
            "organiser": organiser,
            "capacity": capacity,
            "description": description,
        }
    )
    if not selectors.can_publish_in(actor, values["county"]):
        raise PermissionDenied(_("无权在该县区发布活动（县区商务部门只能发布本县区的活动）。"))
    event = Event(
        **values,
        organiser_user=actor,
        status=EventStatus.PUBLISHED,
        check_in_code=new_check_in_code(),
    )
    _check_times(event)
    event.save()
    audit_record(actor=actor, action="events.event_publish", obj=event, after=snapshot(event))
    return event


@transaction.atomic
def event_update(*, actor: User, event: Event, **changes: Any) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not selectors.can_manage(actor, event):
        raise PermissionDenied(_("无权修改该活动。"))
    refusal = workflow.edit_refusal(event)
    if refusal:
        raise ValidationError(refusal)
    values = _clean_event(changes)
    moved = "county" in values and values["county"] != event.county
    if moved and not selectors.can_publish_in(actor, values["county"]):
        raise PermissionDenied(_("无权将活动改到该县区。"))
    if "capacity" in values and values["capacity"] < selectors.seats_taken(event):
        raise ValidationError(
            {
                "capacity": [
                    _("名额不能少于已报名人数（%(n)d）。") % {"n": selectors.seats_taken(event)}
                ]
            }
        )
    before = snapshot(event)
    for name, value in values.items():
        setattr(event, name, value)
    _check_times(event)
    event.save()
    audit_record(
        actor=actor, action="events.event_update", obj=event, before=before, after=snapshot(event)
    )
    return event


@transaction.atomic
def event_set_status(*, actor: User, event: Event, status: str) -> Event:
    """Cancel (before it starts) or finish (once it has started) a published event."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not selectors.can_manage(actor, event):
        raise PermissionDenied(_("无权修改该活动。"))
    refusal = workflow.status_refusal(event, status)
    if refusal:
        raise ValidationError(refusal)
    before = snapshot(event)
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="events.event_set_status",
        obj=event,
        before=before,
        after=snapshot(event),
    )
    return event


def _duplicate_error() -> ValidationError:
    return ValidationError(_("您已报名该活动，请勿重复报名。"))


@transaction.atomic
def registration_create(
    *, actor: User, event: Event, name: str = "", phone: str = "", organisation: str = ""
) -> Registration:
    """An enterprise user registers online: capacity enforced, once per person."""
    if not selectors.can_register(actor):
        raise PermissionDenied(_("只有企业用户可以在线报名。"))
    # Lock the event row: concurrent registrations queue here, so the seat count is exact.
    event = Event.objects.select_for_update().get(pk=event.pk)
    refusal = workflow.registration_refusal(event)
    if refusal:
        raise ValidationError(refusal)
    name = " ".join(str(name or actor.get_full_name() or actor.username).split())[:50]
    phone = normalise_phone(phone or actor.phone)
    if not is_mobile(phone):
        raise ValidationError({"phone": [_("请填写有效的 11 位手机号码。")]})
    if (
        event.registrations.filter(user=actor).exists()
        or event.registrations.filter(phone=phone).exists()
    ):
        raise _duplicate_error()
    if selectors.seats_taken(event) >= event.capacity:
        raise ValidationError(_("名额已满，不能报名。"))
    enterprise = actor.enterprise
    registration = Registration(
        event=event,
        enterprise=enterprise,
        user=actor,
        name=name,
        phone=phone,
        organisation=(organisation or (enterprise.name if enterprise else ""))[:200],
        source=RegistrationSource.ONLINE,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise _duplicate_error() from None
    audit_record(
        actor=actor,
        action="events.registration_create",
        obj=registration,
        after=snapshot(registration),
    )
    return registration


@transaction.atomic
def registration_cancel(*, actor: User, registration: Registration) -> None:
    """The registrant withdraws before the event starts (the seat becomes free)."""
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    if registration.user_id != actor.pk:
        raise PermissionDenied(_("只能取消本人的报名。"))
    refusal = workflow.cancel_registration_refusal(registration)
    if refusal:
        raise ValidationError(refusal)
    before = snapshot(registration)
    pk = registration.pk
    registration.delete()
    audit_record(
        actor=actor,
        action="events.registration_cancel",
        object_type=Registration._meta.label,
        object_id=str(pk),
        object_repr=str(registration),
        before=before,
    )


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    already: bool  # the person had checked in before


@transaction.atomic
def check_in(*, actor: User, code: str, phone: str = "") -> CheckInResult:
    """A logged-in attendee enters the event's code: their registration is marked attended.

    Someone who did not register online is recorded as an on-site registration (needs a mobile
    number, from the form or the user's profile). The attendee's own personal code is accepted
    here too (it names the event): see :func:`registration_check_in`.
    """
    if not selectors.can_check_in(actor):
        raise PermissionDenied(_("请先登录。"))
    text = _code_text(code)
    event = Event.objects.select_for_update().filter(check_in_code=text).first() if text else None
    if event is None:
        own = Registration.objects.filter(check_in_code=text, user_id=actor.pk).first()
        if text and own is not None:
            return registration_check_in(actor=actor, event=own.event, code=text)
        raise ValidationError({"code": [_("签到码无效，请核对后重新输入。")]})
    refusal = workflow.check_in_refusal(event)
    if refusal:
        raise ValidationError({"code": [refusal]})
    now = timezone.now()
    registration = event.registrations.filter(user=actor).first()
    phone = normalise_phone(phone or actor.phone)
    if registration is None and phone:
        registration = event.registrations.filter(phone=phone, user__isnull=True).first()
    if registration is not None and registration.attended:
        return CheckInResult(registration, already=True)
    before = snapshot(registration) if registration else None
    if registration is None:
        if not is_mobile(phone):
            raise ValidationError({"phone": [_("您未报名该活动，请填写手机号码完成现场签到。")]})
        if event.registrations.filter(phone=phone).exists():
            raise ValidationError({"phone": [_("该手机号已由他人报名，请核对。")]})
        enterprise = actor.enterprise if actor.enterprise_id else None
        registration = Registration(
            event=event,
            enterprise=enterprise,
            user=actor,
            name=(actor.get_full_name() or actor.username)[:50],
            phone=phone,
            organisation=(enterprise.name if enterprise else actor.organisation)[:200],
            source=RegistrationSource.CHECK_IN,
        )
    elif registration.user_id is None:
        registration.user = actor
    registration.attended = True
    registration.checked_in_at = now
    registration.save()
    audit_record(
        actor=actor,
        action="events.check_in",
        obj=registration,
        before=before,
        after=snapshot(registration),
    )
    return CheckInResult(registration, already=False)


def _code_text(code: Any) -> str:
    return "".join(str(code or "").split()).upper()[:16]


@transaction.atomic
def registration_check_in(*, actor: User, event: Event, code: str) -> CheckInResult:
    """Check in one registration of ``event`` by its personal code, on the event's day.

    The desk (whoever manages the event) may enter anyone's code; an attendee only their own.
    A code of another event, or no code at all, is refused and nothing changes.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    desk = selectors.can_manage(actor, event)
    if not desk and not selectors.can_check_in(actor):
        raise PermissionDenied(_("请先登录。"))
    text = _code_text(code)
    registration = (
        event.registrations.filter(check_in_code=text).select_for_update().first() if text else None
    )
    if registration is None or (not desk and registration.user_id != actor.pk):
        raise ValidationError({"code": [_("签到码无效或不属于本活动，请核对后重新输入。")]})
    refusal = workflow.check_in_refusal(event)
    if refusal:
        raise ValidationError({"code": [refusal]})
    if registration.attended:
        return CheckInResult(registration, already=True)
    before = snapshot(registration)
    registration.attended = True
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["attended", "checked_in_at"])
    audit_record(
        actor=actor,
        action="events.registration_check_in",
        obj=registration,
        before=before,
        after=snapshot(registration) | {"by": "desk" if desk else "attendee"},
    )
    return CheckInResult(registration, already=False)


@dataclass(frozen=True)
class MarkResult:
    marked: int  # registrations now marked attended
    already: int  # of those asked for, already attended before


@transaction.atomic
def registrations_mark_attended(
    *, actor: User, event: Event, registration_ids: list[int]
) -> MarkResult:
    """The officer marks registrations of ``event`` attended (one row's button or the bulk
    action). Every id must be a registration of this event, else nothing changes."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not selectors.can_manage(actor, event):
        raise PermissionDenied(_("无权为该活动登记签到。"))
    refusal = workflow.mark_attended_refusal(event)
    if refusal:
        raise ValidationError(refusal)
    wanted = set(registration_ids)
    if not wanted:
        raise ValidationError(_("请先勾选要标记签到的报名。"))
    rows = list(event.registrations.select_for_update().filter(pk__in=wanted))
    if len(rows) != len(wanted):
        raise ValidationError(_("所选报名不属于本活动，未作任何修改。"))
    now = timezone.now()
    marked = already = 0
    for registration in rows:
        if registration.attended:
            already += 1
            continue
        before = snapshot(registration)
        registration.attended = True
        registration.checked_in_at = now
        registration.save(update_fields=["attended", "checked_in_at"])
        marked += 1
        audit_record(
            actor=actor,
            action="events.registration_mark_attended",
            obj=registration,
            before=before,
            after=snapshot(registration),
        )
    return MarkResult(marked=marked, already=already)


@dataclass
class AttendanceResult:
    rows: int = 0
    matched: int = 0  # registrations marked attended
    added: int = 0  # on-site attendees added from the sheet
    already: int = 0  # rows whose registration was already marked attended
    samples: int = 0  # the template's sample rows, skipped
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def attendance_import(
    *, actor: User, event: Event, file: IO[bytes], filename: str = ""
) -> AttendanceResult:
    """Record attendance from a sign-in sheet (姓名, 手机号[, 单位]). All rows valid → all
    recorded; any error → nothing changes and every error is reported with its row."""
    if not selectors.can_manage(actor, event):
        raise PermissionDenied(_("无权为该活动导入签到名单。"))
    parsed = excel.read_attendance_file(file, filename=filename)
    if parsed.errors:
        return AttendanceResult(
            rows=len(parsed.rows), samples=parsed.samples, errors=list(parsed.errors)
        )
    if not parsed.rows:
        message = _("名单中只有示例行，没有可导入的签到记录（示例行不会导入），未作任何修改。")
        return AttendanceResult(samples=parsed.samples, errors=[RowError(None, "", message)])
    result = attendance_record(actor=actor, event=event, rows=parsed.rows)
    result.samples = parsed.samples
    return result


@transaction.atomic
def attendance_record(
    *, actor: User | None, event: Event, rows: list[excel.AttendanceRow]
) -> AttendanceResult:
    """Mark the people of ``rows`` (already validated) as attended: a registration with the
    same mobile number is marked; anyone else is added as an on-site attendee.
    ``actor=None`` is the system (demo data)."""
    if actor is not None and not selectors.can_manage(actor, event):
        raise PermissionDenied(_("无权为该活动导入签到名单。"))
    result = AttendanceResult(rows=len(rows))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        result.errors.append(RowError(None, "", _("该活动已取消，不能导入签到名单。")))
        return result
    if event.starts_at > timezone.now():
        result.errors.append(RowError(None, "", _("活动尚未开始，不能导入签到名单。")))
        return result
    by_phone = {r.phone: r for r in event.registrations.all()}
    now = timezone.now()
    for row in rows:
        registration = by_phone.get(row.phone)
        if registration is None:
            registration = Registration(
                event=event,
                name=row.name,
                phone=row.phone,
                organisation=row.organisation,
                source=RegistrationSource.IMPORT,
            )
            by_phone[row.phone] = registration
            result.added += 1
        elif registration.attended:
            result.already += 1
            continue
        else:
            result.matched += 1
        registration.attended = True
        registration.checked_in_at = now
        registration.save()
    audit_record(
        actor=actor,
        action="events.attendance_import",
        obj=event,
        after={
            "rows": result.rows,
            "matched": result.matched,
            "added": result.added,
            "already": result.already,
        },
    )
    return result
