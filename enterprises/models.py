"""The enterprise registry (一企一档): enterprises, their recognitions, industry belts and parks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.status import tones


class EnterpriseKind(models.TextChoices):
    MANUFACTURER = "manufacturer", _("生产制造企业")
    TRADER = "trader", _("外贸/贸易企业")
    PLATFORM = "platform", _("跨境电商平台")
    SERVICE_PROVIDER = "service_provider", _("服务商")
    PARK_OPERATOR = "park_operator", _("产业园运营主体")
    WAREHOUSE_OPERATOR = "warehouse_operator", _("海外仓运营主体")
    ASSOCIATION = "association", _("行业协会、社会团体")  # the 单位 of (十二)


@tones(active="ok", pending="warn", suspended="err", deregistered="err")
class EnterpriseStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    DEREGISTERED = "deregistered", _("注销")


class FactSource(models.TextChoices):
    """Where a fact that decides money came from: only an officer's verification confirms it."""

    DECLARED = "declared", _("企业自报，未核验")
    VERIFIED = "verified", _("已核验")


class VerifiedFact(models.TextChoices):
    """Profile facts an enterprise may only change through a request its county verifies."""

    CUSTOMS_CODE = "customs_code", _("海关注册编码")
    KIND = "kind", _("企业类型")
    FIRST_CBEC_YEAR = "first_cbec_year", _("首次开展跨境电商年份")


class RecognitionLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("市级")
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("国家级")


class IndustryBelt(models.Model):
    """A distinctive CBEC industry belt (特色产业带), e.g. 东海水晶."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    county = models.ForeignKey(
        "codes.County", verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="belts"
    )
    products = models.CharField(_("主要产品"), max_length=300, blank=True)
    lead_enterprises: models.ManyToManyField[Enterprise, Any] = models.ManyToManyField(
        "Enterprise", verbose_name=_("龙头企业"), blank=True, related_name="led_belts"
    )
    recognised_year = models.PositiveSmallIntegerField(
        _("认定年度"),
        null=True,
        blank=True,
        help_text=_("市商务局将其计为跨境电商特色产业带的年度；为空表示尚未认定。"),
    )

    class Meta:
        ordering = ["county__sort_order", "name"]
        verbose_name = _("产业带")
        verbose_name_plural = _("产业带")

    def __str__(self) -> str:
        return self.name


class Park(models.Model):
    """A CBEC industrial park or cluster (跨境电商产业园/集聚区).

    Its member enterprises are the enterprises whose ``park`` points here (``park.enterprises``).
    """

    name = models.CharField(_("名称"), max_length=200, unique=True)
    county = models.ForeignKey(
        "codes.County", verbose_name=_("所在县区"), on_delete=models.PROTECT, related_name="parks"
    )
    operator = models.ForeignKey(
        "Enterprise",
        verbose_name=_("运营主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operated_parks",
    )
    level = models.CharField(_("级别"), max_length=16, choices=RecognitionLevel.choices, blank=True)
    recognised_year = models.PositiveSmallIntegerField(
        _("认定年度"),
        null=True,
        blank=True,
        help_text=_("市商务局将其计为跨境电商产业园的年度；为空表示尚未认定。"),
    )

    class Meta:
        ordering = ["county__sort_order", "name"]
        verbose_name = _("产业园")
        verbose_name_plural = _("产业园")

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    customs_code = models.CharField(_("海关注册编码"), max_length=10, blank=True, db_index=True)
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    county = models.ForeignKey(
        "codes.County",
        verbose_name=_("所属县区"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    kind = models.CharField(_("企业类型"), max_length=32, choices=EnterpriseKind.choices)
    industry_belt = models.ForeignKey(
        IndustryBelt,
        verbose_name=_("所属产业带"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("入驻园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    first_cbec_year = models.PositiveSmallIntegerField(
        _("首次开展跨境电商年份"), null=True, blank=True
    )
    # The source of each verified fact (VerifiedFact): declared by the enterprise or verified.
    customs_code_source = models.CharField(
        _("海关注册编码来源"),
        max_length=16,
        choices=FactSource.choices,
        default=FactSource.DECLARED,
    )
    kind_source = models.CharField(
        _("企业类型来源"), max_length=16, choices=FactSource.choices, default=FactSource.DECLARED
    )
    first_cbec_year_source = models.CharField(
        _("首次开展跨境电商年份来源"),
        max_length=16,
        choices=FactSource.choices,
        default=FactSource.DECLARED,
    )
    independent_site_url = models.URLField(_("独立站网址"), blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.PENDING
    )
    tags = models.JSONField(_("标签"), default=list, blank=True)
    # Self-registration: the privacy notice version the registering user agreed to, and when
    # (core.public.PRIVACY_VERSION; empty for enterprises an officer or an import created).
    privacy_consent_version = models.CharField(_("同意的隐私声明版本"), max_length=16, blank=True)
    privacy_consent_at = models.DateTimeField(_("同意隐私声明时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        indexes = [models.Index(fields=["county", "status"]), models.Index(fields=["kind"])]
        constraints = [
            # One customs code routes one enterprise's customs data: unique among the enterprises
            # that are not deregistered (a deregistered enterprise's code may be reused).
            models.UniqueConstraint(
                fields=["customs_code"],
                condition=~Q(customs_code="") & ~Q(status=EnterpriseStatus.DEREGISTERED),
                name="enterprise_customs_code_unique_active",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def fact_source(self, field: str) -> str:
        return str(getattr(self, f"{field}_source"))


@tones(approved="ok", pending="warn", rejected="err")
class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("待县区核验")
    APPROVED = "approved", _("核验通过")
    REJECTED = "rejected", _("未通过核验")
    WITHDRAWN = "withdrawn", _("已撤回")


class EnterpriseChangeRequest(models.Model):
    """A change of a verified fact asked by the enterprise (变更申请); applied only on approval.

    Values are kept as text: the customs code, the kind's value, the year or "" for none.
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="change_requests"
    )
    field = models.CharField(_("变更事项"), max_length=32, choices=VerifiedFact.choices)
    old_value = models.CharField(_("原值"), max_length=32, blank=True)
    new_value = models.CharField(_("申请值"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    reason = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("档案变更申请")
        verbose_name_plural = _("档案变更申请")
        indexes = [models.Index(fields=["status", "enterprise"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "field"],
                condition=Q(status="pending"),
                name="enterprise_change_one_pending_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.field}: {self.old_value} → {self.new_value}"

    def _label(self, value: str) -> str:
        if not value:
            return "—"
        if self.field == VerifiedFact.KIND and value in EnterpriseKind.values:
            return str(EnterpriseKind(value).label)
        return value

    @property
    def old_display(self) -> str:
        return self._label(self.old_value)

    @property
    def new_display(self) -> str:
        return self._label(self.new_value)


class RecognitionType(models.TextChoices):
    BENCHMARK = "benchmark", _("标杆跨境电商企业名单")
    BRAND = "brand", _("跨境电商品牌")
    PARK = "park", _("跨境电商产业园")
    PUBLIC_WAREHOUSE = "public_warehouse", _("市级公共海外仓")
    REGIONAL_CENTER = "regional_center", _("区域中心")
    BRAND_POOL = "brand_pool", _("重点品牌企业培育库")  # (七): makes a 跨境电商品牌企业


class Recognition(models.Model):
    """A recognition of an enterprise in a given year (认定/入选名单)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="recognitions"
    )
    type = models.CharField(_("认定类型"), max_length=32, choices=RecognitionType.choices)
    level = models.CharField(_("级别"), max_length=16, choices=RecognitionLevel.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "type"]
        verbose_name = _("认定")
        verbose_name_plural = _("认定")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "type", "level", "year"], name="recognition_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_type_display()} {self.get_level_display()}"
