"""The audit log page (administrators only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import selectors
from audit.forms import AuditFilterForm
from audit.services import audit_verify

PAGE_SIZE = 50


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AuditFilterForm(
        request.GET or None,
        actions=selectors.audit_actions(user=user),
        object_types=selectors.audit_object_types(user=user),
    )
    entries = selectors.audit_entry_list(user=user, filters=form.filters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(entry, selectors.entry_diff(entry)) for entry in page.object_list],
        "query": query.urlencode(),
        "chain": audit_verify(),
    }
    return render(request, "audit/list.html", context)
