"""Mandate page forms: they parse and size-limit input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from mandates import selectors
from mandates.models import MANDATE_DAYS, MandateScope


class PlatformChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.organisation or obj.get_username())


class GrantForm(AccessibleFormMixin, forms.Form):
    platform = PlatformChoiceField(
        label=_("外贸综合服务平台"),
        queryset=selectors.platform_choices(),
        empty_label="—",
    )
    scopes = forms.MultipleChoiceField(
        label=_("授权事项"),
        choices=MandateScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("平台只能办理所勾选的事项，每次办理都记录在本页。"),
    )
    days = forms.TypedChoiceField(label=_("授权期限"), coerce=int, initial=180)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # labelled per request, in the reader's language
        self.fields["days"].choices = [(d, gettext("%(d)s 天") % {"d": d}) for d in MANDATE_DAYS]  # type: ignore[attr-defined]
