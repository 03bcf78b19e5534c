"""The audit log's filters, declared once (the page form; the selector takes them as values)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audit import selectors
from core.filters import Filter, FilterSet
from core.widgets import DateInput

_DATE = DateInput()


class _DateRangeForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data


class AuditFilterSet(FilterSet):
    """Applied by ``selectors.audit_entry_list`` (lookups there: the day bounds are local)."""

    form_base = _DateRangeForm
    action = Filter(forms.ChoiceField(label=_("操作")))
    object_type = Filter(forms.ChoiceField(label=_("对象类型")))
    actor = Filter(forms.CharField(label=_("操作人"), max_length=150))
    date_from = Filter(forms.DateField(label=_("开始日期"), widget=_DATE))
    date_to = Filter(forms.DateField(label=_("结束日期"), widget=_DATE))

    @classmethod
    def customise(cls, form: forms.Form, user: Any) -> None:
        everything = ("", _("全部"))
        fields: dict[str, Any] = form.fields
        fields["action"].choices = [
            everything,
            *((a, a) for a in selectors.audit_actions(user=user)),
        ]
        fields["object_type"].choices = [
            everything,
            *((t, t) for t in selectors.audit_object_types(user=user)),
        ]
