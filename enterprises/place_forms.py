"""Forms of the officers' belt and park pages. Enterprises are entered by their USCC."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from codes.models import County
from core.forms import AccessibleFormMixin
from enterprises import place_selectors
from enterprises.models import Enterprise, IndustryBelt, Park, RecognitionLevel


def _enterprise(code: str) -> Enterprise:
    enterprise = place_selectors.enterprise_by_uscc(code)
    if enterprise is None:
        raise forms.ValidationError(
            _("统一社会信用代码“%(c)s”未在企业档案中登记。"), params={"c": code}
        )
    return enterprise


class BeltForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    county = forms.ModelChoiceField(
        label=_("所在县区"), queryset=County.objects.all(), empty_label=_("（请选择）")
    )
    products = forms.CharField(label=_("主要产品"), max_length=300, required=False)
    recognised_year = forms.IntegerField(
        label=_("认定年度"),
        required=False,
        help_text=_("市商务局将其计为跨境电商特色产业带的年度；未认定请留空。"),
    )
    lead_enterprises = forms.CharField(
        label=_("龙头企业"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("填写龙头企业的统一社会信用代码，每行一个。"),
    )

    @staticmethod
    def initial_for(belt: IndustryBelt) -> dict[str, Any]:
        return {
            "name": belt.name,
            "name_en": belt.name_en,
            "county": belt.county_id,
            "products": belt.products,
            "recognised_year": belt.recognised_year,
            "lead_enterprises": "\n".join(e.uscc for e in belt.lead_enterprises.all()),
        }

    def clean_lead_enterprises(self) -> list[Enterprise]:
        codes = [c.strip().upper() for c in self.cleaned_data["lead_enterprises"].split()]
        errors: list[forms.ValidationError] = []
        result: list[Enterprise] = []
        for code in dict.fromkeys(c for c in codes if c):
            try:
                result.append(_enterprise(code))
            except forms.ValidationError as exc:
                errors.append(exc)
        if errors:
            raise forms.ValidationError(errors)
        return result


class ParkForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    county = forms.ModelChoiceField(
        label=_("所在县区"), queryset=County.objects.all(), empty_label=_("（请选择）")
    )
    operator = forms.CharField(
        label=_("运营主体"),
        required=False,
        max_length=18,
        help_text=_("运营主体的统一社会信用代码；未确定请留空。"),
    )
    level = forms.ChoiceField(
        label=_("级别"), required=False, choices=[("", "—"), *RecognitionLevel.choices]
    )
    recognised_year = forms.IntegerField(
        label=_("认定年度"),
        required=False,
        help_text=_("市商务局将其计为跨境电商产业园的年度；未认定请留空。"),
    )

    @staticmethod
    def initial_for(park: Park) -> dict[str, Any]:
        return {
            "name": park.name,
            "county": park.county_id,
            "operator": park.operator.uscc if park.operator else "",
            "level": park.level,
            "recognised_year": park.recognised_year,
        }

    def clean_operator(self) -> Enterprise | None:
        code = self.cleaned_data["operator"].strip().upper()
        return _enterprise(code) if code else None
