"""The voucher lists' filters, declared once: the page forms and the selectors' narrowing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import Filter, FilterSet, choices_with_all
from vouchers.models import BatchStatus, SettlementStatus, VoucherStatus


def _year(field: str) -> Any:
    def apply(qs: QuerySet[Any], value: int) -> QuerySet[Any]:
        return qs.filter(**{field: int(value)})

    return apply


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class BatchFilterSet(FilterSet):
    q = Filter(forms.CharField(label=_("批次名称"), max_length=100), search=("name",))
    year = Filter(_year_field(), _year("pool__year"))
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(BatchStatus.choices)),
        "status",
    )


class ContractFilterSet(FilterSet):
    q = Filter(
        forms.CharField(label=_("合同编号或物流企业"), max_length=100),
        search=("contract_no", "company_name", "logistics_code"),
    )


class VoucherFilterSet(FilterSet):
    q = Filter(
        forms.CharField(label=_("券号、合同编号或企业"), max_length=100),
        search=("code", "claim__contract__contract_no", "claim__enterprise__name"),
    )
    year = Filter(_year_field(), _year("batch__pool__year"))
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(VoucherStatus.choices)),
        "status",
    )


class SettlementFilterSet(FilterSet):
    q = Filter(
        forms.CharField(label=_("物流企业"), max_length=100),
        search=("company_name", "logistics_code"),
    )
    year = Filter(_year_field(), _year("pool__year"))
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(SettlementStatus.choices)),
        "status",
    )
