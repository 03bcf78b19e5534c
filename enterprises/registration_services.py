"""Verifying self-registered enterprises (注册核验).

A public registration creates an enterprise in status *pending* (待核验) and tells it that its
county will verify it. The enterprise's county officer (or a city reviewer or an administrator)
decides: ``registration_activate`` (pending → active) or ``registration_reject`` with a reason
(pending → deregistered, the only other edge ``enterprises.workflow`` allows from pending). Both
are audited and tell every active user of the enterprise through the platform's notifications
(``applications.Notification``) and an e-mail to the contact address.

A customs code given at registration is a change request of its own and stays on 档案变更核验:
activating the registration does not verify it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from enterprises import workflow
from enterprises.models import Enterprise, EnterpriseStatus
from enterprises.registration_selectors import can_verify_registration

if TYPE_CHECKING:
    from accounts.models import User

REASON_MAX = 500


def registration_refusal(actor: object, enterprise: Enterprise) -> str | None:
    """Why ``actor`` may not decide ``enterprise``'s registration now (None when it may).

    The service refuses what this refuses; the pages offer the buttons only when it is None.
    """
    if not can_verify_registration(actor, enterprise):
        return _("只有该企业所在县区的商务部门或市商务局可以核验企业注册。")
    if enterprise.status != EnterpriseStatus.PENDING:
        return _("该企业当前状态为“%(status)s”，不是待核验的注册。") % {
            "status": enterprise.get_status_display()
        }
    return None


def _notify(*, enterprise: Enterprise, message: str) -> None:
    from accounts.models import User
    from applications.models import Notification

    users = User.objects.filter(enterprise_id=enterprise.pk, is_active=True)
    Notification.objects.bulk_create([Notification(user=u, message=message) for u in users])
    email = enterprise.contact_email
    if email:
        subject = _("【点点通】企业注册核验结果")
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
        transaction.on_commit(
            lambda: send_mail(subject, message, sender, [email], fail_silently=True)
        )


def _decide(*, actor: User, enterprise: Enterprise, to: str, reason: str) -> Enterprise:
    locked = Enterprise.objects.select_for_update().select_related("county").get(pk=enterprise.pk)
    refusal = registration_refusal(actor, locked)
    if refusal and not can_verify_registration(actor, locked):
        raise PermissionDenied(refusal)
    if refusal:
        raise ValidationError(refusal)
    edge = workflow.status_refusal(locked, to)
    if edge:
        raise ValidationError(edge)
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="enterprises.registration_activate"
        if to == EnterpriseStatus.ACTIVE
        else "enterprises.registration_reject",
        obj=locked,
        before={"status": before},
        after={"status": to, "reason": reason},
    )
    return locked


@transaction.atomic
def registration_activate(*, actor: User, enterprise: Enterprise) -> Enterprise:
    """Verify a pending registration: the enterprise becomes active and is told so."""
    locked = _decide(actor=actor, enterprise=enterprise, to=EnterpriseStatus.ACTIVE, reason="")
    _notify(
        enterprise=locked,
        message=_(
            "贵单位“%(name)s”的注册已由%(county)s商务部门核验通过，现可使用平台的全部功能，"
            "包括政策匹配和专项资金申报。"
        )
        % {"name": locked.name, "county": locked.county.name},
    )
    return locked


@transaction.atomic
def registration_reject(*, actor: User, enterprise: Enterprise, reason: str) -> Enterprise:
    """Refuse a pending registration with a reason the enterprise is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不予通过的原因。")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("原因不能超过 500 个字。")]})
    locked = _decide(
        actor=actor, enterprise=enterprise, to=EnterpriseStatus.DEREGISTERED, reason=reason
    )
    _notify(
        enterprise=locked,
        message=_(
            "贵单位“%(name)s”的注册未通过%(county)s商务部门核验。原因：%(reason)s"
            "如有疑问，请联系%(county)s商务部门。"
        )
        % {"name": locked.name, "county": locked.county.name, "reason": reason},
    )
    return locked
