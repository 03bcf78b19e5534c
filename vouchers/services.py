"""Writes of capacity vouchers: keyword-only, one transaction each, one audit entry each.

Locking: every write that moves pool money locks the pool row first (``select_for_update``),
then the batch or voucher rows, always in that order, so parallel claims and redemptions queue
on the pool and the counters (``committed``, ``redeemed``, ``paid``) and their database
constraints can never be overdrawn or a voucher redeemed twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import own_enterprise_id, own_logistics_code
from applications import evidence as ev
from audit.services import audit_record, snapshot
from entitlement.guide import GuideError, shipped_guide
from entitlement.measures import catalogue
from vouchers import selectors, workflow
from vouchers.entitle import MEASURE, entitlement_for
from vouchers.models import (
    BatchStatus,
    CapacityPurchase,
    LogisticsContract,
    Redemption,
    Settlement,
    SettlementStatus,
    Voucher,
    VoucherBatch,
    VoucherClaim,
    VoucherPool,
    VoucherStatus,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
MAX_FACE_VALUES = 5
CODE_RE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# ------------------------------------------------------------------ input checks


def _money(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("金额应为数字（元）。")]}) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: [_("金额应大于 0。")]})
    if amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        raise ValidationError({field: [_("金额过大或超过两位小数。")]})
    return amount.quantize(CENT)


def _text(value: Any, field: str, max_length: int) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationError({field: [_("请填写此项。")]})
    if len(text) > max_length:
        raise ValidationError({field: [_("不能超过 %(n)s 个字符。") % {"n": max_length}]})
    return text


def _code(value: Any, field: str = "logistics_code") -> str:
    code = str(value or "").strip().upper()
    if not code or len(code) > 18 or not code.isalnum() or not code.isascii():
        raise ValidationError({field: [_("物流企业海关编码应为不超过 18 位的字母或数字。")]})
    return code


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("日期格式应为 YYYY-MM-DD。")]}) from None


def _dates(a: Any, b: Any, fa: str, fb: str) -> tuple[dt.date, dt.date]:
    start, end = _date(a, fa), _date(b, fb)
    if end < start:
        raise ValidationError({fb: [_("结束日期不能早于开始日期。")]})
    return start, end


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def _lock_pool(pool_id: int) -> VoucherPool:
    return VoucherPool.objects.select_for_update().get(pk=pool_id)


# ------------------------------------------------------------------ pool and purchases


@transaction.atomic
def pool_set(*, actor: User | None, year: int, amount: Any) -> VoucherPool:
    """Create or change the year's pool. The year's guide must open ``a11.capacity_voucher``;
    the pool is a line of the guide's fund budget (never above it) and never below what is
    already issued or bought."""
    if actor is not None:
        _require(selectors.can_manage(actor), _("只有市商务局审核人员可以设置运力券资金池。"))
    try:
        guide = shipped_guide(int(year))
    except (GuideError, ValueError):
        raise ValidationError({"year": [_("该年度没有申报指南。")]}) from None
    if MEASURE not in guide.measures:
        raise ValidationError({"year": [_("该年度申报指南未开放运力券。")]})
    value = _money(amount, "amount")
    if value > guide.budget_total:
        raise ValidationError(
            {
                "amount": [
                    _("资金池不能超过指南的专项资金预算 %(b)s 元。") % {"b": guide.budget_total}
                ]
            }
        )
    pool = VoucherPool.objects.select_for_update().filter(year=guide.year).first()
    before = snapshot(pool) if pool else None
    if pool is None:
        pool = VoucherPool(year=guide.year, created_by=actor, amount=value)
    bought = pool.purchases.aggregate(s=Sum("amount"))["s"] if pool.pk else None
    if value < pool.committed or (bought and value < bought):
        raise ValidationError({"amount": [_("资金池不能低于已发放金额或已采购运力金额。")]})
    pool.amount = value
    pool.guide_hash = guide.content_hash
    pool.save()
    audit_record(
        actor=actor, action="vouchers.pool_set", obj=pool, before=before, after=snapshot(pool)
    )
    return pool


@transaction.atomic
def purchase_record(
    *,
    actor: User | None,
    pool: VoucherPool,
    logistics_code: str,
    company_name: str,
    contract_no: str,
    amount: Any,
    valid_from: Any,
    valid_to: Any,
) -> CapacityPurchase:
    """Record capacity bought from a logistics company; all purchases stay within the pool."""
    if actor is not None:
        _require(selectors.can_manage(actor), _("只有市商务局审核人员可以登记运力采购。"))
    pool = _lock_pool(pool.pk)
    start, end = _dates(valid_from, valid_to, "valid_from", "valid_to")
    purchase = CapacityPurchase(
        pool=pool,
        logistics_code=_code(logistics_code),
        company_name=_text(company_name, "company_name", 200),
        contract_no=_text(contract_no, "contract_no", 100),
        amount=_money(amount, "amount"),
        valid_from=start,
        valid_to=end,
        created_by=actor,
    )
    bought = pool.purchases.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if bought + purchase.amount > pool.amount:
        raise ValidationError({"amount": [_("采购运力合计不能超过资金池总额。")]})
    if pool.purchases.filter(contract_no=purchase.contract_no).exists():
        raise ValidationError({"contract_no": [_("该采购合同已登记。")]})
    purchase.save()
    audit_record(
        actor=actor, action="vouchers.purchase_record", obj=purchase, after=snapshot(purchase)
    )
    return purchase


# ------------------------------------------------------------------ batches


def _face_values(values: Iterable[Any]) -> list[Decimal]:
    out = sorted({_money(v, "face_values") for v in values}, reverse=True)
    if not out or len(out) > MAX_FACE_VALUES:
        raise ValidationError(
            {"face_values": [_("请填写 1 至 %(n)s 种券面额。") % {"n": MAX_FACE_VALUES}]}
        )
    return out


@transaction.atomic
def batch_create(
    *,
    actor: User | None,
    pool: VoucherPool,
    name: str,
    amount: Any,
    face_values: Iterable[Any],
    valid_from: Any,
    valid_to: Any,
    per_enterprise_limit: Any,
    eligible_kinds: Iterable[str] = (),
    eligible_counties: Iterable[str] = (),
    notice: str = "",
) -> VoucherBatch:
    """A draft batch. Kinds must be ones the measure accepts (the guide's beneficiaries)."""
    if actor is not None:
        _require(selectors.can_manage(actor), _("只有市商务局审核人员可以创建运力券批次。"))
    pool = _lock_pool(pool.pk)
    start, end = _dates(valid_from, valid_to, "valid_from", "valid_to")
    if start.year != pool.year and end.year != pool.year:
        raise ValidationError({"valid_from": [_("有效期须在资金池年度内。")]})
    value = _money(amount, "amount")
    if value > pool.amount:
        raise ValidationError({"amount": [_("批次额度不能超过资金池总额。")]})
    accepted = {str(k) for k in catalogue().measures[MEASURE].beneficiary}
    kinds = sorted({str(k) for k in eligible_kinds})
    from enterprises.models import EnterpriseKind

    known = set(EnterpriseKind.values)
    if set(kinds) - known:
        raise ValidationError({"eligible_kinds": [_("未知的企业类型。")]})
    # the engine's beneficiary kinds: an ordinary enterprise kind maps to "enterprise"
    if any(
        k in {"park_operator", "warehouse_operator", "association"} and k not in accepted
        for k in kinds
    ):
        raise ValidationError({"eligible_kinds": [_("该企业类型不属于运力券的支持对象。")]})
    from codes.models import County

    counties = sorted({str(c).strip() for c in eligible_counties if str(c).strip()})
    if counties and County.objects.filter(code__in=counties).count() != len(counties):
        raise ValidationError({"eligible_counties": [_("未知的县区代码。")]})
    batch = VoucherBatch(
        pool=pool,
        name=_text(name, "name", 200),
        amount=value,
        face_values=[f"{v:.2f}" for v in _face_values(face_values)],
        valid_from=start,
        valid_to=end,
        per_enterprise_limit=_money(per_enterprise_limit, "per_enterprise_limit"),
        eligible_kinds=kinds,
        eligible_counties=counties,
        notice=str(notice or "").strip()[:5000],
        created_by=actor,
    )
    batch.save()
    audit_record(actor=actor, action="vouchers.batch_create", obj=batch, after=snapshot(batch))
    return batch


def eligible_enterprises(batch: VoucherBatch) -> Any:
    from enterprises.models import Enterprise, EnterpriseStatus

    qs = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
    if batch.eligible_kinds:
        qs = qs.filter(kind__in=batch.eligible_kinds)
    if batch.eligible_counties:
        qs = qs.filter(county__code__in=batch.eligible_counties)
    return qs


@transaction.atomic
def batch_publish(*, actor: User | None, batch: VoucherBatch) -> VoucherBatch:
    """Draft → published; an in-app notice to every active user of an eligible enterprise."""
    from accounts.models import User
    from applications.models import Notification

    if actor is not None:
        _require(selectors.can_manage(actor), _("只有市商务局审核人员可以发布运力券批次。"))
    batch = VoucherBatch.objects.select_for_update().get(pk=batch.pk)
    if refusal := workflow.publish_refusal(batch, today=timezone.localdate()):
        raise ValidationError({"status": [refusal]})
    before = snapshot(batch)
    batch.status = BatchStatus.PUBLISHED
    batch.published_at = timezone.now()
    batch.save(update_fields=["status", "published_at"])
    message = _(
        "运力券批次“%(name)s”已发布：面额 %(faces)s 元，有效期 %(a)s 至 %(b)s，"
        "单家企业限额 %(limit)s 元。请登记物流合同后申领。"
    ) % {
        "name": batch.name,
        "faces": "、".join(batch.face_values),
        "a": batch.valid_from.isoformat(),
        "b": batch.valid_to.isoformat(),
        "limit": batch.per_enterprise_limit,
    }
    users = User.objects.filter(is_active=True, enterprise__in=eligible_enterprises(batch)).only(
        "pk"
    )
    Notification.objects.bulk_create([Notification(user=u, message=message) for u in users])
    audit_record(
        actor=actor,
        action="vouchers.batch_publish",
        obj=batch,
        before=before,
        after=snapshot(batch),
    )
    return batch


@transaction.atomic
def batch_close(*, actor: User | None, batch: VoucherBatch) -> VoucherBatch:
    if actor is not None:
        _require(selectors.can_manage(actor), _("只有市商务局审核人员可以结束运力券批次。"))
    batch = VoucherBatch.objects.select_for_update().get(pk=batch.pk)
    if refusal := workflow.close_refusal(batch):
        raise ValidationError({"status": [refusal]})
    before = snapshot(batch)
    batch.status = BatchStatus.CLOSED
    batch.save(update_fields=["status"])
    audit_record(
        actor=actor, action="vouchers.batch_close", obj=batch, before=before, after=snapshot(batch)
    )
    return batch


# ------------------------------------------------------------------ contracts


def _check_upload(upload: UploadedFile) -> tuple[str, ev.Inspected]:
    """The applications' evidence checks: real type by magic bytes, size, not empty."""
    name = (upload.name or "").strip()[:255] or "upload"
    too_big = _("文件“%(name)s”超过 %(mb)s MB。") % {"name": name, "mb": ev.max_bytes() // 2**20}
    if upload.size is not None and upload.size > ev.max_bytes():
        raise ValidationError({"file": [too_big]})
    info = ev.inspect(upload)
    if info.size == 0:
        raise ValidationError({"file": [_("文件“%(name)s”是空文件。") % {"name": name}]})
    if info.size > ev.max_bytes():
        raise ValidationError({"file": [too_big]})
    if info.content_type is None:
        raise ValidationError(
            {
                "file": [
                    _("文件“%(name)s”不是允许的类型（仅限 %(types)s，按文件内容识别）。")
                    % {"name": name, "types": ev.ALLOWED_LABEL}
                ]
            }
        )
    return name, info


@transaction.atomic
def contract_record(
    *,
    actor: User,
    logistics_code: str,
    contract_no: str,
    amount: Any,
    starts_on: Any,
    ends_on: Any,
    file: UploadedFile,
) -> LogisticsContract:
    """An enterprise user records its contract with a partner logistics company (one the pool
    bought capacity from), with the contract file."""
    _require(selectors.can_claim(actor), _("只有企业用户可以登记物流合同。"))
    from enterprises.models import Enterprise

    enterprise = Enterprise.objects.get(pk=own_enterprise_id(actor) or 0)
    code = _code(logistics_code)
    start, end = _dates(starts_on, ends_on, "starts_on", "ends_on")
    partner = CapacityPurchase.objects.filter(logistics_code=code).order_by("-valid_to").first()
    if partner is None:
        raise ValidationError({"logistics_code": [_("该物流企业不是运力券合作物流企业。")]})
    number = _text(contract_no, "contract_no", 100)
    if LogisticsContract.objects.filter(logistics_code=code, contract_no=number).exists():
        raise ValidationError({"contract_no": [_("该物流合同已登记，不能重复登记。")]})
    name, info = _check_upload(file)
    contract = LogisticsContract(
        enterprise=enterprise,
        logistics_code=code,
        company_name=partner.company_name,
        contract_no=number,
        amount=_money(amount, "amount"),
        starts_on=start,
        ends_on=end,
        original_name=name,
        content_type=info.content_type or "",
        size=info.size,
        sha256=info.sha256,
        created_by=actor,
    )
    contract.file.save("upload", file, save=False)
    stored, storage = contract.file.name, contract.file.storage
    try:
        with transaction.atomic():
            contract.save()
        audit_record(
            actor=actor, action="vouchers.contract_record", obj=contract, after=snapshot(contract)
        )
    except IntegrityError:
        storage.delete(stored)
        raise ValidationError({"contract_no": [_("该物流合同已登记，不能重复登记。")]}) from None
    except Exception:
        storage.delete(stored)
        raise
    return contract


# ------------------------------------------------------------------ claims


def split_face_values(amount: Decimal, faces: list[Decimal]) -> list[Decimal]:
    """The vouchers making up at most ``amount``: greedy by face value, largest first (so what
    cannot be made of the smallest face value is not issued)."""
    out: list[Decimal] = []
    left = amount
    for face in sorted(faces, reverse=True):
        n = int((left / face).to_integral_value(rounding=ROUND_DOWN))
        out.extend([face] * n)
        left -= face * n
    return out


def _new_code() -> str:
    return "YLQ" + "".join(secrets.choice(CODE_RE_CHARS) for _ in range(12))


@transaction.atomic
def claim_create(*, actor: User, batch: VoucherBatch, contract: LogisticsContract) -> VoucherClaim:
    """Claim vouchers on one contract: the engine's amount for ``a11.capacity_voucher`` (2% of
    the contract, within the annual cap counting history), further limited by the batch's
    per-enterprise limit, what is left of the batch and of the pool; once per contract, and
    not for a contract a live application already names (就高不重复)."""
    _require(selectors.can_claim(actor), _("只有企业用户可以申领运力券。"))
    _require(contract.enterprise_id == own_enterprise_id(actor), _("只能用本企业的物流合同申领。"))
    pool = _lock_pool(batch.pool_id)  # serialises every claim and redemption of the pool
    batch = VoucherBatch.objects.select_for_update().get(pk=batch.pk)
    contract = LogisticsContract.objects.select_related("enterprise", "enterprise__county").get(
        pk=contract.pk
    )
    enterprise = contract.enterprise
    today = timezone.localdate()
    if refusal := workflow.claim_window_refusal(batch, today=today):
        raise ValidationError({"batch": [refusal]})
    if not eligible_enterprises(batch).filter(pk=enterprise.pk).exists():
        raise ValidationError({"batch": [_("本企业不符合该批次的申领条件。")]})
    if VoucherClaim.objects.filter(contract=contract).exists():
        raise ValidationError({"contract": [_("该物流合同已申领过运力券，不能重复申领。")]})
    if selectors.live_application_for_matter(enterprise_id=enterprise.pk, matter=contract.matter):
        raise ValidationError(
            {"contract": [_("该物流合同已用于资金申报，就高不重复，不能再申领运力券。")]}
        )
    if contract.ends_on < dt.date(pool.year, 1, 1) or contract.starts_on > dt.date(
        pool.year, 12, 31
    ):
        raise ValidationError({"contract": [_("合同期须与资金池年度重叠。")]})
    result = entitlement_for(contract=contract, year=pool.year)
    in_batch = Voucher.objects.filter(batch=batch, claim__enterprise=enterprise).aggregate(
        s=Sum(F("face_value") - F("returned"))
    )["s"] or Decimal(0)
    limit = min(
        result.amount,
        batch.per_enterprise_limit - in_batch,
        batch.amount - batch.issued,
        pool.amount - pool.committed,
    )
    faces = split_face_values(max(limit, Decimal(0)), [Decimal(v) for v in batch.face_values])
    total = sum(faces, Decimal(0))
    if total <= 0:
        why = "；".join(r.get("message", "") for r in result.reasons) or _("无可申领额度")
        raise ValidationError({"contract": [_("没有可申领的运力券：%(why)s") % {"why": why}]})
    claim = VoucherClaim.objects.create(
        batch=batch,
        contract=contract,
        enterprise=enterprise,
        county=enterprise.county,
        entitled=result.amount,
        amount=total,
        explanation=result.reasons,
        created_by=actor,
    )
    Voucher.objects.bulk_create(
        [
            Voucher(
                code=_new_code(), claim=claim, batch=batch, face_value=f, valid_to=batch.valid_to
            )
            for f in faces
        ]
    )
    batch.issued = F("issued") + total
    batch.save(update_fields=["issued"])
    pool.committed = F("committed") + total
    pool.save(update_fields=["committed", "updated_at"])
    audit_record(
        actor=actor,
        action="vouchers.claim_create",
        obj=claim,
        after={**snapshot(claim), "vouchers": [str(f) for f in faces]},
    )
    return claim


# ------------------------------------------------------------------ redemption


@transaction.atomic
def voucher_redeem(
    *,
    actor: User,
    voucher: Voucher,
    invoice_no: str,
    invoice_amount: Any,
    invoice_date: Any,
    amount: Any,
) -> Redemption:
    """The logistics company redeems (part of) a voucher against an invoice under the
    voucher's contract. The invoice's redemptions never exceed the invoice, the voucher's never
    its face value, the company's never the capacity the pool bought from it."""
    code = own_logistics_code(actor)
    _require(bool(code), _("只有物流企业合作机构用户可以核销运力券。"))
    value = _money(amount, "amount")
    invoice_value = _money(invoice_amount, "invoice_amount")
    number = _text(invoice_no, "invoice_no", 64)
    day = _date(invoice_date, "invoice_date")
    head = Voucher.objects.select_related("batch").get(pk=voucher.pk)
    pool = _lock_pool(head.batch.pool_id)
    voucher = (
        Voucher.objects.select_for_update().select_related("claim__contract").get(pk=voucher.pk)
    )
    contract = voucher.claim.contract
    _require(contract.logistics_code == code, _("只能核销本物流企业合同下的运力券。"))
    today = timezone.localdate()
    if refusal := workflow.redeem_refusal(voucher, today=today):
        raise ValidationError({"voucher": [refusal]})
    if value > voucher.face_value - voucher.redeemed:
        raise ValidationError(
            {
                "amount": [
                    _("核销金额超过该券余额 %(r)s 元。")
                    % {"r": voucher.face_value - voucher.redeemed}
                ]
            }
        )
    if not contract.starts_on <= day <= contract.ends_on or day > today:
        raise ValidationError({"invoice_date": [_("开票日期须在合同期内且不晚于今天。")]})
    on_invoice = Redemption.objects.filter(contract=contract, invoice_no=number).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    if on_invoice + value > invoice_value:
        raise ValidationError({"amount": [_("同一发票的核销合计不能超过发票金额。")]})
    bought = pool.purchases.filter(logistics_code=code).aggregate(s=Sum("amount"))["s"] or 0
    used = Redemption.objects.filter(logistics_code=code, voucher__batch__pool=pool).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    if used + value > bought:
        raise ValidationError({"amount": [_("超过资金池向该物流企业采购的运力金额。")]})
    before = snapshot(voucher)
    voucher.redeemed += value
    if voucher.redeemed == voucher.face_value:
        voucher.status = VoucherStatus.REDEEMED
    voucher.save(update_fields=["redeemed", "status"])
    redemption = Redemption.objects.create(
        voucher=voucher,
        contract=contract,
        logistics_code=code,
        invoice_no=number,
        invoice_amount=invoice_value,
        invoice_date=day,
        amount=value,
        redeemed_by=actor,
    )
    pool.redeemed = F("redeemed") + value
    pool.save(update_fields=["redeemed", "updated_at"])
    audit_record(
        actor=actor,
        action="vouchers.voucher_redeem",
        obj=redemption,
        before=before,
        after={**snapshot(redemption), "voucher": snapshot(voucher)},
    )
    return redemption


# ------------------------------------------------------------------ back to the pool


def _give_back(pool: VoucherPool, voucher: Voucher, status: str) -> Decimal:
    back = voucher.face_value - voucher.redeemed
    voucher.returned = back
    voucher.status = status
    voucher.closed_at = timezone.now()
    voucher.save(update_fields=["returned", "status", "closed_at"])
    VoucherBatch.objects.filter(pk=voucher.batch_id).update(issued=F("issued") - back)
    return back


@transaction.atomic
def voucher_cancel(*, actor: User | None, voucher: Voucher, reason: str) -> Voucher:
    """The city cancels an active voucher; what is left of it goes back to the pool."""
    if actor is not None:
        _require(selectors.can_manage(actor), _("只有市商务局审核人员可以作废运力券。"))
    text = _text(reason, "reason", 300)
    pool = _lock_pool(Voucher.objects.get(pk=voucher.pk).batch.pool_id)
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if refusal := workflow.cancel_refusal(voucher):
        raise ValidationError({"voucher": [refusal]})
    before = snapshot(voucher)
    back = _give_back(pool, voucher, VoucherStatus.CANCELLED)
    pool.committed = F("committed") - back
    pool.save(update_fields=["committed", "updated_at"])
    audit_record(
        actor=actor,
        action="vouchers.voucher_cancel",
        obj=voucher,
        before=before,
        after={**snapshot(voucher), "reason": text},
    )
    return voucher


def vouchers_expire(*, today: dt.date | None = None) -> int:
    """Expire active vouchers past their validity; their unredeemed part goes back to the pool
    (and to the batch). One transaction and one audit entry per pool."""
    day = today or timezone.localdate()
    count = 0
    pool_ids = set(
        Voucher.objects.filter(status=VoucherStatus.ACTIVE, valid_to__lt=day).values_list(
            "batch__pool_id", flat=True
        )
    )
    for pool_id in sorted(pool_ids):
        with transaction.atomic():
            pool = _lock_pool(pool_id)
            rows = list(
                Voucher.objects.select_for_update()
                .filter(batch__pool_id=pool_id, status=VoucherStatus.ACTIVE, valid_to__lt=day)
                .order_by("pk")
            )
            back = sum((_give_back(pool, v, VoucherStatus.EXPIRED) for v in rows), Decimal(0))
            pool.committed = F("committed") - back
            pool.save(update_fields=["committed", "updated_at"])
            audit_record(
                actor=None,
                action="vouchers.vouchers_expire",
                obj=pool,
                after={
                    "vouchers": [v.code for v in rows],
                    "returned": str(back),
                    "on": day.isoformat(),
                },
            )
            count += len(rows)
    return count


# ------------------------------------------------------------------ settlement


def month_start(value: Any) -> dt.date:
    text = str(value or "").strip()
    try:
        if isinstance(value, dt.date):
            return value.replace(day=1)
        return dt.date.fromisoformat(f"{text[:7]}-01")
    except ValueError:
        raise ValidationError({"month": [_("月份格式应为 YYYY-MM。")]}) from None


@transaction.atomic
def settlement_issue(
    *, actor: User | None, pool: VoucherPool, logistics_code: str, month: Any
) -> Settlement:
    """The monthly statement of one logistics company: every unsettled redemption of a past
    month, once."""
    if actor is not None:
        _require(
            selectors.can_issue_settlements(actor), _("只有市商务局或财务人员可以生成结算单。")
        )
    code = _code(logistics_code)
    first = month_start(month)
    if first >= timezone.localdate().replace(day=1):
        raise ValidationError({"month": [_("只能结算已结束的月份。")]})
    pool = _lock_pool(pool.pk)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(nxt, dt.time()))
    rows = Redemption.objects.select_for_update().filter(
        logistics_code=code,
        voucher__batch__pool=pool,
        settlement__isnull=True,
        redeemed_at__gte=start,
        redeemed_at__lt=end,
    )
    ids = list(rows.values_list("pk", flat=True))
    total = Redemption.objects.filter(pk__in=ids).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if not ids:
        raise ValidationError({"month": [_("该月没有待结算的核销记录。")]})
    if Settlement.objects.filter(pool=pool, logistics_code=code, month=first).exists():
        raise ValidationError({"month": [_("该物流企业该月的结算单已生成。")]})
    purchase = pool.purchases.filter(logistics_code=code).first()
    settlement = Settlement.objects.create(
        pool=pool,
        logistics_code=code,
        company_name=purchase.company_name if purchase else code,
        month=first,
        amount=total,
        count=len(ids),
        created_by=actor,
    )
    Redemption.objects.filter(pk__in=ids).update(settlement=settlement)
    audit_record(
        actor=actor, action="vouchers.settlement_issue", obj=settlement, after=snapshot(settlement)
    )
    return settlement


@transaction.atomic
def settlement_pay(
    *, actor: User, settlement: Settlement, paid_on: Any, bank_reference: str
) -> Settlement:
    """Finance pays a statement from the pool (``paid`` never above ``redeemed``)."""
    _require(selectors.can_pay_settlements(actor), _("只有财务人员可以登记结算支付。"))
    reference = _text(bank_reference, "bank_reference", 64)
    day = _date(paid_on, "paid_on")
    if day > timezone.localdate():
        raise ValidationError({"paid_on": [_("支付日期不能晚于今天。")]})
    pool = _lock_pool(settlement.pool_id)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if refusal := workflow.pay_refusal(settlement):
        raise ValidationError({"status": [refusal]})
    before = snapshot(settlement)
    settlement.status = SettlementStatus.PAID
    settlement.paid_on = day
    settlement.bank_reference = reference
    settlement.paid_by = actor
    settlement.save(update_fields=["status", "paid_on", "bank_reference", "paid_by"])
    pool.paid = F("paid") + settlement.amount
    pool.save(update_fields=["paid", "updated_at"])
    audit_record(
        actor=actor,
        action="vouchers.settlement_pay",
        obj=settlement,
        before=before,
        after=snapshot(settlement),
    )
    return settlement
