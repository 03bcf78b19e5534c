"""Public notice (公示): publish proposed amounts, objections from the public, approval.

Approval is the budget's safety point: it locks the Round row (``select_for_update``) before it
reads the round's approved total, so two reviewers approving at once are serialised and the
approved total of a round never exceeds its ``budget_total``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, ApplicationStatus, Round
from audit.services import audit_record
from codes.workdays import add_working_days
from entitlement.measures import catalogue
from funds import selectors
from funds.inputs import guide_object
from funds.models import (
    NoticeEntry,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PublicNotice,
)

if TYPE_CHECKING:
    from accounts.models import User

# Objections per client address: enough for a person, too few for a flood.
OBJECTIONS_PER_HOUR = 5
OBJECTIONS_PER_DAY = 20
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def measure_title(measure_id: str) -> str:
    measure = catalogue().get(measure_id)
    return measure.title_zh if measure else measure_id


def notice_period_days(round: Round) -> int:
    return int(guide_object(round)["public_notice_working_days"])


@transaction.atomic
def notice_publish(
    *,
    actor: User,
    round: Round,
    title: str,
    application_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> PublicNotice:
    """Publish a notice of the round's proposed applications (all, or the ids given)."""
    if not selectors.can_manage_notices(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以发布公示。"))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("请填写公示标题。")]})
    if len(title) > 200:
        raise ValidationError({"title": [_("公示标题不能超过 200 字。")]})
    qs = Application.objects.select_for_update().filter(
        round=round, status=ApplicationStatus.PROPOSED
    )
    if application_ids is not None:
        qs = qs.filter(pk__in=application_ids)
    apps = list(qs.select_related("enterprise").order_by("pk"))
    if not apps:
        raise ValidationError(_("没有可公示的拟支持申报。"))
    if application_ids is not None and len(apps) != len(set(application_ids)):
        raise ValidationError(_("所选申报中有不处于“拟支持”状态的记录，请刷新后重试。"))
    today = today or timezone.localdate()
    days = notice_period_days(round)
    try:
        ends_on = add_working_days(today, days)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    notice = PublicNotice.objects.create(
        round=round,
        title=title,
        published_on=today,
        working_days=days,
        ends_on=ends_on,
        created_by=actor,
    )
    for app in apps:
        NoticeEntry.objects.create(
            notice=notice,
            application=app,
            enterprise_name=app.enterprise.name,
            measure_title=measure_title(app.measure),
            amount=app.amount_proposed or Decimal("0.00"),
        )
        workflow.transition(
            actor=actor,
            application=app,
            to=ApplicationStatus.PUBLIC_NOTICE,
            comment=_("进入公示：%(title)s（至 %(end)s）")
            % {"title": title, "end": ends_on.isoformat()},
        )
    audit_record(
        actor=actor,
        action="funds.notice_publish",
        obj=notice,
        after={"entries": [a.pk for a in apps], "ends_on": ends_on, "working_days": days},
    )
    return notice


def client_key(client_ip: str) -> str:
    """A keyed hash of the client address: enough to rate-limit, not to identify."""
    key = hashlib.sha256(f"funds.objection:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, (client_ip or "-").encode(), hashlib.sha256).hexdigest()


def is_open_for_objections(notice: PublicNotice, today: dt.date) -> bool:
    return notice.status == NoticeStatus.OPEN and notice.published_on <= today <= notice.ends_on


@transaction.atomic
def objection_file(
    *,
    notice: PublicNotice,
    name: str,
    text: str,
    phone: str = "",
    email: str = "",
    entry_id: int | None = None,
    client_ip: str = "",
    today: dt.date | None = None,
) -> Objection:
    """File an objection (anyone, no login) during the notice period."""
    today = today or timezone.localdate()
    if not is_open_for_objections(notice, today):
        raise ValidationError(_("该公示不在公示期内，不能提出异议。"))
    name, text = (name or "").strip(), (text or "").strip()
    phone, email = (phone or "").strip(), (email or "").strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 50:
        errors["name"] = [_("请填写姓名（不超过 50 字）。")]
    if len(text) < 5 or len(text) > 2000:
        errors["text"] = [_("请填写异议内容（5 至 2000 字）。")]
    if not phone and not email:
        errors["phone"] = [_("请至少填写联系电话或电子邮箱之一。")]
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = [_("联系电话格式不正确（手机号或带区号的固定电话）。")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("电子邮箱格式不正确。")]
    entry = None
    if entry_id is not None:
        entry = notice.entries.filter(pk=entry_id).first()
        if entry is None:
            errors["entry"] = [_("所选公示条目不存在。")]
    if errors:
        raise ValidationError(errors)
    key = client_key(client_ip)
    now = timezone.now()
    recent = Objection.objects.filter(client_key=key)
    if (
        recent.filter(created_at__gte=now - timedelta(hours=1)).count() >= OBJECTIONS_PER_HOUR
        or recent.filter(created_at__gte=now - timedelta(days=1)).count() >= OBJECTIONS_PER_DAY
    ):
        raise ValidationError(_("提交过于频繁，请稍后再试。"))
    objection = _objection_create(
        notice=notice,
        entry=entry,
        name=name,
        phone=phone,
        email=email,
        text=text,
        client_key=key,
    )
    audit_record(
        actor=None,
        action="funds.objection_file",
        obj=objection,
        after={
            "notice": notice.pk,
            "entry": entry.pk if entry else None,
            "reference": objection.reference,
        },
        # The objector's address is kept only as its HMAC (the same value as
        # ``Objection.client_key``), never in clear — not even in the audit entry, which would
        # otherwise take the request's address. Entries written before this change keep the
        # clear address: rewriting them would break the hash chain (docs/funds.md).
        client_ip=key,
    )
    _notify_reviewers_of_objection(objection)
    return objection


def _notify_reviewers_of_objection(objection: Objection) -> None:
    """Tell every active city reviewer that a notice has a new objection to handle."""
    from accounts.models import Role, User
    from applications.models import Notification

    message = _("公示“%(title)s”收到一条新的异议，请在“公示审核”中处理。") % {
        "title": objection.notice.title
    }
    reviewers = User.objects.filter(is_active=True, role=Role.CITY_REVIEWER)
    Notification.objects.bulk_create([Notification(user=u, message=message) for u in reviewers])


def objection_reference(now: dt.datetime | None = None) -> str:
    """A new reference candidate: two digits of the local year, a dash, six random digits
    (random, so a reference says nothing about how many objections there are)."""
    year = timezone.localtime(now or timezone.now()).strftime("%y")
    return f"{year}-{secrets.randbelow(1_000_000):06d}"


def _objection_create(**values: object) -> Objection:
    """Create the objection under a fresh unique reference (a taken one is drawn again)."""
    for _attempt in range(20):
        reference = objection_reference()
        if Objection.objects.filter(reference=reference).exists():
            continue
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin only costs a redraw
                return Objection.objects.create(reference=reference, **values)
        except IntegrityError:
            continue
    raise RuntimeError("no free objection reference after 20 draws")


@transaction.atomic
def objection_resolve(*, actor: User, objection: Objection, resolution: str) -> Objection:
    if not selectors.can_manage_notices(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以处理异议。"))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": [_("请填写处理意见。")]})
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != ObjectionStatus.OPEN:
        raise ValidationError(_("该异议已处理。"))
    locked.status = ObjectionStatus.RESOLVED
    locked.resolution = resolution
    locked.resolved_by = actor
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor, action="funds.objection_resolve", obj=locked, after={"resolution": resolution}
    )
    objection.status, objection.resolution = locked.status, locked.resolution
    return locked


def approval_refusal(
    notice: PublicNotice, *, today: dt.date, round: Round | None = None
) -> str | None:
    """Why ``notice`` may not be approved on ``today`` (None when it may): the one rule.

    :func:`notice_approve` refuses what this refuses (after locking the round, so the budget
    figure it reads is final), and the review page shows the approve button only when this
    returns None, with the reason otherwise — the page never offers what the service refuses.
    """
    if notice.status != NoticeStatus.OPEN:
        return _("该公示已批准。")
    if today <= notice.ends_on:
        return _("公示期至 %(end)s 结束，期满后方可批准。") % {"end": notice.ends_on.isoformat()}
    open_objections = notice.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_objections:
        return _("还有 %(n)d 条异议未处理，处理完毕后方可批准。") % {"n": open_objections}
    round = round or notice.round
    adding = sum((e.amount for e in notice.entries.all()), Decimal("0.00"))
    already = selectors.round_approved_total(round.pk)
    if already + adding > round.budget_total:
        return _(
            "批准后本批次批准总额将为 %(total)s 元，超过预算 %(budget)s 元"
            "（已批准 %(already)s 元），不能批准。"
        ) % {"total": already + adding, "budget": round.budget_total, "already": already}
    return None


@transaction.atomic
def notice_approve(
    *, actor: User, notice: PublicNotice, today: dt.date | None = None
) -> PublicNotice:
    """Approve every entry of a notice (public_notice → approved with amount_approved).

    Only after the period has ended and every objection is resolved; the Round row is locked
    first and the round's approved total may never exceed its budget.
    """
    if not selectors.can_manage_notices(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以批准。"))
    round = Round.objects.select_for_update().get(pk=notice.round_id)
    locked = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    today = today or timezone.localdate()
    refusal = approval_refusal(locked, today=today, round=round)
    if refusal:
        raise ValidationError(refusal)
    entries = list(locked.entries.select_related("application").order_by("pk"))
    adding = sum((e.amount for e in entries), Decimal("0.00"))
    already = selectors.round_approved_total(round.pk)
    for entry in entries:
        workflow.transition(
            actor=actor,
            application=entry.application,
            to=ApplicationStatus.APPROVED,
            comment=_("公示期满无异议或异议已处理，批准 %(amount)s 元") % {"amount": entry.amount},
            amount_approved=entry.amount,
        )
    locked.status = NoticeStatus.APPROVED
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="funds.notice_approve",
        obj=locked,
        after={"approved": str(adding), "round_total": str(already + adding)},
    )
    return locked
