"""The application list's filters, declared once: the page form, the API query, the selector."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationStatus
from core.filters import MAX_ID, Filter, FilterSet, choices_with_all


class ApplicationFilterSet(FilterSet):
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(ApplicationStatus.choices)),
        "status",
    )
    q = Filter(
        forms.CharField(label=_("企业/发票号/事项"), max_length=100),
        search=("enterprise__name", "matter", "measure"),
    )
    round_id = Filter(
        forms.IntegerField(label=_("申报批次"), min_value=1, max_value=MAX_ID),
        "round_id",
        api_only=True,
    )
