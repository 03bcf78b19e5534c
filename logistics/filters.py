"""The shipment list's filters, declared once: the page form and the selector."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import Filter, FilterSet, choices_with_all
from logistics.models import EventCode


class ShipmentFilterSet(FilterSet):
    q = Filter(
        forms.CharField(label=_("运单号或订单号"), max_length=60),
        search=("logistics_no", "order_no"),
    )
    status = Filter(
        forms.ChoiceField(label=_("当前状态"), choices=choices_with_all(EventCode.choices)),
        "status",
    )
