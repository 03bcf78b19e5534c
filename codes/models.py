"""Code tables shipped as versioned data files under ``codes/data/`` (loaded by ``ddt codes load``).

Customs numeric country/currency codes are NOT ISO 3166/4217 numerics: China is customs 142 but
ISO 156. Each table keeps both, in separate, clearly named columns.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized_name(name: str, name_en: str) -> str:
    """The English name when the page is in English and the table has one, else the Chinese.

    Every code table with a ``name_en`` column shows itself through this (``label``, ``str``),
    so a page in English names counties, countries, currencies and units in English.
    """
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class CodeLabels:
    """``label`` (the name in the page's language) and ``label_with_code`` ("美国 (502)")."""

    name: str
    name_en: str

    @property
    def label(self) -> str:
        return localized_name(self.name, self.name_en)

    def _code(self) -> str:
        return str(getattr(self, "customs_code", "") or getattr(self, "code", ""))

    @property
    def label_with_code(self) -> str:
        return f"{self.label} ({self._code()})"


class CountyKind(models.TextChoices):
    DISTRICT = "district", _("市辖区")
    COUNTY = "county", _("县")
    ZONE = "zone", _("功能板块")


class County(CodeLabels, models.Model):
    """A county, district or functional zone of Lianyungang (县区/功能板块)."""

    code = models.CharField(_("代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=CountyKind.choices)
    official = models.BooleanField(
        _("国家标准代码"),
        default=True,
        help_text=_("否：项目自定代码（无官方代码的功能板块）"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("县区")
        verbose_name_plural = _("县区")

    def __str__(self) -> str:
        return self.label


class Country(CodeLabels, models.Model):
    customs_code = models.CharField(_("海关国别代码"), max_length=3, unique=True)
    name = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100)
    iso_alpha2 = models.CharField(_("ISO 3166 二字母"), max_length=2, blank=True)
    iso_alpha3 = models.CharField(_("ISO 3166 三字母"), max_length=3, blank=True)
    iso_numeric = models.CharField(_("ISO 3166 数字"), max_length=3, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        ordering = ["customs_code"]
        verbose_name = _("国别（地区）")
        verbose_name_plural = _("国别（地区）")
        constraints = [
            # 142 is the customs code of China; ISO 3166 numeric for China is 156.
            models.CheckConstraint(
                name="country_iso_numeric_not_customs_142", condition=~models.Q(iso_numeric="142")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customs_code} {self.label}"


class Currency(CodeLabels, models.Model):
    customs_code = models.CharField(_("海关币制代码"), max_length=3, unique=True)
    name = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100)
    iso_alpha = models.CharField(_("ISO 4217 字母"), max_length=3, blank=True)
    iso_numeric = models.CharField(_("ISO 4217 数字"), max_length=3, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        ordering = ["customs_code"]
        verbose_name = _("币制")
        verbose_name_plural = _("币制")
        constraints = [
            # 142 is the customs code of the renminbi; ISO 4217 numeric for CNY is 156.
            models.CheckConstraint(
                name="currency_iso_numeric_not_customs_142", condition=~models.Q(iso_numeric="142")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customs_code} {self.label}"


class Unit(CodeLabels, models.Model):
    code = models.CharField(_("海关计量单位代码"), max_length=3, unique=True)
    name = models.CharField(_("名称"), max_length=20)
    name_en = models.CharField(_("英文名称"), max_length=50, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("计量单位")
        verbose_name_plural = _("计量单位")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class SupervisionMode(CodeLabels, models.Model):
    code = models.CharField(_("监管方式代码"), max_length=4, unique=True)
    short_name = models.CharField(_("简称"), max_length=50)
    name = models.CharField(_("全称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100)
    is_cbec = models.BooleanField(_("跨境电商监管方式"), default=False)
    reference = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("监管方式")
        verbose_name_plural = _("监管方式")

    def __str__(self) -> str:
        return f"{self.code} {localized_name(self.short_name, self.name_en)}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class Holiday(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday, or a make-up workday."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=50)
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("国务院办公厅通知发布前按法定节日暂定")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CodeTableVersion(models.Model):
    """Which version of each shipped data file is loaded (and its SHA-256)."""

    table = models.CharField(_("代码表"), max_length=50, unique=True)
    version = models.CharField(_("版本"), max_length=50)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)

    class Meta:
        verbose_name = _("代码表版本")
        verbose_name_plural = _("代码表版本")

    def __str__(self) -> str:
        return f"{self.table} {self.version}"
