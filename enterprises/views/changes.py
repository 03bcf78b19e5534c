"""Change requests of verified facts (变更申请): the officers' list, approve, reject, verify."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import attempt
from core.http import AuthedHttpRequest
from core.lists import ListPage
from enterprises import change_services, selectors
from enterprises.models import ChangeRequestStatus

CHANGES = ListPage(
    template="enterprises/changes.html",
    results_template="enterprises/_change_results.html",
)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the button was on (the list or the enterprise), never off-site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("enterprises:changes")


@login_required
def change_list(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_view_change_inbox(request.user):
        raise PermissionDenied(_("档案变更核验仅对县区和市商务部门开放。"))
    status = request.GET.get("status", ChangeRequestStatus.PENDING)
    if status not in ChangeRequestStatus.values:
        status = ChangeRequestStatus.PENDING
    return CHANGES.render(
        request,
        lambda _values: selectors.change_request_inbox_for(user=request.user, status=status),
        {"status": status, "statuses": ChangeRequestStatus.choices},
    )


@login_required
@require_POST
def change_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_request_get_for(user=request.user, pk=pk)
    attempt(
        request,
        lambda: change_services.change_request_approve(actor=request.user, change=change),
        success=_("已核验通过，变更已生效。"),
    )
    return _back(request)


@login_required
@require_POST
def change_reject(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_request_get_for(user=request.user, pk=pk)
    attempt(
        request,
        lambda: change_services.change_request_reject(
            actor=request.user,
            change=change,
            reason=request.POST.get("reason", "")[: change_services.REASON_MAX + 1],
        ),
        success=_("已驳回该变更申请，原值继续有效。"),
    )
    return _back(request)


@login_required
@require_POST
def facts_verify(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get_for(user=request.user, pk=pk)
    fields = change_services.enterprise_facts_verify(actor=request.user, enterprise=enterprise)
    if fields:
        messages.success(request, _("已确认企业自报信息为已核验。"))
    return redirect("enterprises:detail", pk=pk)
