"""Forms of the registry UI. They parse input; rules live in services and validators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleFormMixin
from enterprises.models import (
    Enterprise,
    RecognitionLevel,
    RecognitionType,
)
from enterprises.validators import django_validate_customs_code, django_validate_uscc

PROFILE_FORM_FIELDS = [
    "uscc",
    "name",
    "county",
    "kind",
    "customs_code",
    "industry_belt",
    "park",
    "first_cbec_year",
    "independent_site_url",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "tags",
    "status",
]


def profile_formfield(model_field: models.Field, **kwargs: Any) -> Any:
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    if isinstance(model_field, models.ForeignKey) and not model_field.has_default():
        kwargs.setdefault("empty_label", _("（未选择）"))
    return model_field.formfield(**kwargs)


def _profile_fields(names: list[str]) -> dict[str, forms.Field]:
    """Form fields mirroring the model fields (without model validation side effects)."""
    model_names = [n for n in names if n != "tags"]
    result = forms.fields_for_model(
        Enterprise,
        fields=model_names,
        formfield_callback=profile_formfield,
    )
    for name, form_field in result.items():
        if name in {"uscc", "customs_code"}:
            form_field.validators = []
            form_field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
    if "uscc" in result:
        result["uscc"].help_text = _("18位，系统会校验第18位校验码")
    if "customs_code" in result:
        result["customs_code"].help_text = _("10位，可不填")
    if "tags" in names:
        result["tags"] = forms.CharField(
            label=_("标签"), required=False, help_text=_("多个标签用逗号分隔")
        )
    return result


class CodeCleaningMixin:
    cleaned_data: dict[str, Any]

    def clean_uscc(self) -> str:
        return django_validate_uscc(self.cleaned_data.get("uscc", ""))

    def clean_customs_code(self) -> str:
        value = (self.cleaned_data.get("customs_code") or "").strip()
        return django_validate_customs_code(value) if value else ""


class RegisterForm(CodeCleaningMixin, AccessibleFormMixin, forms.Form):
    """Public self-registration: the enterprise profile and its first user."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10位，不要与用户名相近"),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    privacy_consent = forms.BooleanField(
        label=_("我已阅读并同意《隐私声明》"),
        error_messages={"required": _("请阅读并同意隐私声明后再注册。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile = _profile_fields(PROFILE_FORM_FIELDS[:13])
        account = {
            k: self.fields.pop(k) for k in ("username", "password1", "password2", "privacy_consent")
        }
        account["privacy_consent"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener" data-testid="privacy-link">{}</a>',
            reverse("core:privacy"),
            gettext("阅读隐私声明（在新窗口打开）"),
        )
        profile["customs_code"].help_text = _("10位，可不填；经县区商务部门核验后生效")
        self.fields.update(profile)
        self.fields.update(account)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class EnterpriseEditForm(CodeCleaningMixin, AccessibleFormMixin, forms.Form):
    """Edit form holding only the fields the user may change (from selectors)."""

    def __init__(
        self,
        *args: Any,
        editable: frozenset[str],
        statuses: list[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        """``statuses``: the status choices the workflow allows (``workflow.status_choices``)."""
        super().__init__(*args, **kwargs)
        self.fields.update(_profile_fields([n for n in PROFILE_FORM_FIELDS if n in editable]))
        status = self.fields.get("status")
        if statuses is not None and isinstance(status, forms.ChoiceField):
            status.choices = statuses

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.replace("，", ",").split(",") if t.strip()]


def edit_initial(enterprise: Enterprise) -> dict[str, Any]:
    initial = forms.model_to_dict(enterprise)
    initial["tags"] = ", ".join(enterprise.tags or [])
    return initial


class RecognitionForm(AccessibleFormMixin, forms.Form):
    type = forms.ChoiceField(label=_("认定类型"), choices=RecognitionType.choices)
    level = forms.ChoiceField(
        label=_("级别"), required=False, choices=[("", "—"), *RecognitionLevel.choices]
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class ImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.DDT_EXCEL_MAX_BYTES:
            raise ValidationError(
                _("文件超过大小上限（%(mb).1f MB）。")
                % {"mb": settings.DDT_EXCEL_MAX_BYTES / 1024 / 1024}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("只能导入 .xlsx 格式的 Excel 文件。"))
        return upload
