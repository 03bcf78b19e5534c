"""A user whose password an administrator reset to a one-time password must choose a new one
before anything else: every page but the password change, log-out and the language switch
redirects there (API requests are refused with 403 JSON)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class MustChangePasswordMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "must_change_password", False):
            allowed = (
                reverse("accounts:password_change"),
                reverse("accounts:logout"),
                "/i18n/",
                "/static/",
            )
            if not request.path.startswith(allowed):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "code": "password_change_required",
                            "message": "请先修改一次性密码 / Change the one-time password first",
                        },
                        status=403,
                    )
                messages.warning(request, _("您的密码已由管理员重置，请先设置自己的新密码。"))
                return redirect("accounts:password_change")
        return self.get_response(request)
