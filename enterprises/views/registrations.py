"""Verifying self-registered enterprises (注册核验): the officers' worklist, activate, reject."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import attempt
from core.http import AuthedHttpRequest
from core.lists import ListPage
from enterprises import registration_selectors as selectors
from enterprises import registration_services as services

REGISTRATIONS = ListPage(
    template="enterprises/registrations.html",
    results_template="enterprises/_registration_results.html",
)


@login_required
def registration_list(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_view_registrations(request.user):
        raise PermissionDenied(_("注册核验仅对县区和市商务部门开放。"))
    return REGISTRATIONS.render(
        request, lambda _values: selectors.pending_registrations_for(user=request.user)
    )


@login_required
@require_POST
def registration_activate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.pending_registration_get_for(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.registration_activate(actor=request.user, enterprise=enterprise),
        success=_("已核验通过，企业已启用并已通知企业用户。"),
    )
    return redirect("enterprises:registrations")


@login_required
@require_POST
def registration_reject(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.pending_registration_get_for(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.registration_reject(
            actor=request.user,
            enterprise=enterprise,
            reason=request.POST.get("reason", "")[: services.REASON_MAX + 1],
        ),
        success=_("已不予通过该注册，并已将原因通知企业用户。"),
    )
    return redirect("enterprises:registrations")
