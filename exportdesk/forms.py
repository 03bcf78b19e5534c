"""Export desk forms: they parse and size-limit input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from exportdesk import netting
from exportdesk.models import AUTHORISATION_DAYS, CostKind, ReportScope, ReturnReason


def _amount() -> forms.DecimalField:
    return forms.DecimalField(label=_("金额"), max_digits=14, decimal_places=2, min_value=0)


class _CurrencyForm(AccessibleFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "—"), *netting.currency_choices()]  # type: ignore[attr-defined]


class CostForm(_CurrencyForm):
    kind = forms.ChoiceField(label=_("费用类型"), choices=CostKind.choices)
    currency = forms.ChoiceField(label=_("币种"))
    amount = _amount()
    incurred_on = forms.DateField(label=_("发生日期"), widget=forms.DateInput({"type": "date"}))
    payee = forms.CharField(label=_("收款方"), max_length=200)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    document = forms.FileField(label=_("凭证（PDF）"), help_text=_("仅限 PDF，不超过 10 MB"))


class ProceedsForm(_CurrencyForm):
    currency = forms.ChoiceField(label=_("币种"))
    amount = _amount()
    received_on = forms.DateField(label=_("收汇日期"), widget=forms.DateInput({"type": "date"}))
    bank = forms.CharField(label=_("收汇银行"), max_length=200)
    reference = forms.CharField(label=_("银行业务编号"), max_length=64, required=False)


class StatementForm(_CurrencyForm):
    currency = forms.ChoiceField(label=_("币种"))
    month_from = forms.CharField(
        label=_("起始月份"), max_length=7, widget=forms.TextInput({"type": "month"})
    )
    month_to = forms.CharField(
        label=_("截止月份"), max_length=7, widget=forms.TextInput({"type": "month"})
    )


class InvoiceForm(AccessibleFormMixin, forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    no_purchase_invoice = forms.BooleanField(
        label=_("本年度出口货物未取得有效进货凭证"), required=False
    )


class ReturnForm(AccessibleFormMixin, forms.Form):
    declaration_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    returned_on = forms.DateField(label=_("退运进境日期"), widget=forms.DateInput({"type": "date"}))
    reason = forms.ChoiceField(label=_("退运原因"), choices=ReturnReason.choices)
    original_state = forms.BooleanField(label=_("保持原状"), required=False, initial=True)


class SaleForm(AccessibleFormMixin, forms.Form):
    declaration_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    sold_on = forms.DateField(label=_("销售确认日期"), widget=forms.DateInput({"type": "date"}))


def _reporting_partners() -> Any:
    from accounts.models import User

    return User.objects.filter(
        is_active=True, role="partner", partner_kind__in=("warehouse", "logistics", "bank")
    ).order_by("organisation", "username")


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation or obj.get_username()}（{obj.get_partner_kind_display()}）"


class AuthorisationForm(AccessibleFormMixin, forms.Form):
    partner = PartnerChoiceField(label=_("合作机构"), queryset=None)
    scope = forms.ChoiceField(label=_("授权事项"), choices=ReportScope.choices)
    days = forms.TypedChoiceField(
        label=_("授权期限"),
        coerce=int,
        choices=[(d, str(d)) for d in AUTHORISATION_DAYS],
        initial=365,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _reporting_partners()  # type: ignore[attr-defined]
        self.fields["days"].choices = [  # type: ignore[attr-defined]
            (d, gettext("%(d)s 天") % {"d": d}) for d in AUTHORISATION_DAYS
        ]
