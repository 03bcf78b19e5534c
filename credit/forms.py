"""Finance page forms: they parse and size-limit input; the services decide (``core.forms.submit``
puts a service's ValidationError back on the form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from credit.models import DataScope, InsuranceLine
from credit.services import CONSENT_DAYS


def _money(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=0, help_text=_("单位：元")
    )


def _rate(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=6, decimal_places=3, min_value=0, help_text=_("年化，单位：%")
    )


def _months(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=360)


class ProductForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("产品名称"), max_length=200)
    insurance_line = forms.ChoiceField(
        label=_("险种"), choices=[("", "—"), *InsuranceLine.choices], required=False
    )
    amount_min = _money(_("最低金额"))
    amount_max = _money(_("最高金额"))
    rate_min = _rate(_("最低利率/费率"))
    rate_max = _rate(_("最高利率/费率"))
    term_months = _months(_("最长期限（月）"))
    summary = forms.CharField(
        label=_("产品介绍"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    criteria = forms.CharField(
        label=_("申请条件"),
        required=False,
        max_length=4000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_(
            "如：近 12 个月跨境电商出口额不低于 100 万元；可与信用保险组合（信用保险+保单融资）"
        ),
    )

    def __init__(self, *args: Any, insurance: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not insurance:
            del self.fields["insurance_line"]


class DocumentForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("文件名称"), max_length=200)
    file = forms.FileField(label=_("PDF 文件"), help_text=_("仅限 PDF，不超过 10 MB"))


class ApplyForm(AccessibleFormMixin, forms.Form):
    amount = _money(_("申请金额"))
    term_months = _months(_("期限（月）"))
    purpose = forms.CharField(label=_("用途"), max_length=300)
    scopes = forms.MultipleChoiceField(
        label=_("授权对方查看的数据"),
        choices=DataScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("仅向该机构授权；可随时撤回，撤回后对方立即不能再查看。"),
    )
    days = forms.TypedChoiceField(
        label=_("授权期限"),
        coerce=int,
        choices=lambda: [(d, _("%(d)s 天") % {"d": d}) for d in CONSENT_DAYS],  # per request
        initial=90,
    )


class OfferForm(AccessibleFormMixin, forms.Form):
    offer_amount = _money(_("方案金额"))
    offer_rate = _rate(_("利率/费率"))
    offer_term_months = _months(_("期限（月）"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class CompleteForm(AccessibleFormMixin, forms.Form):
    reference = forms.CharField(label=_("放款流水号/保单号"), max_length=64)


class NoteForm(AccessibleFormMixin, forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class VerifyNumberForm(AccessibleFormMixin, forms.Form):
    number = forms.CharField(label=_("文件编号"), max_length=32)
    digest = forms.CharField(label=_("SM3 摘要"), max_length=64, min_length=64)


class VerifyDocumentForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label=_("粘贴 JSON 文件内容"),
        required=False,
        max_length=2 * 1024 * 1024,
        widget=forms.Textarea({"rows": 6}),
    )
    file = forms.FileField(label=_("或上传 JSON 文件"), required=False)
