"""Accounts pages: log-in (with lock-out and throttle), log-out, password change, own API tokens;
and the registration throttle the enterprises' register view calls."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import (
    ApiTokenCreateForm,
    DdtPasswordChangeForm,
    DdtPasswordResetForm,
    DdtSetPasswordForm,
    LoginForm,
)
from accounts.models import User
from accounts.roles import landing_url
from core.forms import submit
from core.http import AuthedHttpRequest
from core.request_context import client_ip_from_request


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "lockout_failures": settings.DDT_LOGIN_MAX_FAILURES,
            "lockout_minutes": settings.DDT_LOGIN_LOCKOUT_MINUTES,
        }

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        services.login_success(user=form.get_user(), client_ip=client_ip_from_request(self.request))
        return response

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
        return response

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if isinstance(user, User):
            return landing_url(user)
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if isinstance(request.user, User):
            services.logout_record(user=request.user, client_ip=client_ip_from_request(request))
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = DdtPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: DdtPasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改。"))
        return response


# --- Forgotten password: reset by e-mail --------------------------------------------------
#
# Django's views with our forms and templates. The request page answers the same whether an
# account has the address or not (no user enumeration) and is throttled per client address;
# the link in the e-mail is Django's signed, one-use, expiring token (PASSWORD_RESET_TIMEOUT).


class PasswordResetView(auth_views.PasswordResetView):
    form_class = DdtPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client_ip = client_ip_from_request(request)
        retry_at = services.password_reset_throttled(client_ip=client_ip)
        if retry_at is not None:
            message = _("来自您所在网络地址的密码重置请求过多，请于 %(time)s 之后再试。") % {
                "time": formats.date_format(timezone.localtime(retry_at), "Y-m-d H:i")
            }
            response = render(request, "accounts/throttled.html", {"message": message}, status=429)
            seconds = int((retry_at - timezone.now()).total_seconds()) + 1
            response["Retry-After"] = str(max(1, seconds))
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: DdtPasswordResetForm) -> HttpResponse:
        services.password_reset_request_record(
            email=form.cleaned_data["email"], client_ip=client_ip_from_request(self.request)
        )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
        return {**super().get_context_data(**kwargs), "hours": hours}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = DdtSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    """List the user's API tokens; POST creates one and shows its value once."""
    user = request.user
    raw: str | None = None
    form = ApiTokenCreateForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.api_token_create(
            actor=user, user=user, name=data["name"], scope=data["scope"], days=data["days"]
        ),
    ):
        _token, raw = done.value
        form = ApiTokenCreateForm()
    status = 400 if request.method == "POST" and raw is None else 200
    context = {
        "form": form,
        "raw_token": raw,
        "tokens": selectors.api_token_list_for(user=request.user),
        "now": timezone.now(),
    }
    response = render(request, "accounts/tokens.html", context, status=status)
    if raw is not None:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponseBase:
    assert isinstance(request.user, User)
    token = selectors.api_token_get_own(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("accounts:tokens")


def registration_throttle(request: HttpRequest) -> HttpResponse | None:
    """Count a self-registration POST from the client's address; when the address is over
    ``DDT_REGISTER_MAX_PER_ADDRESS`` in ``DDT_REGISTER_WINDOW_MINUTES``, the 429 page to answer
    with instead (the caller returns it and does nothing else); otherwise None."""
    if request.method != "POST":
        return None
    retry_at = services.registration_attempt(client_ip=client_ip_from_request(request))
    if retry_at is None:
        return None
    message = _("来自您所在网络地址的注册请求过多，请于 %(time)s 之后再试。") % {
        "time": formats.date_format(timezone.localtime(retry_at), "Y-m-d H:i")
    }
    response = render(request, "accounts/throttled.html", {"message": message}, status=429)
    response["Retry-After"] = str(max(1, int((retry_at - timezone.now()).total_seconds()) + 1))
    return response
