"""The finance lists' filters, declared once: the page forms and the selectors' narrowing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import Filter, FilterSet, choices_with_all
from credit.models import CreditStatus, InsuranceLine, ProductKind, ProductStatus


class ProductFilterSet(FilterSet):
    q = Filter(
        forms.CharField(label=_("产品或机构"), max_length=100),
        search=("name", "organisation", "criteria"),
    )
    kind = Filter(
        forms.ChoiceField(label=_("产品类型"), choices=choices_with_all(ProductKind.choices)),
        "kind",
    )
    line = Filter(
        forms.ChoiceField(label=_("险种"), choices=choices_with_all(InsuranceLine.choices)),
        "insurance_line",
    )
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(ProductStatus.choices)),
        "status",
    )


class ApplicationFilterSet(FilterSet):
    q = Filter(
        forms.CharField(label=_("产品或企业"), max_length=100),
        search=("product__name", "enterprise__name"),
    )
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(CreditStatus.choices)),
        "status",
    )
