"""Writes of finance and insurance: keyword-only, one transaction each, an audit entry each.

Every read a partner makes of an enterprise's data goes through :func:`consent_read`, which
re-reads the consent row (locked) and refuses unless it is active at this instant, then records
the access (who, when, what) for the enterprise to see.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import own_enterprise_id
from applications import evidence as ev
from audit.services import audit_record, snapshot
from credit import profile as data
from credit import selectors, signing, workflow
from credit.models import (
    Consent,
    ConsentAccess,
    CreditApplication,
    CreditStatus,
    CreditStep,
    DataScope,
    InsuranceLine,
    Product,
    ProductDocument,
    ProductKind,
    ProductStatus,
    TradeProfile,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from enterprises.models import Enterprise

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
MAX_RATE = Decimal("99.999")
MAX_TERM_MONTHS = 360
CONSENT_DAYS = (30, 90, 180, 365)  # the periods an enterprise may choose
ISSUER = "连云港市跨境电商公共服务平台（点点通）"


def document_max_bytes() -> int:
    return int(getattr(settings, "DDT_CREDIT_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


# ------------------------------------------------------------------ input checks


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def _decimal(
    value: Any, field: str, *, places: Decimal, high: Decimal, zero: bool = False
) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("请填写数字。")]}) from None
    if not number.is_finite() or number < 0 or (number == 0 and not zero):
        raise ValidationError({field: [_("数值应大于 0。")]})
    if number > high or number != number.quantize(places):
        raise ValidationError({field: [_("数值过大或小数位过多。")]})
    return number.quantize(places)


def _money(value: Any, field: str) -> Decimal:
    return _decimal(value, field, places=CENT, high=MAX_AMOUNT)


def _rate(value: Any, field: str) -> Decimal:
    return _decimal(value, field, places=Decimal("0.001"), high=MAX_RATE, zero=True)


def _months(value: Any, field: str) -> int:
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("期限应为整数月。")]}) from None
    if not 1 <= months <= MAX_TERM_MONTHS:
        raise ValidationError({field: [_("期限应在 1 至 360 个月之间。")]})
    return months


def _text(value: Any, field: str, max_length: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写此项。")]})
    if len(text) > max_length:
        raise ValidationError({field: [_("不能超过 %(n)s 个字符。") % {"n": max_length}]})
    return text


def _notify(*, application: CreditApplication, message: str) -> None:
    """In-app message to each active user of the enterprise (``applications.Notification``)."""
    from accounts.models import User
    from applications.models import Notification

    users = User.objects.filter(enterprise_id=application.enterprise_id, is_active=True)
    Notification.objects.bulk_create([Notification(user=u, message=message) for u in users])


# ------------------------------------------------------------------ products


@transaction.atomic
def product_save(
    *,
    actor: User,
    product: Product | None = None,
    name: str,
    amount_min: Any,
    amount_max: Any,
    rate_min: Any,
    rate_max: Any,
    term_months: Any,
    summary: str = "",
    criteria: str = "",
    insurance_line: str = "",
) -> Product:
    """A bank publishes a loan, an insurer an export credit insurance product (or changes its
    own). Ranges are checked: minimum ≤ maximum."""
    kind = selectors.product_kind_for(actor)
    _require(bool(kind), _("只有银行或保险机构用户可以发布金融保险产品。"))
    if product is not None:
        _require(selectors.can_manage_product(actor, product), _("只能修改本机构的产品。"))
    low, high = _money(amount_min, "amount_min"), _money(amount_max, "amount_max")
    if high < low:
        raise ValidationError({"amount_max": [_("最高金额不能低于最低金额。")]})
    rate_low, rate_high = _rate(rate_min, "rate_min"), _rate(rate_max, "rate_max")
    if rate_high < rate_low:
        raise ValidationError({"rate_max": [_("最高利率/费率不能低于最低利率/费率。")]})
    line = ""
    if kind == ProductKind.INSURANCE:
        line = str(insurance_line or "")
        if line not in InsuranceLine.values:
            raise ValidationError({"insurance_line": [_("请选择险种。")]})
    before = snapshot(product) if product is not None else None
    product = product or Product(partner=actor, kind=kind)
    product.organisation = actor.organisation or actor.get_full_name() or actor.get_username()
    product.name = _text(name, "name", 200)
    product.summary = _text(summary, "summary", 4000, required=False)
    product.criteria = _text(criteria, "criteria", 4000, required=False)
    product.insurance_line = line
    product.amount_min, product.amount_max = low, high
    product.rate_min, product.rate_max = rate_low, rate_high
    product.term_months = _months(term_months, "term_months")
    product.save()
    audit_record(
        actor=actor,
        action="credit.product_save",
        obj=product,
        before=before,
        after=snapshot(product),
    )
    return product


@transaction.atomic
def product_set_status(*, actor: User, product: Product, status: str) -> Product:
    """Withdraw a product from the list (or publish it again); its applications go on."""
    _require(selectors.can_manage_product(actor, product), _("只能修改本机构的产品。"))
    if status not in ProductStatus.values:
        raise ValidationError(_("未知的产品状态。"))
    before = snapshot(product)
    product.status = status
    product.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="credit.product_status",
        obj=product,
        before=before,
        after=snapshot(product),
    )
    return product


@transaction.atomic
def document_add(
    *, actor: User, product: Product, title: str, file: UploadedFile
) -> ProductDocument:
    """Attach a PDF (type by its content, size-limited) to the partner's own product."""
    _require(selectors.can_manage_product(actor, product), _("只能为本机构的产品上传文件。"))
    name = (file.name or "").strip()[:255] or "document.pdf"
    info = ev.checked_pdf(file, field="file", limit=document_max_bytes(), size=file.size)
    doc = ProductDocument(
        product=product,
        title=_text(title, "title", 200),
        original_name=name,
        size=info.size,
        sha256=info.sha256,
    )
    doc.file.save("upload.pdf", file, save=False)
    stored, storage = doc.file.name, doc.file.storage
    try:
        doc.save()
        audit_record(actor=actor, action="credit.document_add", obj=doc, after=snapshot(doc))
    except Exception:
        storage.delete(stored)
        raise
    return doc


# ------------------------------------------------------------------ applications and consent


def _scopes(values: Any) -> list[str]:
    chosen = [str(v) for v in (values or [])]
    if not chosen or any(v not in DataScope.values for v in chosen):
        raise ValidationError({"scopes": [_("请至少选择一项授权数据。")]})
    return [s for s in DataScope.values if s in chosen]


def _step(application: CreditApplication, frm: str, to: str, actor: User, note: str = "") -> None:
    CreditStep.objects.create(
        application=application, from_status=frm, to_status=to, actor=actor, note=note[:500]
    )


@transaction.atomic
def application_submit(
    *,
    actor: User,
    product: Product,
    amount: Any,
    term_months: Any,
    purpose: str,
    scopes: Any,
    days: Any,
    on_behalf_of: Enterprise | None = None,
) -> CreditApplication:
    """An enterprise user applies to a published product; applying grants the consent: the
    chosen data, to the product's partner, for ``days`` days, for the stated purpose.

    ``on_behalf_of``: a service platform applies for an enterprise whose active mandate to it
    covers applying for services (docs/mandates.md); the application and its consent are the
    enterprise's (it sees, and may revoke, them as its own), the platform is their creator and
    the act is recorded under the mandate."""
    from enterprises.models import Enterprise

    mandate = None
    if on_behalf_of is not None:
        from mandates.models import MandateScope
        from mandates.services import mandate_require

        mandate = mandate_require(actor=actor, enterprise=on_behalf_of, scope=MandateScope.APPLY)
        enterprise = on_behalf_of
    else:
        _require(selectors.can_apply(actor), _("只有企业用户可以申请金融保险产品。"))
        enterprise = Enterprise.objects.get(pk=own_enterprise_id(actor) or 0)
    product = Product.objects.select_related("partner").get(pk=product.pk)
    if product.status != ProductStatus.PUBLISHED or not product.partner.is_active:
        raise ValidationError(_("该产品已下架，不能申请。"))
    value = _money(amount, "amount")
    if not product.amount_min <= value <= product.amount_max:
        raise ValidationError(
            {
                "amount": [
                    _("申请金额应在 %(a)s 至 %(b)s 元之间。")
                    % {"a": product.amount_min, "b": product.amount_max}
                ]
            }
        )
    months = _months(term_months, "term_months")
    if months > product.term_months:
        raise ValidationError(
            {"term_months": [_("期限不能超过 %(n)s 个月。") % {"n": product.term_months}]}
        )
    try:
        period = int(days)
    except (TypeError, ValueError):
        period = 0
    if period not in CONSENT_DAYS:
        raise ValidationError({"days": [_("请选择授权期限。")]})
    now = timezone.now()
    consent = Consent.objects.create(
        enterprise=enterprise,
        partner=product.partner,
        organisation=product.organisation,
        scopes=_scopes(scopes),
        purpose=_text(purpose, "purpose", 300),
        granted_by=actor,
        granted_at=now,
        expires_at=now + dt.timedelta(days=period),
    )
    application = CreditApplication.objects.create(
        enterprise=enterprise,
        county=enterprise.county,
        product=product,
        partner=product.partner,
        kind=product.kind,
        consent=consent,
        amount=value,
        term_months=months,
        purpose=consent.purpose,
        created_by=actor,
    )
    _step(application, "", CreditStatus.RECEIVED, actor)
    audit_record(actor=actor, action="credit.consent_grant", obj=consent, after=snapshot(consent))
    audit_record(
        actor=actor,
        action="credit.application_submit",
        obj=application,
        after=snapshot(application),
    )
    _notify(
        application=application,
        message=_("您向%(org)s申请的“%(p)s”已提交，并授权其在 %(d)s 天内查看所选数据。")
        % {"org": product.organisation, "p": product.name, "d": period},
    )
    if mandate is not None:
        from mandates.models import MandateScope
        from mandates.services import mandate_act

        mandate_act(
            actor=actor,
            mandate=mandate,
            scope=MandateScope.APPLY,
            what=_("代为申请“%(p)s”（%(org)s），金额 %(a)s 元")
            % {"p": product.name, "org": product.organisation, "a": value},
            obj=application,
        )
    return application


def _active_consent(actor: User, application: CreditApplication) -> Consent:
    """The application's consent re-read and locked now; refused unless it is active and
    ``actor`` is the partner it was given to."""
    consent = Consent.objects.select_for_update().get(pk=application.consent_id)
    if not selectors.is_partner_of(actor, application) or consent.partner_id != actor.pk:
        raise PermissionDenied(_("无权查看该企业的数据。"))
    if not consent.is_active():
        raise PermissionDenied(_("企业的数据授权已撤回或已到期。"))
    return consent


@transaction.atomic
def application_transition(
    *,
    actor: User,
    application: CreditApplication,
    action: str,
    offer_amount: Any = None,
    offer_rate: Any = None,
    offer_term_months: Any = None,
    reference: str = "",
    note: str = "",
) -> CreditApplication:
    """One step of the workflow (:mod:`credit.workflow`); the enterprise is notified."""
    locked = (
        CreditApplication.objects.select_for_update()
        .select_related("product")
        .get(pk=application.pk)
    )
    edge = workflow.edge_for(locked, action)
    if workflow.BY_ACTION.get(action) is None:
        raise ValidationError(_("未知的操作。"))
    side = workflow.BY_ACTION[action].by
    if side == workflow.PARTNER:
        _active_consent(actor, locked)
    else:
        _require(selectors.is_enterprise_of(actor, locked), _("只能处理本企业的申请。"))
    if edge is None:
        raise ValidationError(
            _("该申请当前为“%(s)s”，不能执行此操作。") % {"s": locked.get_status_display()}
        )
    before = snapshot(locked)
    product = locked.product
    if action == "offer":
        amount = _money(offer_amount, "offer_amount")
        if not product.amount_min <= amount <= product.amount_max:
            raise ValidationError({"offer_amount": [_("方案金额超出产品的金额范围。")]})
        rate = _rate(offer_rate, "offer_rate")
        if not product.rate_min <= rate <= product.rate_max:
            raise ValidationError({"offer_rate": [_("方案利率/费率超出产品的范围。")]})
        months = _months(offer_term_months, "offer_term_months")
        if months > product.term_months:
            raise ValidationError({"offer_term_months": [_("方案期限超过产品的最长期限。")]})
        locked.offer_amount, locked.offer_rate, locked.offer_term_months = amount, rate, months
    if action in {"disburse", "issue"}:
        locked.reference = _text(reference, "reference", 64)
        locked.completed_on = timezone.localdate()
    frm = locked.status
    locked.status = edge.to
    locked.save()
    _step(locked, frm, edge.to, actor, _text(note, "note", 500, required=False))
    audit_record(
        actor=actor,
        action=f"credit.application_{action}",
        obj=locked,
        before=before,
        after=snapshot(locked),
    )
    message = _("您向%(org)s申请的“%(p)s”状态更新为：%(s)s。") % {
        "org": product.organisation,
        "p": product.name,
        "s": locked.get_status_display(),
    }
    if action == "offer":
        message += " " + _("方案：金额 %(a)s 元，利率/费率 %(r)s%%，期限 %(m)s 个月。") % {
            "a": locked.offer_amount,
            "r": locked.offer_rate,
            "m": locked.offer_term_months,
        }
    _notify(application=locked, message=message)
    return locked


@transaction.atomic
def consent_revoke(*, actor: User, consent: Consent) -> Consent:
    """The enterprise revokes a consent at once: the partner's next read is refused, and an open
    application under it is withdrawn."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    _require(
        selectors.can_apply(actor) and own_enterprise_id(actor) == locked.enterprise_id,
        _("只能撤回本企业的数据授权。"),
    )
    if locked.revoked_at is not None:
        raise ValidationError(_("该授权已撤回。"))
    before = snapshot(locked)
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="credit.consent_revoke",
        obj=locked,
        before=before,
        after=snapshot(locked),
    )
    application = CreditApplication.objects.select_for_update().filter(consent=locked).first()
    if application is not None and application.status in workflow.OPEN:
        frm = application.status
        app_before = snapshot(application)
        application.status = CreditStatus.WITHDRAWN
        application.save(update_fields=["status", "updated_at"])
        _step(application, frm, CreditStatus.WITHDRAWN, actor, _("企业撤回数据授权"))
        audit_record(
            actor=actor,
            action="credit.application_withdraw",
            obj=application,
            before=app_before,
            after=snapshot(application),
        )
    if application is not None:
        _notify(
            application=application,
            message=_("已撤回对%(org)s的数据授权，对方不能再查看贵企业的数据。")
            % {"org": locked.organisation},
        )
    return locked


@transaction.atomic
def consent_read(
    *, actor: User, application: CreditApplication, what: str, channel: str = "web"
) -> dict[str, Any]:
    """The consented data of the application's enterprise, for its partner, now: refused
    unless the consent is active at this instant; the access is recorded."""
    consent = _active_consent(actor, application)
    scopes = dict(DataScope.choices)
    names = "、".join(re.split(r"（| \(", str(scopes[s]))[0] for s in consent.scopes if s in scopes)
    ConsentAccess.objects.create(
        consent=consent,
        user=actor,
        username=actor.get_username(),
        what=f"{what}（{names}）"[:200],
        channel=channel[:8],
    )
    return data.data_for(
        application.enterprise_id, list(consent.scopes), today=timezone.localdate()
    )


# ------------------------------------------------------------------ trade profiles


def _number() -> str:
    return f"TP{timezone.localdate():%Y%m%d}{secrets.token_hex(5).upper()}"


@transaction.atomic
def profile_issue(
    *, actor: User, application: CreditApplication, channel: str = "web"
) -> TradeProfile:
    """Issue the trade profile of the application's enterprise to its partner: the consented
    data as a canonical JSON document, its SM3 digest and the platform's signature."""
    number = _number()
    content = consent_read(
        actor=actor, application=application, what=f"出具贸易画像 {number}", channel=channel
    )
    consent = application.consent
    from enterprises.models import Enterprise

    enterprise = Enterprise.objects.get(pk=application.enterprise_id)
    now = timezone.now()
    document = {
        "type": "ddt.trade-profile",
        "version": 1,
        "number": number,
        "issuer": ISSUER,
        "issued_at": now.astimezone(dt.UTC).isoformat(),
        "enterprise": {"uscc": enterprise.uscc, "name": enterprise.name},
        "recipient": {"organisation": consent.organisation, "user": actor.get_username()},
        "consent": {
            "id": consent.pk,
            "scopes": list(consent.scopes),
            "purpose": consent.purpose,
            "granted_at": consent.granted_at.astimezone(dt.UTC).isoformat(),
            "expires_at": consent.expires_at.astimezone(dt.UTC).isoformat(),
        },
        "application": application.pk,
        "data": content,
    }
    body = signing.canonical(document)
    digest = signing.sm3_hex(body)
    signature, key_name = signing.sign_document(number, digest)
    profile = TradeProfile.objects.create(
        number=number,
        application=application,
        consent=consent,
        issued_to=actor,
        issued_at=now,
        document=body.decode("utf-8"),
        sm3=digest,
        signature=signature,
        key_name=key_name,
    )
    audit_record(
        actor=actor,
        action="credit.profile_issue",
        obj=profile,
        after=snapshot(profile, fields=["number", "application", "consent", "issued_to", "sm3"]),
    )
    return profile


@transaction.atomic
def profile_open(
    *, actor: User, profile: TradeProfile, what: str, channel: str = "web"
) -> TradeProfile:
    """A partner opens (views / downloads) an issued profile: consent checked now, access
    recorded. The enterprise opening its own profile is not an access under consent."""
    if selectors.is_enterprise_of(actor, profile.application):
        return profile
    consent = _active_consent(actor, profile.application)
    ConsentAccess.objects.create(
        consent=consent,
        user=actor,
        username=actor.get_username(),
        what=f"{what} {profile.number}"[:200],
        channel=channel[:8],
    )
    return profile
