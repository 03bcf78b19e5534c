"""The declaration list's filters, declared once: the page form and the selector's query."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import Filter, FilterSet, choices_with_all
from customs.models import Direction

TRADE_MODES = ("9610", "9710", "9810", "1210")


def _number(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    """An exact inventory, enterprise, order or waybill number, or the e-commerce code."""
    q = str(value).strip()
    return qs.filter(Q(cop_no=q) | Q(invt_no=q) | Q(order_no=q) | Q(logistics_no=q) | Q(ebc_code=q))


class DeclarationFilterSet(FilterSet):
    q = Filter(forms.CharField(label=_("清单/订单/运单编号"), max_length=100), _number)
    direction = Filter(
        forms.ChoiceField(label=_("进出口"), choices=choices_with_all(Direction.choices)),
        "direction",
    )
    mode = Filter(
        forms.ChoiceField(
            label=_("监管方式"), choices=choices_with_all((m, m) for m in TRADE_MODES)
        ),
        "trade_mode",
    )
