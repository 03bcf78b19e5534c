"""Forms of the accounts pages: log-in with lock-out, password change, API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from core.forms import AccessibleFormMixin
from core.request_context import client_ip_from_request


def locked_message(retry_at: Any) -> str:
    local = timezone.localtime(retry_at)
    return gettext(
        "登录失败次数过多，该账户已被暂时锁定。请于 %(time)s 之后再试，或联系平台管理员。"
    ) % {"time": formats.date_format(local, "Y-m-d H:i")}


class LoginForm(AccessibleFormMixin, AuthenticationForm):
    """Django's log-in form plus the per-user-name lock-out of ``accounts.services``."""

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
        retry_at = services.login_is_locked(username=username)
        if retry_at is not None:
            services.login_locked_record(
                username=username, client_ip=self.client_ip(), retry_at=retry_at
            )
            raise ValidationError(locked_message(retry_at), code="locked")
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            services.login_failure_record(username=username, client_ip=self.client_ip())
            retry_at = services.login_is_locked(username=username)
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


class ApiTokenCreateForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        help_text=_("用途说明，例如“ERP 对接”。令牌只显示一次，请立即保存。"),
    )
