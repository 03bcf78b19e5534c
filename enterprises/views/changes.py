"""Change requests of verified facts (变更申请): the officers' list, approve, reject, verify."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import change_services, selectors
from enterprises.models import ChangeRequestStatus

PAGE_SIZE = 25


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the button was on (the list or the enterprise), never off-site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("enterprises:changes")


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view_change_inbox(request.user):
        raise PermissionDenied(_("档案变更核验仅对县区和市商务部门开放。"))
    status = request.GET.get("status", ChangeRequestStatus.PENDING)
    if status not in ChangeRequestStatus.values:
        status = ChangeRequestStatus.PENDING
    qs = selectors.change_request_inbox_for(user=request.user, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "total": page.paginator.count,
        "status": status,
        "statuses": ChangeRequestStatus.choices,
    }
    return render(request, "enterprises/changes.html", context)


@login_required
@require_POST
def change_approve(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_request_get_for(user=request.user, pk=pk)
    try:
        change_services.change_request_approve(actor=request.user, change=change)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已核验通过，变更已生效。"))
    return _back(request)


@login_required
@require_POST
def change_reject(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_request_get_for(user=request.user, pk=pk)
    try:
        change_services.change_request_reject(
            actor=request.user,  # type: ignore[arg-type]
            change=change,
            reason=request.POST.get("reason", "")[: change_services.REASON_MAX + 1],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已驳回该变更申请，原值继续有效。"))
    return _back(request)


@login_required
@require_POST
def facts_verify(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get_for(user=request.user, pk=pk)
    fields = change_services.enterprise_facts_verify(actor=request.user, enterprise=enterprise)  # type: ignore[arg-type]
    if fields:
        messages.success(request, _("已确认企业自报信息为已核验。"))
    return redirect("enterprises:detail", pk=pk)
