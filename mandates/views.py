"""Mandate pages: the enterprise's authorisations of service platforms (grant, see every act,
revoke), a platform's list of the enterprises that authorised it, the city's read-only view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import attempt, form_status, submit
from core.http import AuthedHttpRequest
from core.lists import Column, ListPage
from mandates import selectors, services
from mandates.forms import GrantForm
from mandates.models import MandateState

MANDATES = ListPage(
    columns=(
        Column(_l("授权企业"), "enterprise.name"),
        Column(_l("服务平台"), "organisation"),
        Column(_l("授权事项"), lambda m: "；".join(m.scope_labels)),
        Column(_l("授权时间"), "granted_at"),
        Column(_l("到期时间"), "expires_at"),
        Column(_l("状态"), lambda m: str(MandateState(m.state).label)),
    ),
    template="mandates/mandates.html",
    results_template="mandates/_mandate_results.html",
    export_name="mandates",
)


@login_required
@require_http_methods(["GET", "POST"])
def mandate_list(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.is_mandate_user(request.user):
        raise PermissionDenied(_("无权查看代办授权。"))
    form = None
    if selectors.can_grant(request.user):
        form = GrantForm(request.POST if request.method == "POST" else None)
        done = submit(
            request,
            form,
            lambda data: services.mandate_grant(
                actor=request.user,
                platform=data["platform"],
                scopes=data["scopes"],
                days=data["days"],
            ),
        )
        if done:
            messages.success(
                request,
                _("已授权 %(org)s 代贵企业办理所选事项。") % {"org": done.value.organisation},
            )
            return redirect("mandates:detail", pk=done.value.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("只有企业用户可以授权服务平台。"))
    return _render_list(request, form)


@login_required
def authorising_enterprises(request: AuthedHttpRequest) -> HttpResponse:
    """The service platform's menu entry: the enterprises that authorised it (the same list)."""
    if not selectors.is_service_platform(request.user):
        raise PermissionDenied(_("无权查看代办授权。"))
    return _render_list(request, None)


def _render_list(request: AuthedHttpRequest, form: GrantForm | None) -> HttpResponse:
    response = MANDATES.render(
        request,
        lambda _values: selectors.mandate_list_for(user=request.user),
        {
            "grant_form": form,
            "actions": selectors.action_list_for(user=request.user)[:50],
            "is_platform": selectors.is_service_platform(request.user),
        },
    )
    response.status_code = form_status(request)
    return response


@login_required
def mandate_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    mandate = selectors.mandate_get_for(user=request.user, pk=pk)
    actions = selectors.action_list_for(user=request.user, mandate=mandate)
    can_revoke = selectors.can_grant(request.user) and mandate.state == "active"
    return render(
        request,
        "mandates/mandate_detail.html",
        {"mandate": mandate, "actions": actions[:1000], "can_revoke": can_revoke},
    )


@login_required
@require_POST
def mandate_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    mandate = selectors.mandate_get_for(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.mandate_revoke(actor=request.user, mandate=mandate),
        success=_("授权已撤回，该平台已不能再代贵企业办理。"),
    )
    return redirect("mandates:detail", pk=pk)
