"""The warehouse list's filters, declared once: the page form, the API query and the selector."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from codes.models import Country
from core.filters import Filter, FilterSet, choices_with_all
from warehouses.models import WarehouseStatus


def _public(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    value = str(value).lower()
    if value in {"1", "true", "yes"}:
        return qs.filter(public_recognition_year__isnull=False)
    if value in {"0", "false", "no"}:
        return qs.filter(public_recognition_year__isnull=True)
    return qs


class WarehouseFilterSet(FilterSet):
    q = Filter(
        forms.CharField(label=_("关键词")),
        search=("name", "city", "services", "operator__name"),
    )
    country = Filter(
        forms.ChoiceField(label=_("国家（地区）")),
        "country__customs_code",
        description="海关国别代码 Customs country code",
    )
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(WarehouseStatus.choices)),
        "status",
    )
    public = Filter(
        forms.ChoiceField(
            label=_("市级公共海外仓"), choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))]
        ),
        _public,
        description="1: recognised public warehouses; 0: not recognised",
    )
    # the caller's own warehouses: needs the caller, so the selector applies it (API only)
    mine = Filter(forms.BooleanField(label=_("我的海外仓")), lambda qs, _v: qs, api_only=True)

    @classmethod
    def customise(cls, form: forms.Form, user: Any) -> None:
        used = (
            Country.objects.filter(overseas_warehouses__isnull=False)
            .distinct()
            .order_by("customs_code")
        )
        country = form.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("全部"))] + [(c.customs_code, c.label_with_code) for c in used]


if TYPE_CHECKING:
    WarehouseQuery = Schema
else:
    WarehouseQuery = WarehouseFilterSet.schema()
