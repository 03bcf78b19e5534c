"""Forms of the event pages (parse only; rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from codes.models import County
from core.forms import AccessibleFormMixin
from core.widgets import DateTimeInput
from events.models import Event, EventKind, EventStatus

_DT = DateTimeInput()


class EventForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=200)
    kind = forms.ChoiceField(label=_("活动类型"), choices=EventKind.choices)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=_DT)
    ends_at = forms.DateTimeField(label=_("结束时间"), required=False, widget=_DT)
    county = forms.ModelChoiceField(
        label=_("举办县区"),
        queryset=County.objects.all(),
        required=False,
        empty_label=_("全市性活动"),
    )
    venue = forms.CharField(label=_("地点"), max_length=300, required=False)
    organiser = forms.CharField(label=_("主办单位"), max_length=200)
    capacity = forms.IntegerField(label=_("名额"), min_value=1)
    description = forms.CharField(
        label=_("活动介绍"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, county_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if county_choices is not None:
            county = self.fields["county"]
            assert isinstance(county, forms.ModelChoiceField)
            county.queryset = county_choices
            county.required = True
            county.empty_label = None

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        return {name: getattr(event, name) for name in EventForm.base_fields} | {
            "county": event.county_id
        }


class RegisterForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    organisation = forms.CharField(label=_("单位"), max_length=200, required=False)


class CheckInForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        max_length=16,
        help_text=_("请输入活动现场公布的签到码，或您本人的个人签到码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        help_text=_("未在线报名的参会人员请填写手机号码。"),
    )


class CodeCheckInForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("个人签到码"),
        max_length=16,
        help_text=_("报名成功后显示在活动页面和“我的报名”中的 6 位签到码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class AttendanceImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(label=_("签到名单（.xlsx）"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(EventStatus.CANCELLED, ""), (EventStatus.FINISHED, "")])
