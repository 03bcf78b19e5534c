"""Change requests (变更申请) for the facts that decide money or route customs data.

An enterprise user does not change its customs registration code, its kind or its first CBEC year
directly: ``change_request_submit`` records what it asks for, the old value stays in force, and the
enterprise's county officer (or a city reviewer) approves or rejects it. Approval applies the value
and marks its source verified; officers' own edits are a trusted source and apply at once
(``enterprises.services.enterprise_update``). Every write is audited; the enterprise's users get an
in-app message (and an e-mail to the contact address) when a request is decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from enterprises import selectors
from enterprises.models import (
    ChangeRequestStatus,
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseKind,
    EnterpriseStatus,
    FactSource,
    VerifiedFact,
)

if TYPE_CHECKING:
    from accounts.models import User

REASON_MAX = 500

# Allowed status changes of a change request (the only place that knows them).
CHANGE_EDGES: dict[str, frozenset[str]] = {
    ChangeRequestStatus.PENDING: frozenset(
        {ChangeRequestStatus.APPROVED, ChangeRequestStatus.REJECTED, ChangeRequestStatus.WITHDRAWN}
    ),
    ChangeRequestStatus.APPROVED: frozenset(),
    ChangeRequestStatus.REJECTED: frozenset(),
    ChangeRequestStatus.WITHDRAWN: frozenset(),
}


def fact_text(value: Any) -> str:
    """A fact's value as a change request stores it ("" for none)."""
    return "" if value in (None, "") else str(value)


def fact_value(field: str, text: str) -> Any:
    """The model value of a change request's text."""
    if field == VerifiedFact.FIRST_CBEC_YEAR:
        return int(text) if text else None
    return text


def customs_code_taken(code: str, *, exclude_pk: int | None) -> bool:
    """Whether another enterprise that is not deregistered already holds ``code``."""
    if not code:
        return False
    qs = Enterprise.objects.filter(customs_code=code).exclude(status=EnterpriseStatus.DEREGISTERED)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def customs_code_taken_error(code: str) -> ValidationError:
    return ValidationError(
        {"customs_code": [_("海关注册编码“%(c)s”已由其他企业使用。") % {"c": code}]}
    )


def _transition(change: EnterpriseChangeRequest, to: str) -> None:
    if to not in CHANGE_EDGES.get(change.status, frozenset()):
        raise ValidationError(
            _("该变更申请已是“%(s)s”，不能再处理。") % {"s": change.get_status_display()}
        )
    change.status = to


def _notify(*, enterprise: Enterprise, message: str) -> None:
    """In-app message to each active user of the enterprise; e-mail to its contact after commit.

    Uses the platform's notifications (``applications.Notification``, without an application).
    """
    from accounts.models import User
    from applications.models import Notification

    users = User.objects.filter(enterprise_id=enterprise.pk, is_active=True)
    Notification.objects.bulk_create([Notification(user=u, message=message) for u in users])
    email = enterprise.contact_email
    if email:
        subject = _("【点点通】企业档案变更核验结果")
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
        transaction.on_commit(
            lambda: send_mail(subject, message, sender, [email], fail_silently=True)
        )


def _close(
    *, actor: User | None, change: EnterpriseChangeRequest, to: str, reason: str, action: str
) -> None:
    before = snapshot(change)
    _transition(change, to)
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.reason = reason[:REASON_MAX]
    change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(actor=actor, action=action, obj=change, before=before, after=snapshot(change))


def change_request_submit(
    *, actor: User, enterprise: Enterprise, values: Mapping[str, Any]
) -> list[EnterpriseChangeRequest]:
    """Record the enterprise's requested values of verified facts (already cleaned).

    A value equal to the one in force withdraws a pending request for that fact; a value equal to
    the pending request's keeps it; any other value replaces it. Returns the new requests.
    Call inside the caller's transaction with ``enterprise`` locked.
    """
    created: list[EnterpriseChangeRequest] = []
    pending = {c.field: c for c in enterprise.change_requests.filter(status="pending")}
    for field, value in values.items():
        if field not in VerifiedFact.values:
            raise ValidationError(_("该事项无需核验：%(f)s") % {"f": field})
        new = fact_text(value)
        old = fact_text(getattr(enterprise, field))
        open_change = pending.get(field)
        if open_change is not None and open_change.new_value == new:
            continue
        if open_change is not None:
            _close(
                actor=actor,
                change=open_change,
                to=ChangeRequestStatus.WITHDRAWN,
                reason=_("企业已修改或撤回申请"),
                action="enterprises.change_withdraw",
            )
        if new == old:
            continue
        change = EnterpriseChangeRequest.objects.create(
            enterprise=enterprise, field=field, old_value=old, new_value=new, requested_by=actor
        )
        audit_record(
            actor=actor, action="enterprises.change_request", obj=change, after=snapshot(change)
        )
        created.append(change)
    return created


def close_superseded(
    *, actor: User, enterprise: Enterprise, fields: Iterable[str]
) -> list[EnterpriseChangeRequest]:
    """An officer set these facts directly: their pending requests are decided by that edit."""
    closed = []
    for change in enterprise.change_requests.filter(status="pending", field__in=list(fields)):
        applied = fact_text(getattr(enterprise, change.field)) == change.new_value
        to = ChangeRequestStatus.APPROVED if applied else ChangeRequestStatus.REJECTED
        reason = "" if applied else _("县区/市商务部门已直接修改为其他值")
        action = "enterprises.change_approve" if applied else "enterprises.change_reject"
        _close(actor=actor, change=change, to=to, reason=reason, action=action)
        _notify(enterprise=enterprise, message=_outcome_message(change))
        closed.append(change)
    return closed


def _outcome_message(change: EnterpriseChangeRequest) -> str:
    label = str(VerifiedFact(change.field).label)
    if change.status == ChangeRequestStatus.APPROVED:
        return _("您申请将%(f)s由“%(a)s”变更为“%(b)s”，已核验通过并生效。") % {
            "f": label,
            "a": change.old_display,
            "b": change.new_display,
        }
    message = _("您申请将%(f)s由“%(a)s”变更为“%(b)s”，未通过核验，原值继续有效。") % {
        "f": label,
        "a": change.old_display,
        "b": change.new_display,
    }
    if change.reason:
        message += " " + _("意见：%(r)s") % {"r": change.reason}
    return message


def _locked_pending(*, actor: User, change: EnterpriseChangeRequest) -> EnterpriseChangeRequest:
    locked = EnterpriseChangeRequest.objects.select_for_update().get(pk=change.pk)
    enterprise = Enterprise.objects.select_for_update().get(pk=locked.enterprise_id)
    if not selectors.can_decide_changes(actor, enterprise):
        raise PermissionDenied(_("无权核验该企业的档案变更。"))
    locked.enterprise = enterprise
    if locked.status != ChangeRequestStatus.PENDING:
        _transition(locked, ChangeRequestStatus.APPROVED)  # raises: already decided
    return locked


@transaction.atomic
def change_request_approve(
    *, actor: User, change: EnterpriseChangeRequest
) -> EnterpriseChangeRequest:
    """Apply the requested value (source: verified); refused if the code is by now taken."""
    locked = _locked_pending(actor=actor, change=change)
    enterprise = locked.enterprise
    field = locked.field
    value = fact_value(field, locked.new_value)
    if field == VerifiedFact.CUSTOMS_CODE and customs_code_taken(value, exclude_pk=enterprise.pk):
        raise customs_code_taken_error(value)
    if field == VerifiedFact.KIND and value not in EnterpriseKind.values:
        raise ValidationError({"kind": [_("请选择有效的企业类型。")]})
    before = snapshot(enterprise)
    setattr(enterprise, field, value)
    setattr(enterprise, f"{field}_source", FactSource.VERIFIED)
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        raise customs_code_taken_error(str(value)) from None
    audit_record(
        actor=actor,
        action="enterprises.enterprise_update",
        obj=enterprise,
        before=before,
        after=snapshot(enterprise),
    )
    _close(
        actor=actor,
        change=locked,
        to=ChangeRequestStatus.APPROVED,
        reason="",
        action="enterprises.change_approve",
    )
    _notify(enterprise=enterprise, message=_outcome_message(locked))
    return locked


@transaction.atomic
def change_request_reject(
    *, actor: User, change: EnterpriseChangeRequest, reason: str
) -> EnterpriseChangeRequest:
    """Refuse the request with a reason; the value in force stays."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("请填写驳回理由。")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("驳回理由不能超过%(n)d字。") % {"n": REASON_MAX}]})
    locked = _locked_pending(actor=actor, change=change)
    _close(
        actor=actor,
        change=locked,
        to=ChangeRequestStatus.REJECTED,
        reason=reason,
        action="enterprises.change_reject",
    )
    _notify(enterprise=locked.enterprise, message=_outcome_message(locked))
    return locked


@transaction.atomic
def enterprise_facts_verify(*, actor: User, enterprise: Enterprise) -> list[str]:
    """An officer confirms the declared facts in force as they are (source: verified)."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if not selectors.can_decide_changes(actor, locked):
        raise PermissionDenied(_("无权核验该企业的档案。"))
    fields = [f for f in VerifiedFact.values if locked.fact_source(f) != FactSource.VERIFIED]
    if not fields:
        return []
    before = snapshot(locked)
    for f in fields:
        setattr(locked, f"{f}_source", FactSource.VERIFIED)
    locked.save(update_fields=[f"{f}_source" for f in fields] + ["updated_at"])
    audit_record(
        actor=actor,
        action="enterprises.facts_verify",
        obj=locked,
        before=before,
        after=snapshot(locked),
    )
    return fields
