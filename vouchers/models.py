"""Capacity vouchers (运力券, article (十一)): the year's pool, the capacity bought from logistics
companies, batches, enterprises' logistics contracts, claims, vouchers, redemptions and monthly
settlements.

Money flows one way and every counter only moves inside a service holding the pool's row lock:

* ``VoucherPool.committed`` — face value of every voucher issued, less what expired or
  cancelled vouchers gave back; never above ``amount`` (a database constraint too);
* ``VoucherPool.redeemed`` — what logistics companies redeemed; never above ``committed``;
* ``VoucherPool.paid`` — what finance paid on settlements; never above ``redeemed``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.status import tones


class VoucherPool(models.Model):
    """The year's 运力券 fund pool (资金池), set by the city reviewer under the year's guide."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    guide_hash = models.CharField(_("指南内容哈希"), max_length=80)
    amount = models.DecimalField(_("资金池总额（元）"), max_digits=14, decimal_places=2)
    committed = models.DecimalField(_("已发放（元）"), default=0, max_digits=14, decimal_places=2)
    redeemed = models.DecimalField(_("已核销（元）"), default=0, max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("已结算支付（元）"), default=0, max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("运力券资金池")
        verbose_name_plural = _("运力券资金池")
        constraints = [
            models.CheckConstraint(
                name="pool_committed_within_amount",
                condition=Q(committed__gte=0) & Q(committed__lte=F("amount")),
            ),
            models.CheckConstraint(
                name="pool_redeemed_within_committed",
                condition=Q(redeemed__gte=0) & Q(redeemed__lte=F("committed")),
            ),
            models.CheckConstraint(
                name="pool_paid_within_redeemed",
                condition=Q(paid__gte=0) & Q(paid__lte=F("redeemed")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 运力券资金池"

    @property
    def left(self) -> Decimal:
        return Decimal(self.amount) - Decimal(self.committed)


class CapacityPurchase(models.Model):
    """Capacity the pool bought from one logistics company (运力采购合同)."""

    pool = models.ForeignKey(VoucherPool, on_delete=models.PROTECT, related_name="purchases")
    logistics_code = models.CharField(_("物流企业海关编码"), max_length=18, db_index=True)
    company_name = models.CharField(_("物流企业名称"), max_length=200)
    contract_no = models.CharField(_("采购合同编号"), max_length=100)
    amount = models.DecimalField(_("采购运力金额（元）"), max_digits=14, decimal_places=2)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["logistics_code", "valid_from", "pk"]
        verbose_name = _("运力采购")
        verbose_name_plural = _("运力采购")
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "contract_no"], name="purchase_contract_unique"
            ),
            models.CheckConstraint(name="purchase_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="purchase_dates_ordered", condition=Q(valid_to__gte=F("valid_from"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} {self.contract_no}"


@tones(published="ok", draft="warn", closed="")
class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("发放中")
    CLOSED = "closed", _("已结束")


class VoucherBatch(models.Model):
    """One issue of vouchers (分批发放): how much, in which face values, valid when, for whom."""

    pool = models.ForeignKey(VoucherPool, on_delete=models.PROTECT, related_name="batches")
    name = models.CharField(_("批次名称"), max_length=200)
    amount = models.DecimalField(_("批次额度（元）"), max_digits=14, decimal_places=2)
    issued = models.DecimalField(_("已发放（元）"), default=0, max_digits=14, decimal_places=2)
    # face values in yuan, as strings, descending ("1000.00", "500.00", "100.00")
    face_values = models.JSONField(_("券面额"), default=list)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    eligible_kinds = models.JSONField(_("适用企业类型"), default=list, blank=True)
    eligible_counties = models.JSONField(_("适用县区（代码）"), default=list, blank=True)
    per_enterprise_limit = models.DecimalField(
        _("单家企业限额（元）"), max_digits=14, decimal_places=2
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    notice = models.TextField(_("发放通知"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("运力券批次")
        verbose_name_plural = _("运力券批次")
        constraints = [
            models.CheckConstraint(
                name="batch_issued_within_amount",
                condition=Q(issued__gte=0) & Q(issued__lte=F("amount")),
            ),
            models.CheckConstraint(
                name="batch_dates_ordered", condition=Q(valid_to__gte=F("valid_from"))
            ),
            models.CheckConstraint(
                name="batch_limit_positive", condition=Q(per_enterprise_limit__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name


def contract_upload_to(instance: LogisticsContract, filename: str) -> str:
    """A private path; the name never comes from the client."""
    import uuid

    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"private/vouchers/contracts/{instance.enterprise_id}/{uuid.uuid4().hex}.{ext}"


class LogisticsContract(models.Model):
    """An enterprise's logistics contract with a partner logistics company (物流合同)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="logistics_contracts"
    )
    logistics_code = models.CharField(_("物流企业海关编码"), max_length=18, db_index=True)
    company_name = models.CharField(_("物流企业名称"), max_length=200)
    contract_no = models.CharField(_("合同编号"), max_length=100)
    amount = models.DecimalField(_("合同金额（元）"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("合同期起"))
    ends_on = models.DateField(_("合同期止"))
    file = models.FileField(_("合同文件"), upload_to=contract_upload_to, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("物流合同")
        verbose_name_plural = _("物流合同")
        constraints = [
            # one contract is one matter: it can be recorded (and so claimed on) once
            models.UniqueConstraint(
                fields=["logistics_code", "contract_no"], name="logistics_contract_unique"
            ),
            models.CheckConstraint(name="contract_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="contract_dates_ordered", condition=Q(ends_on__gte=F("starts_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} {self.contract_no}"

    @property
    def matter(self) -> str:
        """The matter label (事项凭证号) applications use for the same contract."""
        return self.contract_no


class VoucherClaim(models.Model):
    """One claim (申领) of one enterprise on one contract in one batch; at most one per contract."""

    batch = models.ForeignKey(VoucherBatch, on_delete=models.PROTECT, related_name="claims")
    contract = models.OneToOneField(
        LogisticsContract, on_delete=models.PROTECT, related_name="claim"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="voucher_claims"
    )
    county = models.ForeignKey(
        "codes.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entitled = models.DecimalField(_("引擎测算额（元）"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("发放金额（元）"), max_digits=14, decimal_places=2)
    explanation = models.JSONField(_("测算说明"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("申领时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("运力券申领")
        verbose_name_plural = _("运力券申领")
        constraints = [
            models.CheckConstraint(
                name="claim_amount_within_entitled",
                condition=Q(amount__gt=0) & Q(amount__lte=F("entitled")),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.contract}"


@tones(active="ok", redeemed="", expired="err", cancelled="err")
class VoucherStatus(models.TextChoices):
    ACTIVE = "active", _("可使用")
    REDEEMED = "redeemed", _("已核销")
    EXPIRED = "expired", _("已过期")
    CANCELLED = "cancelled", _("已作废")


class Voucher(models.Model):
    """One voucher of a face value; redeemed in one or more parts until nothing is left."""

    code = models.CharField(_("券号"), max_length=24, unique=True)
    claim = models.ForeignKey(VoucherClaim, on_delete=models.PROTECT, related_name="vouchers")
    batch = models.ForeignKey(VoucherBatch, on_delete=models.PROTECT, related_name="vouchers")
    face_value = models.DecimalField(_("面额（元）"), max_digits=14, decimal_places=2)
    redeemed = models.DecimalField(_("已核销（元）"), default=0, max_digits=14, decimal_places=2)
    returned = models.DecimalField(
        _("退回资金池（元）"), default=0, max_digits=14, decimal_places=2
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=VoucherStatus.choices,
        default=VoucherStatus.ACTIVE,
        db_index=True,
    )
    valid_to = models.DateField(_("有效期止"))
    closed_at = models.DateTimeField(_("过期/作废时间"), null=True, blank=True)

    class Meta:
        ordering = ["claim_id", "-face_value", "pk"]
        verbose_name = _("运力券")
        verbose_name_plural = _("运力券")
        constraints = [
            models.CheckConstraint(
                name="voucher_redeemed_within_face",
                condition=Q(redeemed__gte=0)
                & Q(returned__gte=0)
                & Q(face_value__gte=F("redeemed") + F("returned")),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def remaining(self) -> Decimal:
        """What can still be redeemed (nothing once redeemed, expired or cancelled)."""
        if self.status != VoucherStatus.ACTIVE:
            return Decimal("0.00")
        return Decimal(self.face_value) - Decimal(self.redeemed)


class Redemption(models.Model):
    """One redemption (核销) of part or all of a voucher against an invoice under its contract."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    contract = models.ForeignKey(
        LogisticsContract, on_delete=models.PROTECT, related_name="redemptions"
    )
    logistics_code = models.CharField(_("物流企业海关编码"), max_length=18, db_index=True)
    invoice_no = models.CharField(_("发票号码"), max_length=64)
    invoice_amount = models.DecimalField(_("发票金额（元）"), max_digits=14, decimal_places=2)
    invoice_date = models.DateField(_("开票日期"))
    amount = models.DecimalField(_("核销金额（元）"), max_digits=14, decimal_places=2)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redeemed_at = models.DateTimeField(_("核销时间"), auto_now_add=True, db_index=True)
    settlement = models.ForeignKey(
        "Settlement", null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions"
    )

    class Meta:
        ordering = ["-redeemed_at", "-pk"]
        verbose_name = _("运力券核销")
        verbose_name_plural = _("运力券核销")
        constraints = [
            models.CheckConstraint(name="redemption_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id} {self.invoice_no} {self.amount}"


@tones(paid="ok", issued="warn")
class SettlementStatus(models.TextChoices):
    ISSUED = "issued", _("待支付")
    PAID = "paid", _("已支付")


class Settlement(models.Model):
    """The monthly settlement statement (结算单) of one logistics company."""

    pool = models.ForeignKey(VoucherPool, on_delete=models.PROTECT, related_name="settlements")
    logistics_code = models.CharField(_("物流企业海关编码"), max_length=18, db_index=True)
    company_name = models.CharField(_("物流企业名称"), max_length=200)
    month = models.DateField(_("结算月份"))  # the first day of the month
    amount = models.DecimalField(_("结算金额（元）"), max_digits=14, decimal_places=2)
    count = models.PositiveIntegerField(_("核销笔数"))
    status = models.CharField(
        _("状态"), max_length=16, choices=SettlementStatus.choices, default=SettlementStatus.ISSUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=64, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month", "logistics_code"]
        verbose_name = _("运力券结算单")
        verbose_name_plural = _("运力券结算单")
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "logistics_code", "month"], name="settlement_unique_per_month"
            ),
            models.CheckConstraint(name="settlement_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} {self.month:%Y-%m}"
