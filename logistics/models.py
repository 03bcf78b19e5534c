"""Logistics tracking (物流查询跟踪): shipments by waybill and their events.

A shipment is one waybill: ``logisticsNo`` (运单编号) of one logistics company
(``logisticsCode``, 物流企业代码) — the keys the CEB messages use. Events come from customs
messages (``source=customs``) and from the logistics companies' pushes (``source=carrier``);
each is stored once per (shipment, source, key). The shipment keeps its current status (the
latest status-bearing event) and the times the aggregates need.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventCode(models.TextChoices):
    """The normalised event codes. The first eleven are the carriers' set (issue 18); the last
    three come only from customs messages."""

    PICKED_UP = "picked_up", _("已揽收")
    DEPARTED_ORIGIN = "departed_origin", _("已离开始发地")
    ARRIVED_SITE = "arrived_site", _("已运抵监管场所")
    CUSTOMS_RELEASED = "customs_released", _("海关已放行")
    DEPARTED_COUNTRY = "departed_country", _("已离境")
    ARRIVED_DESTINATION = "arrived_destination", _("已到达目的地")
    CLEARED_ABROAD = "cleared_abroad", _("目的国已清关")
    OUT_FOR_DELIVERY = "out_for_delivery", _("派送中")
    DELIVERED = "delivered", _("已签收")
    EXCEPTION = "exception", _("异常")
    RETURNED = "returned", _("已退回")
    WAYBILL_DECLARED = "waybill_declared", _("运单已申报")
    MASTER_WAYBILL = "master_waybill", _("已生成总分单")
    CUSTOMS_RECEIPT = "customs_receipt", _("海关回执")


CARRIER_CODES = frozenset(
    {
        EventCode.PICKED_UP,
        EventCode.DEPARTED_ORIGIN,
        EventCode.ARRIVED_SITE,
        EventCode.CUSTOMS_RELEASED,
        EventCode.DEPARTED_COUNTRY,
        EventCode.ARRIVED_DESTINATION,
        EventCode.CLEARED_ABROAD,
        EventCode.OUT_FOR_DELIVERY,
        EventCode.DELIVERED,
        EventCode.EXCEPTION,
        EventCode.RETURNED,
    }
)
# Events that do not change the shipment's status (a receipt is about a message, not the goods).
NON_STATUS_CODES = frozenset({EventCode.CUSTOMS_RECEIPT})


class EventSource(models.TextChoices):
    CUSTOMS = "customs", _("海关报文")
    CARRIER = "carrier", _("物流企业推送")


class Direction(models.TextChoices):
    EXPORT = "export", _("出口")
    IMPORT = "import", _("进口")


class Shipment(models.Model):
    """One waybill of one logistics company (运单)."""

    logistics_no = models.CharField(_("物流运单编号"), max_length=60)
    logistics_code = models.CharField(_("物流企业代码"), max_length=18)
    logistics_name = models.CharField(_("物流企业名称"), max_length=200, blank=True)
    direction = models.CharField(_("进出口"), max_length=8, choices=Direction.choices, blank=True)
    order_no = models.CharField(_("订单编号"), max_length=60, blank=True)
    invt_no = models.CharField(_("清单编号"), max_length=20, blank=True)
    ebc_code = models.CharField(_("电商企业代码"), max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shipments",
    )
    county = models.ForeignKey(
        "codes.County",
        verbose_name=_("县区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("当前状态"), max_length=24, choices=EventCode.choices, blank=True)
    status_at = models.DateTimeField(_("状态时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("放行时间"), null=True, blank=True)
    departed_at = models.DateTimeField(_("离境时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    exceptions = models.PositiveIntegerField(_("异常次数"), default=0)
    events_count = models.PositiveIntegerField(_("事件数"), default=0)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("运单")
        verbose_name_plural = _("运单")
        constraints = [
            models.UniqueConstraint(
                fields=["logistics_no", "logistics_code"], name="logistics_shipment_once"
            )
        ]
        indexes = [
            models.Index(fields=["enterprise", "status_at"], name="logistics_ship_ent"),
            models.Index(fields=["logistics_code", "status_at"], name="logistics_ship_code"),
        ]

    def __str__(self) -> str:
        return f"{self.logistics_no} ({self.logistics_code})"


class ShipmentEvent(models.Model):
    """One event of a shipment. Stored once per (shipment, source, key): the key is the
    carrier's idempotency key, or the customs message type and business key."""

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("运单"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("发生时间"))
    code = models.CharField(_("事件"), max_length=24, choices=EventCode.choices)
    source = models.CharField(_("来源"), max_length=8, choices=EventSource.choices)
    text = models.CharField(_("说明"), max_length=500, blank=True)
    key = models.CharField(_("幂等键"), max_length=120)
    message_type = models.CharField(_("报文类型"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("接收时间"))

    class Meta:
        verbose_name = _("运单事件")
        verbose_name_plural = _("运单事件")
        # The unique index also serves the timeline (shipment first); no second index to write
        # for each of millions of events.
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "source", "key"], name="logistics_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.code} {self.at:%Y-%m-%d %H:%M}"


class DocumentWaybill(models.Model):
    """A waybill listed by an arrival (CEB507), departure (CEB509) or master waybill (CEB607)
    document: their receipts (CEB508/510/608) name the document, and reach its waybills here."""

    document_type = models.CharField(_("报文类型"), max_length=8)
    logistics_code = models.CharField(_("物流企业代码"), max_length=18)
    cop_no = models.CharField(_("企业内部编号"), max_length=30)
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("单证运单")
        verbose_name_plural = _("单证运单")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "logistics_code", "cop_no", "shipment"],
                name="logistics_document_waybill_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.cop_no}"
