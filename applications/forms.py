"""Forms of the applications pages. They only parse; the rules live in services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.measures import MeasureFields
from applications.models import ApplicationStatus, EvidenceMatchDecision
from core.forms import AccessibleFormMixin
from core.widgets import DateInput
from entitlement.guide import shipped_years


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; an empty upload passes here so the service can refuse it clearly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class RoundCreateForm(AccessibleFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("申报指南年度"), coerce=int, choices=())
    name = forms.CharField(
        label=_("批次名称"),
        max_length=200,
        required=False,
        help_text=_("留空则为“某年度专项资金申报”。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in shipped_years()]  # type: ignore[attr-defined]


class RoundDatesForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("批次名称"), max_length=200)
    opens_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    closes_on = forms.DateField(label=_("截止日期"), widget=DateInput())


YES_NO = [("", _("请选择")), ("yes", _("是")), ("no", _("否"))]


class ServiceCheckedChoiceField(forms.ChoiceField):
    """Choices for the page; whether the value may be used is the service's rule."""

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


class ApplicationForm(AccessibleFormMixin, forms.Form):
    """The fields of one measure; which of them show depends on ``need``."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)
    matter = forms.CharField(
        label=_("发票号或合同号"),
        max_length=100,
        required=False,
        help_text=_("同一发票/合同只能用于一项支持（就高不重复），审核时会核对。"),
    )
    cost = forms.DecimalField(
        label=_("申报费用（元）"),
        required=False,
        min_value=0,
        max_digits=15,
        decimal_places=2,
        help_text=_("实际发生且有凭证的费用，请上传发票、合同和付款凭证。"),
    )
    cost_date = forms.DateField(
        label=_("费用发生日期"),
        required=False,
        widget=DateInput(),
        help_text=_("发票或付款日期，须在本批次指南的考核期内。"),
    )
    in_plan = forms.ChoiceField(
        label=_("该展会是否列入省市贸促计划或市县组团活动"), choices=YES_NO, required=False
    )
    industry_belt = ServiceCheckedChoiceField(
        label=_("所属产业带"),
        required=False,
        help_text=_(
            "贵单位所在县区的产业带；补助给县区确定的产业带运营主体或平台合作项目主体，"
            "由县区审核确认。"
        ),
    )
    note = forms.CharField(
        label=_("情况说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    other_public_money = forms.DecimalField(
        label=_("同一事项已获其他财政资金（元）"),
        required=False,
        min_value=0,
        max_digits=15,
        decimal_places=2,
        help_text=_("没有则填 0 或留空；已获资金只补足差额（就高不重复）。"),
    )
    other_public_money_note = forms.CharField(
        label=_("其他财政资金来源及文号"), required=False, max_length=300
    )
    evidence_files = MultipleFileField(
        label=_("证明材料"),
        required=False,
        help_text=_("PDF、JPEG 或 PNG，每个文件不超过 20 MB，可多选。"),
    )

    def __init__(
        self,
        *args: Any,
        need: MeasureFields,
        belts: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not need.cost:
            del self.fields["cost"]
        else:
            self.fields["cost"].required = True
        if not need.dated:
            del self.fields["cost_date"]
        else:
            self.fields["cost_date"].required = True
        if not need.in_plan:
            del self.fields["in_plan"]
        else:
            self.fields["in_plan"].required = True
        if not need.belt:
            del self.fields["industry_belt"]
        else:
            self.fields["industry_belt"].choices = [("", _("请选择")), *(belts or [])]  # type: ignore[attr-defined]
        self.fields["matter"].required = need.matter_required
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        attributes: dict[str, Any] = {}
        if data.get("in_plan") in {"yes", "no"}:
            attributes["in_plan"] = data["in_plan"] == "yes"
        if data.get("note"):
            attributes["note"] = data["note"]
        if "industry_belt" in self.fields:
            attributes["industry_belt"] = data.get("industry_belt") or ""
        return {
            "matter": data.get("matter") or "",
            "cost": data.get("cost"),
            "attributes": attributes,
            "other_public_money": data.get("other_public_money"),
            "other_public_money_note": data.get("other_public_money_note") or "",
            "cost_date": data.get("cost_date"),
        }


class EvidenceUploadForm(AccessibleFormMixin, forms.Form):
    evidence_files = MultipleFileField(
        label=_("证明材料"), help_text=_("PDF、JPEG 或 PNG，每个文件不超过 20 MB，可多选。")
    )


class TransitionForm(AccessibleFormMixin, forms.Form):
    to = forms.ChoiceField(choices=ApplicationStatus.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回修改或不予支持时必填，企业会看到此意见。"),
    )


class EvidenceMatchForm(forms.Form):
    """The reviewer's decision on another application carrying the same evidence file."""

    other = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=EvidenceMatchDecision.choices)
    comment = forms.CharField(label=_("认定说明"), required=False, max_length=300)
