"""Forms of the overseas warehouse pages (parse only; rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from codes.models import Country
from core.forms import AccessibleFormMixin
from core.widgets import DateInput
from enterprises.models import Enterprise
from warehouses.models import OverseasWarehouse, WarehouseStatus


class WarehouseForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    country = forms.ModelChoiceField(
        label=_("所在国家（地区）"),
        queryset=Country.objects.order_by("customs_code"),
        empty_label=_("（请选择）"),
    )
    city = forms.CharField(label=_("所在城市"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    area_m2 = forms.DecimalField(
        label=_("面积（平方米）"), max_digits=12, decimal_places=2, min_value=0
    )
    services = forms.CharField(
        label=_("服务内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：一件代发、退换货、贴标换标、FBA 中转。"),
    )
    capacity_notes = forms.CharField(
        label=_("仓容说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opened_on = forms.DateField(label=_("投入运营日期"), required=False, widget=DateInput())
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)

    @staticmethod
    def initial_for(w: OverseasWarehouse) -> dict[str, Any]:
        return {name: getattr(w, name) for name in WarehouseForm.base_fields} | {
            "country": w.country_id
        }


class WarehouseCreateForm(WarehouseForm):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[
            (WarehouseStatus.PLANNING, WarehouseStatus.PLANNING.label),
            (WarehouseStatus.OPERATING, WarehouseStatus.OPERATING.label),
        ],
    )

    def __init__(self, *args: Any, choose_operator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_operator:
            self.fields = {
                "operator": forms.CharField(
                    label=_("运营企业"),
                    max_length=18,
                    help_text=_("运营企业的统一社会信用代码。"),
                ),
                **self.fields,
            }

    def clean_operator(self) -> Enterprise:
        code = self.cleaned_data["operator"].strip().upper()
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError(
                _("统一社会信用代码“%(c)s”未在企业档案中登记。"), params={"c": code}
            )
        return enterprise


class StatusForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=WarehouseStatus.choices)
    on = forms.DateField(
        label=_("日期"),
        required=False,
        widget=DateInput(),
        help_text=_("投入运营或关闭的日期，默认今天。"),
    )


class RecognitionForm(AccessibleFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("认定年度"), required=False, help_text=_("留空表示撤销认定。")
    )
