"""The registry's filters, declared once: the list page form, the API query and the selector."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from codes.models import County
from core.filters import Filter, FilterSet, choices_with_all
from enterprises.models import (
    EnterpriseKind,
    EnterpriseStatus,
    IndustryBelt,
    Park,
    Recognition,
    RecognitionType,
)


def _recognised(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(pk__in=Recognition.objects.filter(type=value).values("enterprise_id"))


class EnterpriseFilterSet(FilterSet):
    q = Filter(
        forms.CharField(label=_("搜索"), help_text=_("企业名称、信用代码或海关编码")),
        search=("name", "uscc", "customs_code"),
        description="名称/信用代码/海关编码 Name, USCC or customs code",
    )
    county = Filter(
        forms.ModelChoiceField(
            label=_("县区"),
            queryset=County.objects.all(),
            to_field_name="code",
            empty_label=_("全部"),
        ),
        "county__code",
        description="县区代码 County code",
    )
    kind = Filter(
        forms.ChoiceField(label=_("企业类型"), choices=choices_with_all(EnterpriseKind.choices)),
        "kind",
    )
    industry_belt = Filter(
        forms.ModelChoiceField(
            label=_("产业带"), queryset=IndustryBelt.objects.all(), empty_label=_("全部")
        ),
        "industry_belt_id",
    )
    park = Filter(
        forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.all(), empty_label=_("全部")),
        "park_id",
    )
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(EnterpriseStatus.choices)),
        "status",
    )
    recognition = Filter(
        forms.ChoiceField(label=_("认定"), choices=choices_with_all(RecognitionType.choices)),
        _recognised,
        description="认定类型 Recognition type",
    )
    first_cbec_year = Filter(
        forms.IntegerField(label=_("首次跨境年份"), min_value=1900, max_value=2100),
        "first_cbec_year",
    )
    orderings = {
        "name": (_("名称 A→Z"), ("name", "pk")),
        "-name": (_("名称 Z→A"), ("-name", "-pk")),
        "created": (_("最早登记"), ("created_at", "pk")),
        "-created": (_("最新登记"), ("-created_at", "-pk")),
        "year": (_("首次跨境年份（旧→新）"), (F("first_cbec_year").asc(nulls_last=True), "name")),
        "-year": (_("首次跨境年份（新→旧）"), (F("first_cbec_year").desc(nulls_last=True), "name")),
        "county": (_("县区"), ("county__sort_order", "name")),
    }
    default_ordering = "name"

    @classmethod
    def customise(cls, form: forms.Form, user: Any) -> None:
        if user is not None and getattr(user, "is_county_officer", False):
            # A county officer's registry is their county: offer only its places.
            fields: dict[str, Any] = form.fields
            fields["county"].queryset = County.objects.filter(pk=user.county_id)
            fields["industry_belt"].queryset = IndustryBelt.objects.filter(county_id=user.county_id)
            fields["park"].queryset = Park.objects.filter(county_id=user.county_id)


if TYPE_CHECKING:
    EnterpriseQuery = Schema
else:
    EnterpriseQuery = EnterpriseFilterSet.schema()
