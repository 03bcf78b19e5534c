"""Finance and insurance (供应链金融服务, articles (九) and (十七)): the products banks and insurers
publish, the applications enterprises make to them, the consent each application grants, every
access a partner makes under a consent, and the trade profiles the platform issues.

The consent is the gate: a partner reads an enterprise's data only through an application whose
consent is active *now* (``Consent.active_q``), checked on every read and never cached; every
such read writes a :class:`ConsentAccess` the enterprise sees.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.status import tones


class ProductKind(models.TextChoices):
    LOAN = "loan", _("贷款")
    INSURANCE = "insurance", _("出口信用保险")


class InsuranceLine(models.TextChoices):
    POLITICAL = "political", _("政治险")
    PLATFORM_PAYMENT = "platform_payment", _("平台支付险")
    OVERSEAS_WAREHOUSE = "overseas_warehouse", _("海外仓销售险")
    OTHER = "other", _("其他险种")


@tones(published="ok", withdrawn="")
class ProductStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已下架")


class Product(models.Model):
    """A loan or an export credit insurance product a bank or an insurer publishes."""

    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布机构用户"),
        on_delete=models.PROTECT,
        related_name="credit_products",
    )
    organisation = models.CharField(_("金融机构"), max_length=200)
    kind = models.CharField(_("产品类型"), max_length=16, choices=ProductKind.choices)
    insurance_line = models.CharField(
        _("险种"), max_length=24, choices=InsuranceLine.choices, blank=True
    )
    name = models.CharField(_("产品名称"), max_length=200)
    summary = models.TextField(_("产品介绍"), max_length=4000, blank=True)
    criteria = models.TextField(_("申请条件"), max_length=4000, blank=True)
    # loans: the amount lent; insurance: the insured amount (保额)
    amount_min = models.DecimalField(_("最低金额（元）"), max_digits=14, decimal_places=2)
    amount_max = models.DecimalField(_("最高金额（元）"), max_digits=14, decimal_places=2)
    # loans: annual interest rate; insurance: premium rate (费率), both in percent
    rate_min = models.DecimalField(_("最低利率/费率（%）"), max_digits=6, decimal_places=3)
    rate_max = models.DecimalField(_("最高利率/费率（%）"), max_digits=6, decimal_places=3)
    term_months = models.PositiveSmallIntegerField(_("最长期限（月）"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ProductStatus.choices, default=ProductStatus.PUBLISHED
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["kind", "organisation", "name", "pk"]
        verbose_name = _("金融保险产品")
        verbose_name_plural = _("金融保险产品")
        constraints = [
            models.CheckConstraint(
                name="credit_amount_range",
                condition=Q(amount_min__gt=0) & Q(amount_max__gte=F("amount_min")),
            ),
            models.CheckConstraint(
                name="credit_rate_range",
                condition=Q(rate_min__gte=0) & Q(rate_max__gte=F("rate_min")),
            ),
            models.CheckConstraint(
                name="credit_insurance_has_line",
                condition=(Q(kind="loan") & Q(insurance_line=""))
                | (Q(kind="insurance") & ~Q(insurance_line="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.name}"


def document_upload_to(instance: ProductDocument, filename: str) -> str:
    """A private path; the name never comes from the client."""
    return f"private/credit/products/{instance.product_id}/{uuid.uuid4().hex}.pdf"


class ProductDocument(models.Model):
    """A PDF document of a product (条款, 费率表, 申请须知 …)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("文件名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["product", "pk"]
        verbose_name = _("产品文件")
        verbose_name_plural = _("产品文件")

    def __str__(self) -> str:
        return self.title


class DataScope(models.TextChoices):
    """What an enterprise may let a partner read."""

    TRADE = "trade", _("贸易画像（海关放行的跨境电商进出口，按月份、监管方式、市场）")
    RECOGNITIONS = "recognitions", _("认定与荣誉")
    SUBSIDIES = "subsidies", _("已获政策资金")
    REGISTRY = "registry", _("企业登记信息")


class Consent(models.Model):
    """An enterprise's consent, granted by applying: which data, to which partner, until when,
    for which purpose. Active while not revoked and ``granted_at <= now < expires_at``."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="credit_consents"
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权机构用户"),
        on_delete=models.PROTECT,
        related_name="credit_consents_received",
    )
    organisation = models.CharField(_("授权机构"), max_length=200)
    scopes = models.JSONField(_("授权数据"), default=list)
    purpose = models.CharField(_("用途"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授权时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("数据授权")
        verbose_name_plural = _("数据授权")
        constraints = [
            models.CheckConstraint(
                name="credit_consent_period", condition=Q(expires_at__gt=F("granted_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.organisation}"

    @staticmethod
    def active_q(prefix: str = "", *, now: dt.datetime | None = None) -> Q:
        """The consents active at ``now`` (default: this instant), as a filter."""
        now = now or timezone.now()
        return Q(
            **{
                f"{prefix}revoked_at__isnull": True,
                f"{prefix}granted_at__lte": now,
                f"{prefix}expires_at__gt": now,
            }
        )

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.granted_at <= now < self.expires_at

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_active() else "expired"

    def scope_labels(self) -> list[str]:
        labels = dict(DataScope.choices)
        return [str(labels.get(s, s)) for s in self.scopes]


class ConsentAccess(models.Model):
    """One read a partner made under a consent: who, when, what."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("访问用户"), max_length=150)
    at = models.DateTimeField(_("访问时间"), default=timezone.now)
    what = models.CharField(_("访问内容"), max_length=200)
    channel = models.CharField(_("渠道"), max_length=8, default="web")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("授权数据访问记录")
        verbose_name_plural = _("授权数据访问记录")

    def __str__(self) -> str:
        return f"{self.username} {self.what}"


@tones(
    received="warn",
    under_review="warn",
    offered="warn",
    accepted="ok",
    declined="",
    rejected="err",
    disbursed="ok",
    policy_issued="ok",
    withdrawn="",
)
class CreditStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    UNDER_REVIEW = "under_review", _("审查中")
    OFFERED = "offered", _("已出具方案")
    ACCEPTED = "accepted", _("企业已接受")
    DECLINED = "declined", _("企业已拒绝")
    REJECTED = "rejected", _("未获批准")
    DISBURSED = "disbursed", _("已放款")
    POLICY_ISSUED = "policy_issued", _("已出单")
    WITHDRAWN = "withdrawn", _("已撤回")


class CreditApplication(models.Model):
    """An enterprise's application to one product; its consent opens the enterprise's data to
    the product's partner while it is active."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="credit_applications"
    )
    # the enterprise's county when it applied: the bureau's volumes are counted by it
    county = models.ForeignKey(
        "codes.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="applications")
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_applications_in"
    )
    kind = models.CharField(_("产品类型"), max_length=16, choices=ProductKind.choices)
    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="application")
    amount = models.DecimalField(_("申请金额（元）"), max_digits=14, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("申请期限（月）"))
    purpose = models.CharField(_("用途"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=16, choices=CreditStatus.choices, default=CreditStatus.RECEIVED
    )
    offer_amount = models.DecimalField(
        _("方案金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    offer_rate = models.DecimalField(
        _("方案利率/费率（%）"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    offer_term_months = models.PositiveSmallIntegerField(_("方案期限（月）"), null=True, blank=True)
    reference = models.CharField(_("放款/保单号"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    completed_on = models.DateField(_("放款/出单日期"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("融资保险申请")
        verbose_name_plural = _("融资保险申请")
        constraints = [
            models.CheckConstraint(name="credit_application_amount", condition=Q(amount__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.product} #{self.pk}"


class CreditStep(models.Model):
    """One step of an application's history (who moved it, from where to where, when)."""

    application = models.ForeignKey(
        CreditApplication, on_delete=models.CASCADE, related_name="steps"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=CreditStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("申请处理记录")
        verbose_name_plural = _("申请处理记录")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class TradeProfile(models.Model):
    """A trade profile (贸易画像) the platform issued to a partner under a consent: the signed
    JSON document exactly as issued, its SM3 digest and the platform's signature."""

    number = models.CharField(_("文件编号"), max_length=32, unique=True)
    application = models.ForeignKey(
        CreditApplication, on_delete=models.PROTECT, related_name="profiles"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="profiles")
    issued_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("出具时间"))
    document = models.TextField(_("文件内容（规范化 JSON）"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64, db_index=True)
    signature = models.TextField(_("平台签名"))
    key_name = models.CharField(_("签名密钥标识"), max_length=64)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("贸易画像")
        verbose_name_plural = _("贸易画像")

    def __str__(self) -> str:
        return self.number
