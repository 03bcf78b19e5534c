"""Writes of the export desk: keyword-only, one transaction each, an audit entry each. Only an
enterprise user writes, and only for its own enterprise (the enterprise is never taken from the
request)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import evidence as ev
from audit.services import audit_record, snapshot
from exportdesk import netting, selectors
from exportdesk.models import (
    AUTHORISATION_DAYS,
    REPORT_KINDS,
    CostKind,
    GoodsReturn,
    InvoiceDeclaration,
    NettingStatement,
    OverseasCost,
    ProceedsReceipt,
    ReportScope,
    ReturnReason,
    SaleConfirmation,
)
from exportdesk.money import money

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from credit.models import Consent
    from enterprises.models import Enterprise

MAX_AMOUNT = Decimal("999999999999.99")
MAX_STATEMENT_MONTHS = 24


def document_max_bytes() -> int:
    return int(getattr(settings, "DDT_EXPORTDESK_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


def _own_enterprise(actor: User) -> Enterprise:
    if not selectors.can_use_desk(actor):
        raise PermissionDenied(_("只有企业用户可以使用出口服务。"))
    return selectors.enterprise_for(actor)


def _amount(value: Any, field: str = "amount") -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("请填写数字。")]}) from None
    if not number.is_finite() or number <= 0:
        raise ValidationError({field: [_("数值应大于 0。")]})
    if number > MAX_AMOUNT or number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("数值过大或小数位过多。")]})
    return money(number)


def _currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if code not in {c for c, _label in netting.currency_choices()}:
        raise ValidationError({"currency": [_("请选择币种。")]})
    return code


def _date(value: Any, field: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({field: [_("请填写日期。")]})
    today = timezone.localdate()
    if value > today or value.year < 2000:
        raise ValidationError({field: [_("日期不能晚于今天。")]})
    return value


def _text(value: Any, field: str, max_length: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写此项。")]})
    if len(text) > max_length:
        raise ValidationError({field: [_("不能超过 %(n)s 个字符。") % {"n": max_length}]})
    return text


# ------------------------------------------------------------------ FX netting


@transaction.atomic
def cost_add(
    *,
    actor: User,
    kind: str,
    currency: str,
    amount: Any,
    incurred_on: dt.date,
    payee: str,
    document: UploadedFile,
    description: str = "",
) -> OverseasCost:
    """An overseas warehousing, logistics or tax cost with its PDF (type by content,
    size-limited)."""
    enterprise = _own_enterprise(actor)
    if kind not in CostKind.values:
        raise ValidationError({"kind": [_("请选择费用类型。")]})
    info = ev.checked_pdf(
        document, field="document", limit=document_max_bytes(), size=document.size
    )
    cost = OverseasCost(
        enterprise=enterprise,
        kind=kind,
        currency=_currency(currency),
        amount=_amount(amount),
        incurred_on=_date(incurred_on, "incurred_on"),
        payee=_text(payee, "payee", 200),
        description=_text(description, "description", 300, required=False),
        original_name=(document.name or "").strip()[:255] or "document.pdf",
        size=info.size,
        sha256=info.sha256,
        created_by=actor,
    )
    cost.document.save("upload.pdf", document, save=False)
    stored, storage = cost.document.name, cost.document.storage
    try:
        cost.save()
        audit_record(actor=actor, action="exportdesk.cost_add", obj=cost, after=snapshot(cost))
    except Exception:
        storage.delete(stored)
        raise
    return cost


@transaction.atomic
def proceeds_add(
    *,
    actor: User,
    currency: str,
    amount: Any,
    received_on: dt.date,
    bank: str,
    reference: str = "",
) -> ProceedsReceipt:
    enterprise = _own_enterprise(actor)
    receipt = ProceedsReceipt.objects.create(
        enterprise=enterprise,
        currency=_currency(currency),
        amount=_amount(amount),
        received_on=_date(received_on, "received_on"),
        bank=_text(bank, "bank", 200),
        reference=_text(reference, "reference", 64, required=False),
        created_by=actor,
    )
    audit_record(
        actor=actor, action="exportdesk.proceeds_add", obj=receipt, after=snapshot(receipt)
    )
    return receipt


def _number(today: dt.date) -> str:
    return f"FX{today:%Y%m%d}{secrets.token_hex(4).upper()}"


@transaction.atomic
def statement_issue(
    *, actor: User, currency: str, month_from: str, month_to: str
) -> NettingStatement:
    """Freeze the figures of a period (whole months, at most 24, not in the future) and a
    currency into a numbered statement."""
    enterprise = _own_enterprise(actor)
    start, end = netting.parse_month(month_from), netting.parse_month(month_to)
    if start is None:
        raise ValidationError({"month_from": [_("请按 YYYY-MM 填写月份。")]})
    if end is None:
        raise ValidationError({"month_to": [_("请按 YYYY-MM 填写月份。")]})
    today = timezone.localdate()
    span = (end // 100 * 12 + end % 100) - (start // 100 * 12 + start % 100) + 1
    if span < 1 or span > MAX_STATEMENT_MONTHS:
        raise ValidationError({"month_to": [_("期间应为 1 至 24 个月。")]})
    if end > today.year * 100 + today.month:
        raise ValidationError({"month_to": [_("截止月份不能晚于本月。")]})
    code = _currency(currency)
    period = netting.Period.of_months(start, end)
    f = netting.figures(enterprise.pk, period, code)
    statement = NettingStatement.objects.create(
        number=_number(today),
        enterprise=enterprise,
        county=enterprise.county,
        currency=code,
        period_from=period.first,
        period_to=period.last,
        export_value=f.export_value,
        export_value_cny=f.export_value_cny,
        costs_warehousing=f.costs[CostKind.WAREHOUSING],
        costs_logistics=f.costs[CostKind.LOGISTICS],
        costs_tax=f.costs[CostKind.TAX],
        costs_total=f.costs_total,
        net_due=f.net_due,
        proceeds=f.proceeds,
        difference=f.difference,
        detail={"costs": f.cost_lines, "proceeds": f.proceeds_lines},
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="exportdesk.statement_issue",
        obj=statement,
        after=snapshot(statement, fields=["number", "currency", "net_due", "difference"]),
    )
    return statement


# ------------------------------------------------------------------ tax helpers


@transaction.atomic
def invoice_declare(*, actor: User, year: int, no_purchase_invoice: bool) -> InvoiceDeclaration:
    """The enterprise states, for a year, whether its exports had no valid purchase invoice."""
    enterprise = _own_enterprise(actor)
    if not 2000 <= int(year) <= timezone.localdate().year:
        raise ValidationError({"year": [_("年度无效。")]})
    before = InvoiceDeclaration.objects.filter(enterprise=enterprise, year=year).first()
    declared, _created = InvoiceDeclaration.objects.update_or_create(
        enterprise=enterprise,
        year=year,
        defaults={"no_purchase_invoice": bool(no_purchase_invoice), "declared_by": actor},
    )
    audit_record(
        actor=actor,
        action="exportdesk.invoice_declare",
        obj=declared,
        before=snapshot(before) if before else None,
        after=snapshot(declared),
    )
    return declared


@transaction.atomic
def goods_return_record(
    *, actor: User, declaration_id: int, returned_on: dt.date, reason: str, original_state: bool
) -> GoodsReturn:
    """Record the return of one exported inventory (its deadline is then checked)."""
    enterprise = _own_enterprise(actor)
    declaration = selectors.declaration_for(user=actor, pk=declaration_id)
    if reason not in ReturnReason.values:
        raise ValidationError({"reason": [_("请选择退运原因。")]})
    returned_on = _date(returned_on, "returned_on")
    if returned_on < declaration.declared_on:
        raise ValidationError({"returned_on": [_("退运日期不能早于出口日期。")]})
    if GoodsReturn.objects.filter(declaration=declaration).exists():
        raise ValidationError({"returned_on": [_("该清单已登记退运。")]})
    record = GoodsReturn.objects.create(
        enterprise=enterprise,
        declaration=declaration,
        returned_on=returned_on,
        reason=reason,
        original_state=bool(original_state),
        created_by=actor,
    )
    audit_record(actor=actor, action="exportdesk.return_record", obj=record, after=snapshot(record))
    return record


@transaction.atomic
def sale_confirm(*, actor: User, declaration_id: int, sold_on: dt.date) -> SaleConfirmation:
    """Confirm that the goods of a 9810 export were sold from the overseas warehouse."""
    from exportdesk.rules import rules

    enterprise = _own_enterprise(actor)
    declaration = selectors.declaration_for(user=actor, pk=declaration_id)
    if declaration.trade_mode != rules().rebate_mode:
        raise ValidationError({"sold_on": [_("只有 9810 出口需要销售确认。")]})
    sold_on = _date(sold_on, "sold_on")
    if sold_on < declaration.declared_on:
        raise ValidationError({"sold_on": [_("销售日期不能早于出口日期。")]})
    if SaleConfirmation.objects.filter(declaration=declaration).exists():
        raise ValidationError({"sold_on": [_("该清单已确认销售。")]})
    record = SaleConfirmation.objects.create(
        enterprise=enterprise, declaration=declaration, sold_on=sold_on, created_by=actor
    )
    audit_record(actor=actor, action="exportdesk.sale_confirm", obj=record, after=snapshot(record))
    return record


# ------------------------------------------------------------------ partner reports


def _notify(enterprise_id: int, message: str) -> None:
    """In-app message to each active user of the enterprise (``applications.Notification``)."""
    from accounts.models import User
    from applications.models import Notification

    users = User.objects.filter(enterprise_id=enterprise_id, is_active=True)
    Notification.objects.bulk_create([Notification(user=u, message=message) for u in users])


@transaction.atomic
def authorisation_grant(*, actor: User, partner: User, scope: str, days: int) -> Consent:
    """The enterprise lets a warehouse or logistics partner (costs) or a bank partner (proceeds)
    report to its netting statement: a ``credit.Consent`` with the report scope, for ``days``."""
    from accounts.access import is_partner
    from credit.models import Consent

    enterprise = _own_enterprise(actor)
    if scope not in ReportScope.values:
        raise ValidationError({"scope": [_("请选择授权事项。")]})
    if not (
        is_partner(partner)
        and partner.is_active
        and partner.partner_kind in REPORT_KINDS[ReportScope(scope)]
    ):
        raise ValidationError({"partner": [_("该机构不能报送此类数据。")]})
    if int(days) not in AUTHORISATION_DAYS:
        raise ValidationError({"days": [_("请选择授权期限。")]})
    now = timezone.now()
    consent = Consent.objects.create(
        enterprise=enterprise,
        partner=partner,
        organisation=(partner.organisation or partner.get_username())[:200],
        scopes=[scope],
        purpose=str(_("向本企业的轧差结算说明报送数据（汇发〔2020〕11号）")),
        granted_by=actor,
        granted_at=now,
        expires_at=now + dt.timedelta(days=int(days)),
    )
    audit_record(
        actor=actor,
        action="exportdesk.authorisation_grant",
        obj=consent,
        after=snapshot(consent, fields=["partner", "scopes", "expires_at"]),
    )
    return consent


def authorisation_revoke(*, actor: User, consent: Consent) -> Consent:
    """Revoke at once, through credit's own revocation (the same row, the same rule)."""
    from credit.services import consent_revoke

    return consent_revoke(actor=actor, consent=consent)


def _report_consent(actor: User, enterprise_uscc: str, scope: ReportScope) -> Consent:
    """The partner's active authorisation by that enterprise for that scope, locked; refused
    (403) otherwise: no authorisation, revoked, expired, another enterprise, wrong kind."""
    from accounts.access import is_partner
    from credit.models import Consent

    refused = PermissionDenied(_("贵机构没有该企业的有效报送授权。"))
    if not is_partner(actor) or actor.partner_kind not in REPORT_KINDS[scope]:
        raise refused
    rows = (
        Consent.objects.select_for_update(of=("self",))
        .filter(
            Consent.active_q(),
            partner=actor,
            enterprise__uscc=str(enterprise_uscc or "").strip()[:18],
            application__isnull=True,
        )
        .select_related("enterprise")
        .order_by("-granted_at", "-pk")
    )
    # scopes is a JSON list; SQLite has no JSON "contains", so the few rows are checked here
    consent = next((c for c in rows if scope.value in (c.scopes or [])), None)
    if consent is None:
        raise refused
    return consent


def _key(value: Any) -> str:
    key = str(value or "").strip()
    if not key or len(key) > 100:
        raise ValidationError({"idempotency_key": [_("请填写幂等键（不超过 100 个字符）。")]})
    return key


def _record_push(actor: User, consent: Consent, obj: Any, action: str, what: str) -> None:
    from credit.models import ConsentAccess

    ConsentAccess.objects.create(
        consent=consent, user=actor, username=actor.get_username(), what=what[:200], channel="api"
    )
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        after=snapshot(obj, fields=["enterprise", "currency", "amount", "reference"]),
    )
    _notify(
        consent.enterprise_id,
        _("%(org)s向贵企业的轧差结算报送了%(what)s。")
        % {"org": consent.organisation, "what": what},
    )


@transaction.atomic
def cost_report(
    *,
    actor: User,
    enterprise: str,
    idempotency_key: str,
    kind: str,
    currency: str,
    amount: Any,
    incurred_on: dt.date,
    payee: str,
    reference: str = "",
    document: UploadedFile | None = None,
) -> tuple[OverseasCost, bool]:
    """A warehouse or logistics partner pushes an overseas cost of an enterprise that authorised
    it. Returns (cost, created): a retry with the same key returns the stored row, storing
    nothing."""
    consent = _report_consent(actor, enterprise, ReportScope.COSTS)
    key = _key(idempotency_key)
    existing = OverseasCost.objects.filter(reported_by=actor, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    if kind not in CostKind.values:
        raise ValidationError({"kind": [_("请选择费用类型。")]})
    cost = OverseasCost(
        enterprise=consent.enterprise,
        kind=kind,
        currency=_currency(currency),
        amount=_amount(amount),
        incurred_on=_date(incurred_on, "incurred_on"),
        payee=_text(payee, "payee", 200),
        reference=_text(reference, "reference", 64, required=False),
        created_by=actor,
        reported_by=actor,
        consent=consent,
        source_name=consent.organisation,
        idempotency_key=key,
    )
    stored = ""
    if document is not None:
        info = ev.checked_pdf(
            document, field="document", limit=document_max_bytes(), size=document.size
        )
        cost.original_name = (document.name or "").strip()[:255] or "document.pdf"
        cost.size, cost.sha256 = info.size, info.sha256
        cost.document.save("upload.pdf", document, save=False)
        stored = cost.document.name
    try:
        cost.save()
        _record_push(
            actor,
            consent,
            cost,
            "exportdesk.cost_report",
            f"{cost.get_kind_display()} {cost.currency} {cost.amount}",
        )
    except Exception:
        if stored:
            cost.document.storage.delete(stored)
        raise
    return cost, True


@transaction.atomic
def proceeds_report(
    *,
    actor: User,
    enterprise: str,
    idempotency_key: str,
    currency: str,
    amount: Any,
    received_on: dt.date,
    reference: str = "",
) -> tuple[ProceedsReceipt, bool]:
    """The bank partner reports proceeds an enterprise that authorised it received. Returns
    (receipt, created); a retry with the same key stores nothing."""
    consent = _report_consent(actor, enterprise, ReportScope.PROCEEDS)
    key = _key(idempotency_key)
    existing = ProceedsReceipt.objects.filter(reported_by=actor, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    receipt = ProceedsReceipt.objects.create(
        enterprise=consent.enterprise,
        currency=_currency(currency),
        amount=_amount(amount),
        received_on=_date(received_on, "received_on"),
        bank=consent.organisation,
        reference=_text(reference, "reference", 64, required=False),
        created_by=actor,
        reported_by=actor,
        consent=consent,
        source_name=consent.organisation,
        idempotency_key=key,
    )
    _record_push(
        actor,
        consent,
        receipt,
        "exportdesk.proceeds_report",
        _("收汇 %(c)s %(a)s") % {"c": receipt.currency, "a": receipt.amount},
    )
    return receipt, True


@transaction.atomic
def reported_exclude(*, actor: User, item: OverseasCost | ProceedsReceipt, excluded: bool) -> None:
    """The enterprise leaves a partner-reported item out of its statements (or takes it back);
    it cannot edit it."""
    enterprise = _own_enterprise(actor)
    locked = type(item).objects.select_for_update().filter(pk=item.pk).first()
    if locked is None or locked.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("只能处理本企业的记录。"))
    if locked.reported_by_id is None:
        raise ValidationError(_("只有合作机构报送的记录可以不计入说明。"))
    before = snapshot(locked, fields=["excluded_at"])
    locked.excluded_at = timezone.now() if excluded else None
    locked.save(update_fields=["excluded_at"])
    audit_record(
        actor=actor,
        action="exportdesk.reported_exclude" if excluded else "exportdesk.reported_include",
        obj=locked,
        before=before,
        after=snapshot(locked, fields=["excluded_at"]),
    )
