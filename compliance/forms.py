"""Compliance desk forms: they parse and size-limit input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from codes.models import Country
from compliance.models import ANSWER_MAX, BODY_MAX, QUESTION_MAX, TITLE_MAX, Topic
from core.forms import AccessibleFormMixin


class CountryField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Country.objects.order_by("customs_code"),
            to_field_name="customs_code",
            empty_label="—",
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.customs_code} {obj}"


class ArticleForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX)
    topic = forms.ChoiceField(label=_("主题"), choices=Topic.choices)
    countries = forms.ModelMultipleChoiceField(
        label=_("国别（地区）"),
        queryset=Country.objects.order_by("customs_code"),
        to_field_name="customs_code",
        required=False,
        help_text=_("不选表示通用。"),
    )
    summary = forms.CharField(label=_("摘要"), max_length=300, required=False)
    body = forms.CharField(
        label=_("正文"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("纯文本，每行一段。"),
    )
    source = forms.CharField(label=_("依据/出处"), max_length=300, required=False)


class TopicsForm(AccessibleFormMixin, forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("服务主题"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("企业就所选主题提出的咨询会分派给贵单位。"),
    )


class AskForm(AccessibleFormMixin, forms.Form):
    topic = forms.ChoiceField(label=_("主题"), choices=Topic.choices)
    country = CountryField(label=_("国别（地区）"), required=False)
    text = forms.CharField(
        label=_("问题"), max_length=QUESTION_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # its own ids: the questions page also has the list filters' topic field
        kwargs.setdefault("auto_id", "ask_%s")
        super().__init__(*args, **kwargs)


class AnswerForm(AccessibleFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("答复"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
