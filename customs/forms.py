"""Forms of the customs pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xml,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(AccessibleFormMixin, forms.Form):
    batch = MultipleFileField(
        label=_("报文文件"),
        help_text=_("CEB 报文 XML 文件或 zip 批量包，可多选。"),
    )
    channel = forms.BooleanField(
        label=_("按海关数据通道导入"),
        required=False,
        help_text=_(
            "仅限市级：文件是单一窗口按原样转来的海关报文和回执，其放行回执计入海关确认的贸易额。"
        ),
    )

    def __init__(self, *args: Any, channel_allowed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not channel_allowed:
            del self.fields["channel"]


class MapCodeForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(label=_("海关代码"), max_length=18, widget=forms.HiddenInput)
    uscc = forms.CharField(label=_("企业统一社会信用代码"), max_length=18)


class RateForm(AccessibleFormMixin, forms.Form):
    currency = forms.CharField(label=_("币制代码"), min_length=3, max_length=3)
    month = forms.RegexField(label=_("月份（YYYYMM）"), regex=r"^\d{4}(0[1-9]|1[0-2])$")
    rate = forms.DecimalField(label=_("汇率"), max_digits=14, decimal_places=6, min_value=0)
    source = forms.CharField(label=_("来源"), max_length=200, required=False)
