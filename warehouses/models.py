"""Overseas warehouses (海外仓): the registry of warehouses run abroad by the city's enterprises."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.status import tones


@tones(operating="ok", planning="warn", closed="err")
class WarehouseStatus(models.TextChoices):
    PLANNING = "planning", _("筹建中")
    OPERATING = "operating", _("运营中")
    CLOSED = "closed", _("已关闭")


class OverseasWarehouse(models.Model):
    """One overseas warehouse operated by an enterprise of the city.

    A warehouse counts as "in operation" on a day when its status is operating, it opened on or
    before that day and it had not closed by then (see ``warehouses.selectors``).
    ``public_recognition_year`` is the year the bureau recognised it as a municipal public
    overseas warehouse (市级公共海外仓); empty when not recognised.
    """

    name = models.CharField(_("名称"), max_length=200)
    operator = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("运营企业"),
        on_delete=models.PROTECT,
        related_name="overseas_warehouses",
    )
    country = models.ForeignKey(
        "codes.Country",
        verbose_name=_("所在国家（地区）"),
        on_delete=models.PROTECT,
        related_name="overseas_warehouses",
    )
    city = models.CharField(_("所在城市"), max_length=100)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=12, decimal_places=2)
    services = models.TextField(_("服务内容"), blank=True)
    capacity_notes = models.TextField(_("仓容说明"), blank=True)
    opened_on = models.DateField(_("投入运营日期"), null=True, blank=True)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=WarehouseStatus.choices, default=WarehouseStatus.PLANNING
    )
    public_recognition_year = models.PositiveSmallIntegerField(
        _("市级公共海外仓认定年度"), null=True, blank=True
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["country__customs_code", "city", "name"]
        verbose_name = _("海外仓")
        verbose_name_plural = _("海外仓")
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "name"], name="warehouse_name_unique_per_operator"
            ),
            models.CheckConstraint(
                name="warehouse_area_positive", condition=models.Q(area_m2__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name
