"""Forms of the funds pages (parsing only: the rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from core.widgets import DateInput


class NoticeForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=200)


class ObjectionForm(AccessibleFormMixin, forms.Form):
    entry = forms.TypedChoiceField(
        label=_("针对条目（可选）"), required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    text = forms.CharField(
        label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args: Any, entries: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", _("整个公示"))] + [  # type: ignore[attr-defined]
            (e.pk, f"{e.enterprise_name} · {e.measure_title}") for e in entries
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email") and not self.has_error("email"):
            raise ValidationError(_("请至少填写联系电话或电子邮箱之一。"))
        return data


class ObjectionLookupForm(AccessibleFormMixin, forms.Form):
    """The objector's look-up of an objection's status (GET, on the notice page)."""

    ref = forms.RegexField(
        label=_("受理编号"),
        regex=r"^\d{2}-\d{6}$",
        max_length=9,
        error_messages={"invalid": _("受理编号格式为“年份两位-六位数字”，例如 26-012345。")},
    )
    contact = forms.CharField(label=_("提交时填写的联系电话或电子邮箱"), max_length=254)


class ResolveForm(AccessibleFormMixin, forms.Form):
    resolution = forms.CharField(
        label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PaymentForm(AccessibleFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("拨付日期"), widget=DateInput())
    bank_reference = forms.CharField(label=_("银行流水号"), max_length=64)


class BankConfirmForm(AccessibleFormMixin, forms.Form):
    account_name = forms.CharField(label=_("户名"), max_length=200)
    bank_name = forms.CharField(label=_("开户银行"), max_length=200)
    account_number = forms.CharField(
        label=_("银行账号"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    agree = forms.BooleanField(
        label=_(
            "我已阅读并同意《免申即享资金拨付协议》：平台可依据已掌握的数据为本企业申请政策资金，资金拨付至上述账户。"
        ),
        required=True,
    )
