"""Forms of the logistics pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TrackForm(forms.Form):
    """The public waybill query."""

    no = forms.RegexField(
        label=_("运单号"),
        max_length=60,
        regex=r"^[A-Za-z0-9][A-Za-z0-9_\-./]{0,59}$",
        error_messages={"invalid": _("请输入有效的运单号。")},
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
