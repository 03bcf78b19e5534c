"""Disbursement (拨付): the finance officer records a payment of an approved application."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, ApplicationStatus
from audit.services import audit_record
from funds import selectors
from funds.models import Disbursement

if TYPE_CHECKING:
    from accounts.models import User

BANK_REFERENCE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-_/]{3,63}$")


@transaction.atomic
def disbursement_record(
    *,
    actor: User,
    application: Application,
    paid_on: dt.date,
    bank_reference: str,
    amount: Decimal | None = None,
) -> Disbursement:
    """Record the payment (approved → disbursed with amount_paid); it becomes engine history."""
    if not selectors.can_record_payments(actor):
        raise PermissionDenied(_("只有财务人员可以登记拨付。"))
    app = Application.objects.select_for_update().select_related("round").get(pk=application.pk)
    if app.status != ApplicationStatus.APPROVED:
        raise ValidationError(_("只有“已批准”的申报可以登记拨付。"))
    bank_reference = (bank_reference or "").strip()
    errors: dict[str, list[str]] = {}
    if not BANK_REFERENCE_RE.match(bank_reference):
        errors["bank_reference"] = [_("银行流水号应为 4–64 位字母、数字或 - _ /。")]
    if paid_on > timezone.localdate():
        errors["paid_on"] = [_("拨付日期不能晚于今天。")]
    approved = app.amount_approved or Decimal("0.00")
    amount = approved if amount is None else amount
    if not isinstance(amount, Decimal) or amount <= 0 or amount > approved:
        errors["amount"] = [
            _("拨付金额须大于 0 且不超过批准金额 %(approved)s 元。") % {"approved": approved}
        ]
    elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors["amount"] = [_("金额最多两位小数。")]
    if Disbursement.objects.filter(bank_reference=bank_reference).exists():
        errors["bank_reference"] = [_("该银行流水号已登记过。")]
    if errors:
        raise ValidationError(errors)
    disbursement = Disbursement.objects.create(
        application=app,
        enterprise_id=app.enterprise_id,
        measure=app.measure,
        matter=app.matter,
        year=app.round.year,
        amount=amount,
        paid_on=paid_on,
        bank_reference=bank_reference,
        recorded_by=actor,
    )
    workflow.transition(
        actor=actor,
        application=app,
        to=ApplicationStatus.DISBURSED,
        comment=_("已拨付 %(amount)s 元（%(date)s，流水号 %(ref)s）")
        % {"amount": amount, "date": paid_on.isoformat(), "ref": bank_reference},
        amount_paid=amount,
    )
    audit_record(
        actor=actor,
        action="funds.disbursement_record",
        obj=disbursement,
        after={"application": app.pk, "amount": amount, "paid_on": paid_on, "ref": bank_reference},
    )
    application.status = ApplicationStatus.DISBURSED
    application.amount_paid = amount
    return disbursement
