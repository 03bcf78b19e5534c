"""Voucher page forms: they parse and size-limit input; the services decide (``core.forms.submit``
puts a service's ValidationError back on the form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from core.widgets import DateInput
from vouchers.models import CapacityPurchase, LogisticsContract, VoucherPool


def _money(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=0, help_text=_("单位：元")
    )


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput())


def partner_choices() -> list[tuple[str, str]]:
    """The logistics companies the pools bought capacity from (the partner companies)."""
    seen: dict[str, str] = {}
    for code, name in CapacityPurchase.objects.order_by("logistics_code", "-valid_to").values_list(
        "logistics_code", "company_name"
    ):
        seen.setdefault(code, f"{name}（{code}）")
    return list(seen.items())


class PoolForm(AccessibleFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = _money(_("资金池总额"))


class PurchaseForm(AccessibleFormMixin, forms.Form):
    logistics_code = forms.CharField(label=_("物流企业海关编码"), max_length=18)
    company_name = forms.CharField(label=_("物流企业名称"), max_length=200)
    contract_no = forms.CharField(label=_("采购合同编号"), max_length=100)
    amount = _money(_("采购运力金额"))
    valid_from = _date(_("有效期起"))
    valid_to = _date(_("有效期止"))


class BatchForm(AccessibleFormMixin, forms.Form):
    pool = forms.ModelChoiceField(label=_("资金池"), queryset=VoucherPool.objects.all())
    name = forms.CharField(label=_("批次名称"), max_length=200)
    amount = _money(_("批次额度"))
    face_values = forms.CharField(
        label=_("券面额"),
        max_length=100,
        help_text=_("1 至 5 种面额，以逗号分隔，如 1000,500,100"),
    )
    valid_from = _date(_("有效期起"))
    valid_to = _date(_("有效期止"))
    per_enterprise_limit = _money(_("单家企业限额"))
    eligible_kinds = forms.MultipleChoiceField(
        label=_("适用企业类型"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则不限"),
    )
    eligible_counties = forms.MultipleChoiceField(
        label=_("适用县区"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则不限"),
    )
    notice = forms.CharField(
        label=_("发放通知"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from codes.models import County
        from enterprises.models import EnterpriseKind

        kinds = self.fields["eligible_kinds"]
        counties = self.fields["eligible_counties"]
        assert isinstance(kinds, forms.MultipleChoiceField)
        assert isinstance(counties, forms.MultipleChoiceField)
        kinds.choices = EnterpriseKind.choices
        counties.choices = [(c.code, c.label) for c in County.objects.all()]

    def clean_face_values(self) -> list[str]:
        text = str(self.cleaned_data["face_values"]).replace("，", ",").replace("、", ",")
        return [v.strip() for v in text.split(",") if v.strip()]


class ContractForm(AccessibleFormMixin, forms.Form):
    logistics_code = forms.ChoiceField(label=_("合作物流企业"))
    contract_no = forms.CharField(label=_("合同编号"), max_length=100)
    amount = _money(_("合同金额"))
    starts_on = _date(_("合同期起"))
    ends_on = _date(_("合同期止"))
    file = forms.FileField(label=_("合同文件"), help_text=_("PDF、JPG 或 PNG，按文件内容识别类型"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["logistics_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *partner_choices()]


class ClaimForm(AccessibleFormMixin, forms.Form):
    contract = forms.ModelChoiceField(
        label=_("物流合同"), queryset=LogisticsContract.objects.none()
    )

    def __init__(self, *args: Any, contracts: QuerySet[LogisticsContract], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contract"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = contracts


class RedeemForm(AccessibleFormMixin, forms.Form):
    invoice_no = forms.CharField(label=_("发票号码"), max_length=64)
    invoice_amount = _money(_("发票金额"))
    invoice_date = _date(_("开票日期"))
    amount = _money(_("本次核销金额"))


class CancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=300)


class SettlementIssueForm(AccessibleFormMixin, forms.Form):
    pool = forms.ModelChoiceField(label=_("资金池"), queryset=VoucherPool.objects.all())
    logistics_code = forms.ChoiceField(label=_("物流企业"))
    month = forms.CharField(
        label=_("结算月份"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["logistics_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *partner_choices()]


class PayForm(AccessibleFormMixin, forms.Form):
    paid_on = _date(_("支付日期"))
    bank_reference = forms.CharField(label=_("银行流水号"), max_length=64)
