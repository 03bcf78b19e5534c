"""Export desk (出口服务): the FX netting statement of article (十五) and the tax helpers of
article (十四).

* FX netting (汇发〔2020〕11号): the overseas costs an enterprise enters with their PDF documents,
  the export proceeds it received, and the statements the platform issues for a period and a
  currency (frozen figures; Excel and PDF are rendered from them).
* Tax helpers: the enterprise's yearly declaration that its exports had no purchase invoice
  (无票免税, 财税〔2018〕103号), the duty-free return windows (data rows, loaded by a migration),
  the returns it recorded, and the sale confirmations of 9810 overseas-warehouse exports.

Money is ``Decimal`` with two places, quantised in :func:`exportdesk.money.money` only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ReportScope(models.TextChoices):
    """What an enterprise lets a partner report to its netting statement: the scopes of a
    ``credit.Consent`` granted on the export desk (see docs/exportdesk.md)."""

    COSTS = "report_costs", _("报送境外费用")
    PROCEEDS = "report_proceeds", _("报送收汇")


# the periods an enterprise may authorise a partner for (days)
AUTHORISATION_DAYS = (30, 90, 180, 365)

# the partner kinds that may hold each scope (accounts.PartnerKind values)
REPORT_KINDS = {
    ReportScope.COSTS: ("warehouse", "logistics"),
    ReportScope.PROCEEDS: ("bank",),
}


class Reported(models.Model):
    """What a partner-reported row carries: who reported it under which authorisation, its
    idempotency key, and whether the enterprise left it out of its statements."""

    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送机构用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent = models.ForeignKey(
        "credit.Consent",
        verbose_name=_("报送授权"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_name = models.CharField(_("报送机构"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, blank=True)
    excluded_at = models.DateTimeField(_("不计入说明时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def partner_reported(self) -> bool:
        return self.reported_by_id is not None


class CostKind(models.TextChoices):
    """The overseas costs 汇发〔2020〕11号 lets a CBEC enterprise net against its proceeds."""

    WAREHOUSING = "warehousing", _("海外仓储费")
    LOGISTICS = "logistics", _("境外物流费")
    TAX = "tax", _("境外税费")


def cost_document_upload_to(instance: OverseasCost, filename: str) -> str:
    """A private path; the name never comes from the client."""
    return f"private/exportdesk/costs/{instance.enterprise_id}/{uuid.uuid4().hex}.pdf"


class OverseasCost(Reported):
    """One overseas cost the enterprise paid, with its supporting PDF (invoice, bill): entered
    by the enterprise, or pushed by its warehouse or logistics partner (optional PDF)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="overseas_costs"
    )
    kind = models.CharField(_("费用类型"), max_length=16, choices=CostKind.choices)
    currency = models.CharField(_("币种"), max_length=3)  # ISO 4217 alphabetic, e.g. USD
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    incurred_on = models.DateField(_("发生日期"))
    payee = models.CharField(_("收款方"), max_length=200)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    reference = models.CharField(_("业务编号"), max_length=64, blank=True)
    document = models.FileField(
        _("凭证"), upload_to=cost_document_upload_to, max_length=300, blank=True
    )
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-incurred_on", "-pk"]
        verbose_name = _("境外费用")
        verbose_name_plural = _("境外费用")
        indexes = [models.Index(fields=["enterprise", "currency", "incurred_on"])]
        constraints = [
            models.CheckConstraint(name="exportdesk_cost_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["reported_by", "idempotency_key"],
                condition=Q(reported_by__isnull=False),
                name="exportdesk_cost_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.currency} {self.amount}"


class ProceedsReceipt(Reported):
    """Export proceeds the enterprise received into its account (收汇): entered by the
    enterprise, or reported by its bank partner."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="export_proceeds"
    )
    currency = models.CharField(_("币种"), max_length=3)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("收汇日期"))
    bank = models.CharField(_("收汇银行"), max_length=200)
    reference = models.CharField(_("银行业务编号"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("收汇记录")
        verbose_name_plural = _("收汇记录")
        indexes = [models.Index(fields=["enterprise", "currency", "received_on"])]
        constraints = [
            models.CheckConstraint(name="exportdesk_proceeds_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["reported_by", "idempotency_key"],
                condition=Q(reported_by__isnull=False),
                name="exportdesk_proceeds_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount} {self.received_on}"


class NettingStatement(models.Model):
    """A netting statement as issued: the figures are frozen when it is issued, so the Excel and
    the PDF the bank receives always show the same numbers (``detail`` keeps the lines)."""

    number = models.CharField(_("编号"), max_length=32, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="netting_statements"
    )
    county = models.ForeignKey(
        "codes.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(_("币种"), max_length=3)
    period_from = models.DateField(_("起始日期"))
    period_to = models.DateField(_("截止日期"))
    export_value = models.DecimalField(_("放行出口额（原币）"), max_digits=16, decimal_places=2)
    export_value_cny = models.DecimalField(
        _("放行出口额（人民币，全部币种）"), max_digits=16, decimal_places=2
    )
    costs_warehousing = models.DecimalField(_("海外仓储费"), max_digits=16, decimal_places=2)
    costs_logistics = models.DecimalField(_("境外物流费"), max_digits=16, decimal_places=2)
    costs_tax = models.DecimalField(_("境外税费"), max_digits=16, decimal_places=2)
    costs_total = models.DecimalField(_("境外费用合计"), max_digits=16, decimal_places=2)
    net_due = models.DecimalField(_("轧差后应收汇额"), max_digits=16, decimal_places=2)
    proceeds = models.DecimalField(_("已收汇额"), max_digits=16, decimal_places=2)
    difference = models.DecimalField(_("差额"), max_digits=16, decimal_places=2)
    detail = models.JSONField(_("明细"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("出具时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("轧差结算说明")
        verbose_name_plural = _("轧差结算说明")
        constraints = [
            models.CheckConstraint(
                name="exportdesk_statement_period", condition=Q(period_to__gte=F("period_from"))
            )
        ]

    def __str__(self) -> str:
        return self.number


class ReturnWindow(models.Model):
    """An export window of the duty-free return policy for CBEC exports (跨境电商出口退运商品
    税收政策): exports declared inside [export_from, export_to] under one of ``modes`` and
    returned within ``months`` of export in their original state are free of import duty, VAT
    and consumption tax. Rows are data (migration 0002), one per notice."""

    document = models.CharField(_("文件"), max_length=100, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    export_from = models.DateField(_("出口申报起始日"))
    export_to = models.DateField(_("出口申报截止日"))
    months = models.PositiveSmallIntegerField(_("退运期限（月）"))
    modes = models.CharField(_("适用监管方式"), max_length=60)  # comma-separated

    class Meta:
        ordering = ["export_from"]
        verbose_name = _("退运免税出口期间")
        verbose_name_plural = _("退运免税出口期间")
        constraints = [
            models.CheckConstraint(
                name="exportdesk_window_order", condition=Q(export_to__gte=F("export_from"))
            )
        ]

    def __str__(self) -> str:
        return self.document

    @property
    def mode_list(self) -> list[str]:
        return [m.strip() for m in self.modes.split(",") if m.strip()]


class ReturnReason(models.TextChoices):
    UNSOLD = "unsold", _("滞销")
    BUYER_RETURN = "buyer_return", _("消费者退货")


class GoodsReturn(models.Model):
    """A return of exported goods the enterprise recorded (one per export inventory)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="goods_returns"
    )
    declaration = models.OneToOneField(
        "customs.Declaration", on_delete=models.PROTECT, related_name="goods_return"
    )
    returned_on = models.DateField(_("退运进境日期"))
    reason = models.CharField(_("退运原因"), max_length=16, choices=ReturnReason.choices)
    original_state = models.BooleanField(_("保持原状"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-returned_on", "-pk"]
        verbose_name = _("退运记录")
        verbose_name_plural = _("退运记录")

    def __str__(self) -> str:
        return f"{self.declaration_id} {self.returned_on}"


class InvoiceDeclaration(models.Model):
    """The enterprise's own statement for a year that its exported goods had no valid purchase
    invoice (无票): the one condition of 财税〔2018〕103号 the platform cannot see in its data."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="invoice_declarations"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    no_purchase_invoice = models.BooleanField(_("出口货物未取得有效进货凭证"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(_("声明时间"), auto_now=True)

    class Meta:
        verbose_name = _("无票声明")
        verbose_name_plural = _("无票声明")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="exportdesk_invoice_once")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class SaleConfirmation(models.Model):
    """A 9810 export's goods confirmed sold from the overseas warehouse (the rebate on these
    exports waits for the sale: 国家税务总局公告2025年第3号)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="sale_confirmations"
    )
    declaration = models.OneToOneField(
        "customs.Declaration", on_delete=models.PROTECT, related_name="sale_confirmation"
    )
    sold_on = models.DateField(_("销售确认日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-sold_on", "-pk"]
        verbose_name = _("海外仓销售确认")
        verbose_name_plural = _("海外仓销售确认")

    def __str__(self) -> str:
        return f"{self.declaration_id} {self.sold_on}"
