"""Event and registration list filters, declared once: page forms, the API query, selectors."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from codes.models import County
from core.filters import Filter, FilterSet, choices_with_all
from events.models import EventKind, EventStatus, RegistrationSource


def _county(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == "city":
        return qs.filter(county__isnull=True)
    return qs.filter(county__code=value)


def _year(qs: QuerySet[Any], year: int) -> QuerySet[Any]:
    tz = timezone.get_default_timezone()
    start = dt.datetime(int(year), 1, 1, tzinfo=tz)
    return qs.filter(starts_at__gte=start, starts_at__lt=start.replace(year=start.year + 1))


def _upcoming(qs: QuerySet[Any], _value: bool) -> QuerySet[Any]:
    return qs.filter(starts_at__gte=timezone.now(), status=EventStatus.PUBLISHED).order_by(
        "starts_at"
    )


class EventFilterSet(FilterSet):
    q = Filter(forms.CharField(label=_("关键词")), search=("title", "organiser"))
    kind = Filter(
        forms.ChoiceField(label=_("活动类型"), choices=choices_with_all(EventKind.choices)),
        "kind",
    )
    county = Filter(
        forms.ChoiceField(label=_("县区")), _county, description="县区代码; 'city' = city-wide"
    )
    year = Filter(forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100), _year)
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(EventStatus.choices)),
        "status",
    )
    upcoming = Filter(forms.BooleanField(label=_("即将开始")), _upcoming, api_only=True)

    @classmethod
    def customise(cls, form: forms.Form, user: Any) -> None:
        county = form.fields["county"]
        assert isinstance(county, forms.ChoiceField)
        county.choices = [("", _("全部")), ("city", _("全市性活动"))] + [
            (c.code, c.label) for c in County.objects.all()
        ]


def _attended(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(attended=value == "1")


class RegistrationFilterSet(FilterSet):
    """The registration list of one event (报名名单): search, attendance, source."""

    q = Filter(
        forms.CharField(label=_("搜索"), max_length=50, help_text=_("姓名、手机号或单位")),
        search=("name", "phone", "organisation"),
    )
    attended = Filter(
        forms.ChoiceField(
            label=_("签到"), choices=[("", _("全部")), ("1", _("已签到")), ("0", _("未签到"))]
        ),
        _attended,
    )
    source = Filter(
        forms.ChoiceField(label=_("来源"), choices=choices_with_all(RegistrationSource.choices)),
        "source",
    )


if TYPE_CHECKING:
    EventQuery = Schema
else:
    EventQuery = EventFilterSet.schema()
