"""The application workflow: one table of allowed status changes and one function that makes them.

Every status change of an :class:`~applications.models.Application` goes through
:func:`transition`. It locks the row, checks the edge, the actor's role and scope, whether a
comment is required and the edge's guard, applies the status (and any amounts the funds app
passes in ``changes``), writes an :class:`ApplicationEvent`, an audit entry, an in-app
:class:`Notification` to each user of the enterprise and an email to the enterprise's contact
address (through Django's ``EMAIL_BACKEND``, after commit).

The table is documented in docs/applications.md; keep the two in step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from applications.measures import BELT_MEASURES, measure_title
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationOrigin,
    ApplicationStatus,
    Notification,
    RoundStatus,
)
from audit.services import audit_record

if TYPE_CHECKING:
    from accounts.models import User

S = ApplicationStatus

# Scopes: which applications an actor of an allowed role may move.
OWN_ENTERPRISE = "own_enterprise"  # the actor's own enterprise
OWN_COUNTY = "own_county"  # applications of the actor's county
ALL = "all"  # every application


@dataclass(frozen=True)
class Rule:
    """What one edge of the workflow needs."""

    roles: frozenset[str]
    label: Any  # the button text (lazy translation)
    comment_required: bool = False
    manual: bool = True  # offered by the generic review page and API transition endpoint
    guard: Callable[[Application], str | None] | None = None  # returns an error message or None
    # for some applications the comment is a required confirmation: returns what the actor
    # must confirm (shown by the button, the error when the comment is missing) or None
    confirmation: Callable[[Application], str | None] | None = None
    style: str = ""  # "secondary" / "danger" for the button


def _round_accepting(application: Application) -> str | None:
    rnd = application.round
    today = timezone.localdate()
    if rnd.status != RoundStatus.OPEN or not (rnd.opens_on <= today <= rnd.closes_on):
        return _("申报批次“%(name)s”当前不在申报期内（%(opens)s 至 %(closes)s），不能提交。") % {
            "name": rnd.name,
            "opens": rnd.opens_on.isoformat(),
            "closes": rnd.closes_on.isoformat(),
        }
    return None


def _no_application_only(application: Application) -> str | None:
    if application.origin != ApplicationOrigin.NO_APPLICATION:
        return _("只有免申即享的记录可直接进入市级审核。")
    return None


def _belt_operator_confirmation(application: Application) -> str | None:
    # (四) 补助给县区确定的产业带运营主体或平台合作项目主体: the county names them, so the
    # county officer confirms it before the application goes to the city.
    if application.measure in BELT_MEASURES:
        return _(
            "（四）产业带补助：请在审核意见中确认申报单位是该产业带的运营主体，"
            "或县区确定的平台合作项目主体。"
        )
    return None


ENTERPRISE = frozenset({Role.ENTERPRISE.value})
COUNTY = frozenset({Role.COUNTY_OFFICER.value})
CITY = frozenset({Role.CITY_REVIEWER.value})
FINANCE = frozenset({Role.FINANCE_OFFICER.value})

# (from, to) → rule. The only place where allowed status changes are written down.
TRANSITIONS: dict[tuple[str, str], Rule] = {
    # enterprise
    (S.DRAFT, S.SUBMITTED): Rule(ENTERPRISE, gettext_lazy("提交申报"), guard=_round_accepting),
    (S.RETURNED, S.SUBMITTED): Rule(ENTERPRISE, gettext_lazy("修改后重新提交")),
    (S.DRAFT, S.WITHDRAWN): Rule(ENTERPRISE, gettext_lazy("撤回"), style="danger"),
    (S.SUBMITTED, S.WITHDRAWN): Rule(ENTERPRISE, gettext_lazy("撤回"), style="danger"),
    (S.RETURNED, S.WITHDRAWN): Rule(ENTERPRISE, gettext_lazy("撤回"), style="danger"),
    # county officer (their county only)
    (S.SUBMITTED, S.COUNTY_REVIEW): Rule(COUNTY, gettext_lazy("受理审核"), style="secondary"),
    (S.SUBMITTED, S.CITY_REVIEW): Rule(
        COUNTY, gettext_lazy("县区审核通过，报市级"), confirmation=_belt_operator_confirmation
    ),
    (S.COUNTY_REVIEW, S.CITY_REVIEW): Rule(
        COUNTY, gettext_lazy("县区审核通过，报市级"), confirmation=_belt_operator_confirmation
    ),
    (S.SUBMITTED, S.RETURNED): Rule(
        COUNTY, gettext_lazy("退回修改"), comment_required=True, style="secondary"
    ),
    (S.COUNTY_REVIEW, S.RETURNED): Rule(
        COUNTY, gettext_lazy("退回修改"), comment_required=True, style="secondary"
    ),
    (S.SUBMITTED, S.REJECTED): Rule(
        COUNTY, gettext_lazy("不予支持"), comment_required=True, style="danger"
    ),
    (S.COUNTY_REVIEW, S.REJECTED): Rule(
        COUNTY, gettext_lazy("不予支持"), comment_required=True, style="danger"
    ),
    # city reviewer (all counties)
    (S.CITY_REVIEW, S.RETURNED): Rule(
        CITY, gettext_lazy("退回修改"), comment_required=True, style="secondary"
    ),
    (S.CITY_REVIEW, S.REJECTED): Rule(
        CITY, gettext_lazy("不予支持"), comment_required=True, style="danger"
    ),
    # edges driven by the funds app (proposal runs, public notice, approval, disbursement)
    (S.DRAFT, S.CITY_REVIEW): Rule(
        CITY, gettext_lazy("免申即享：进入市级审核"), manual=False, guard=_no_application_only
    ),
    (S.CITY_REVIEW, S.PROPOSED): Rule(CITY, gettext_lazy("列入拟支持"), manual=False),
    (S.PROPOSED, S.CITY_REVIEW): Rule(CITY, gettext_lazy("撤回拟支持"), manual=False),
    (S.PROPOSED, S.PUBLIC_NOTICE): Rule(CITY, gettext_lazy("进入公示"), manual=False),
    (S.PROPOSED, S.REJECTED): Rule(
        CITY, gettext_lazy("不予支持"), comment_required=True, manual=False
    ),
    (S.PUBLIC_NOTICE, S.APPROVED): Rule(CITY, gettext_lazy("批准"), manual=False),
    (S.PUBLIC_NOTICE, S.CITY_REVIEW): Rule(
        CITY, gettext_lazy("公示异议成立，重新审核"), comment_required=True, manual=False
    ),
    (S.APPROVED, S.DISBURSED): Rule(FINANCE, gettext_lazy("登记拨付"), manual=False),
}

SCOPES: dict[str, str] = {
    Role.ENTERPRISE.value: OWN_ENTERPRISE,
    Role.COUNTY_OFFICER.value: OWN_COUNTY,
    Role.CITY_REVIEWER.value: ALL,
    Role.FINANCE_OFFICER.value: ALL,
}

# Fields the caller may set in the same transaction as the status change.
CHANGEABLE_FIELDS = frozenset({"amount_proposed", "amount_approved", "amount_paid", "explanation"})


def actor_role(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return ""
    return str(actor.role)


def in_scope(actor: Any, application: Application) -> bool:
    """Whether ``actor`` may act on ``application`` at all (role scope, not the edge)."""
    scope = SCOPES.get(actor_role(actor))
    if scope == ALL:
        return True
    if scope == OWN_COUNTY:
        return actor.county_id is not None and actor.county_id == application.county_id
    if scope == OWN_ENTERPRISE:
        return actor.enterprise_id is not None and actor.enterprise_id == application.enterprise_id
    return False


@dataclass(frozen=True)
class Edge:
    """An edge the viewer may take now (for buttons and the API)."""

    to: str
    label: str
    comment_required: bool
    style: str
    confirmation: str = ""  # what the comment must confirm (empty: no confirmation needed)

    @property
    def to_label(self) -> str:
        return str(S(self.to).label)


def allowed_transitions(
    *, actor: Any, application: Application, manual_only: bool = True
) -> list[Edge]:
    """The edges ``actor`` may take from the application's current status (guards excluded:
    a guard failing shows as a clear error when the button is pressed)."""
    role = actor_role(actor)
    if not role or not in_scope(actor, application):
        return []
    edges = []
    for (frm, to), rule in TRANSITIONS.items():
        if frm != application.status or role not in rule.roles:
            continue
        if manual_only and not rule.manual:
            continue
        confirmation = rule.confirmation(application) if rule.confirmation else None
        edges.append(
            Edge(
                to=to,
                label=str(rule.label),
                comment_required=rule.comment_required or bool(confirmation),
                style=rule.style,
                confirmation=confirmation or "",
            )
        )
    return edges


def _status_label(value: str) -> str:
    try:
        return str(S(value).label)
    except ValueError:
        return value


def _check_changes(changes: dict[str, Any]) -> None:
    unknown = set(changes) - CHANGEABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("状态变更不能同时修改这些字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name in ("amount_proposed", "amount_approved", "amount_paid"):
        if name in changes and changes[name] is not None:
            value = changes[name]
            if not isinstance(value, Decimal) or value < 0:
                raise ValidationError(_("金额须为非负的 Decimal。"))
    if "explanation" in changes and not isinstance(changes["explanation"], list):
        raise ValidationError(_("金额说明须为列表。"))


@transaction.atomic
def transition(
    *,
    actor: User,
    application: Application,
    to: str,
    comment: str = "",
    **changes: Any,
) -> Application:
    """Move ``application`` to status ``to``.

    Raises ``PermissionDenied`` when the actor's role or scope does not allow it and
    ``ValidationError`` (Chinese message) when the edge does not exist, a required comment
    (or the comment that is the edge's confirmation) is missing or the edge's guard refuses.
    Nothing is changed in either case.
    """
    # Only the application's row: without of=("self",) the round's and the enterprise's rows
    # are locked too, and every submission of a round queues behind that one round row.
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "enterprise")
        .get(pk=application.pk)
    )
    _apply(actor=actor, locked=locked, to=to, comment=comment, changes=changes)
    # the caller's instance reflects the change
    application.status = locked.status
    application.submitted_at = locked.submitted_at
    for name, value in changes.items():
        setattr(application, name, value)
    application.updated_at = locked.updated_at
    return application


def transition_inserted(
    *,
    actor: User,
    application: Application,
    to: str,
    unsaved_events: Sequence[ApplicationEvent] = (),
) -> Application:
    """``transition`` for an application inserted in the caller's still open transaction.

    No other transaction can see (let alone change) a row before the insert commits, so the row
    is not read back and locked again: the create-and-submit request of the deadline rush saves
    that look-up. The checks are ``transition``'s. ``unsaved_events`` (the creation's event)
    are stored in one insert with the transition's."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block or application._state.adding:
        raise transaction.TransactionManagementError(
            "transition_inserted() needs the application saved in the open transaction"
        )
    _apply(
        actor=actor,
        locked=application,
        to=to,
        comment="",
        changes={},
        unsaved_events=unsaved_events,
    )
    return application


def _apply(
    *,
    actor: User,
    locked: Application,
    to: str,
    comment: str,
    changes: dict[str, Any],
    unsaved_events: Sequence[ApplicationEvent] = (),
) -> None:
    """Check and make the change on ``locked``, whose row the caller holds."""
    frm = locked.status
    comment = (comment or "").strip()
    if to not in S.values:
        raise ValidationError(_("未知的申报状态：%(to)s") % {"to": to})
    rule = TRANSITIONS.get((frm, to))
    if rule is None:
        raise ValidationError(
            _("申报当前状态为“%(frm)s”，不能变更为“%(to)s”。")
            % {"frm": _status_label(frm), "to": _status_label(to)}
        )
    role = actor_role(actor)
    if role not in rule.roles:
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    if not in_scope(actor, locked):
        raise PermissionDenied(_("您无权处理该申报。"))
    if rule.comment_required and not comment:
        raise ValidationError({"comment": [_("请填写意见（退回或不予支持时必填）。")]})
    confirmation = rule.confirmation(locked) if rule.confirmation else None
    if confirmation and not comment:
        raise ValidationError({"comment": [confirmation]})
    if rule.guard is not None:
        problem = rule.guard(locked)
        if problem:
            raise ValidationError(problem)
    _check_changes(changes)

    before = {"status": frm, **{k: getattr(locked, k) for k in changes}}
    locked.status = to
    update_fields = ["status", "updated_at"]
    if to == S.SUBMITTED and locked.submitted_at is None:
        locked.submitted_at = timezone.now()
        update_fields.append("submitted_at")
    for name, value in changes.items():
        setattr(locked, name, value)
        update_fields.append(name)
    locked.save(update_fields=update_fields)

    ApplicationEvent.objects.bulk_create(
        [
            *unsaved_events,
            ApplicationEvent(
                application=locked, from_status=frm, to_status=to, actor=actor, comment=comment
            ),
        ]
    )
    audit_record(
        actor=actor,
        action="application.transition",
        obj=locked,
        before=before,
        after={"status": to, "comment": comment, **changes},
    )
    _notify(application=locked, frm=frm, to=to, comment=comment)


# Who is told that an application now waits for them: the county officers of its county when
# the enterprise submits (or resubmits), the city reviewers when the county passes it on.
COUNTY_HANDOFF = frozenset({S.SUBMITTED.value, S.COUNTY_REVIEW.value})


def _notify(*, application: Application, frm: str, to: str, comment: str) -> None:
    """In-app notifications: to each active user of the enterprise (and an email after commit),
    and to the officers who must now review ``application``. One look-up finds them all."""
    from accounts.models import User

    message = _("您的申报 #%(pk)s（%(measure)s）状态由“%(frm)s”变更为“%(to)s”。") % {
        "pk": application.pk,
        "measure": measure_title(application.measure),
        "frm": _status_label(frm),
        "to": _status_label(to),
    }
    if comment:
        message += " " + _("意见：%(comment)s") % {"comment": comment}
    recipients = Q(enterprise_id=application.enterprise_id)
    officer_message = ""
    officers = _officers_to_tell(application=application, frm=frm, to=to)
    if officers is not None:
        recipients |= officers[0]
        officer_message = officers[1]
    users = User.objects.filter(recipients, is_active=True).values_list("pk", "enterprise_id")
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=pk,
                application=application,
                message=message if enterprise_id == application.enterprise_id else officer_message,
            )
            for pk, enterprise_id in users
        ]
    )
    email = application.enterprise.contact_email
    if email:
        subject = _("【点点通】申报 #%(pk)s 状态变更") % {"pk": application.pk}
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
        transaction.on_commit(
            lambda: send_mail(subject, message, sender, [email], fail_silently=True)
        )


def _officers_to_tell(*, application: Application, frm: str, to: str) -> tuple[Q, str] | None:
    """The officers who must now review ``application`` and what they are told, or None."""
    if to == S.SUBMITTED and application.county_id is not None:
        who = Q(role=Role.COUNTY_OFFICER, county_id=application.county_id)
        text = _("新的申报待县区审核：%(enterprise)s 提交了申报 #%(pk)s（%(measure)s）。")
    elif to == S.CITY_REVIEW and frm in COUNTY_HANDOFF:
        who = Q(role=Role.CITY_REVIEWER)
        text = _("新的申报待市级审核：%(enterprise)s 的申报 #%(pk)s（%(measure)s）已通过县区审核。")
    else:
        return None
    message = text % {
        "enterprise": application.enterprise.name,
        "pk": application.pk,
        "measure": measure_title(application.measure),
    }
    return who, message
