"""Forms of the accounts pages: log-in with lock-out and throttle, password change, API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import TokenScope
from core.forms import AccessibleFormMixin
from core.request_context import client_ip_from_request


def _local(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def locked_message(retry_at: Any) -> str:
    return gettext(
        "登录失败次数过多，该账户已被暂时锁定。请于 %(time)s 之后再试，或联系平台管理员。"
    ) % {"time": _local(retry_at)}


def throttled_message(retry_at: Any) -> str:
    return gettext(
        "来自您所在网络地址的登录失败次数过多，已暂停受理登录。请于 %(time)s 之后再试，"
        "或联系平台管理员。"
    ) % {"time": _local(retry_at)}


class LoginForm(AccessibleFormMixin, AuthenticationForm):
    """Django's log-in form plus the lock-out and throttle of ``accounts.services``: a user name
    is locked for one client address after repeated failures from it, and an address that fails
    too often across user names is refused altogether (the view answers HTTP 429)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。注意：连续多次输错后账户会被暂时锁定。"),
        "inactive": _("该账户已停用，请联系平台管理员。"),
        "locked": _("账户已被暂时锁定。"),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")

    def client_ip(self) -> str:
        return client_ip_from_request(self.request) if self.request is not None else ""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        client_ip = self.client_ip()
        retry_at = services.login_address_throttled(client_ip=client_ip)
        if retry_at is not None:
            services.login_throttled_record(
                username=username, client_ip=client_ip, retry_at=retry_at
            )
            raise ValidationError(throttled_message(retry_at), code="throttled")
        retry_at = services.login_is_locked(username=username, client_ip=client_ip)
        if retry_at is not None:
            services.login_locked_record(username=username, client_ip=client_ip, retry_at=retry_at)
            raise ValidationError(locked_message(retry_at), code="locked")
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            services.login_failure_record(username=username, client_ip=client_ip)
            retry_at = services.login_is_locked(username=username, client_ip=client_ip)
            if retry_at is not None:
                raise ValidationError(locked_message(retry_at), code="locked")
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class DdtPasswordChangeForm(AccessibleFormMixin, PasswordChangeForm):
    """Password change whose save goes through ``accounts.services.user_set_password``."""

    def save(self, commit: bool = True) -> Any:
        return services.user_set_password(
            actor=self.user,
            user=self.user,
            password=self.cleaned_data["new_password1"],
            validate=False,  # the form has run the validators already
        )


class DdtPasswordResetForm(AccessibleFormMixin, PasswordResetForm):
    """Django's reset-by-e-mail form: it answers the same whether an account has the address or
    not (the view always goes on to the "sent" page), and mails only active users."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("账户的电子邮箱")
        self.fields["email"].help_text = _("企业用户为注册时填写的联系邮箱。")


class DdtSetPasswordForm(AccessibleFormMixin, SetPasswordForm):
    """The new password of a reset link; saved through ``accounts.services.user_set_password``
    (audited, API tokens revoked, a one-time password's obligation ended)."""

    def save(self, commit: bool = True) -> Any:
        return services.user_set_password(
            actor=self.user,
            user=self.user,
            password=self.cleaned_data["new_password1"],
            validate=False,  # the form has run the validators already
        )


class ApiTokenCreateForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        help_text=_("用途说明，例如“ERP 对接”。令牌只显示一次，请立即保存。"),
    )
    scope = forms.ChoiceField(
        label=_("权限范围"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,  # left out: read
        widget=forms.RadioSelect,
        help_text=_("只读令牌只能查询（GET）；读写令牌可以执行您的账户允许的所有操作。"),
    )
    days = forms.IntegerField(
        label=_("有效期（天）"),
        min_value=1,
        required=False,  # left out: DDT_API_TOKEN_DAYS
        help_text=_("到期后令牌自动失效。修改密码会吊销全部令牌。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.initial = settings.DDT_API_TOKEN_DAYS
        days.max_value = settings.DDT_API_TOKEN_MAX_DAYS
        days.validators.append(MaxValueValidator(settings.DDT_API_TOKEN_MAX_DAYS))
        days.widget.attrs["max"] = settings.DDT_API_TOKEN_MAX_DAYS

    def clean_scope(self) -> str:
        return str(self.cleaned_data.get("scope") or TokenScope.READ)
