"""The audit log page (administrators only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from audit import selectors
from audit.filters import AuditFilterSet
from audit.services import audit_verify
from core.http import AuthedHttpRequest
from core.lists import ListPage


def _attach_diffs(entries: list[Any]) -> None:
    for entry in entries:
        entry.diff = selectors.entry_diff(entry)


ENTRIES = ListPage(
    filters=AuditFilterSet,
    template="audit/list.html",
    results_template="audit/_results.html",
    page_size=50,
    prepare_rows=_attach_diffs,
)


@login_required
@require_GET
def entry_list(request: AuthedHttpRequest) -> HttpResponse:
    def entries(values: Any) -> Any:
        filters = selectors.AuditFilters(**values)
        return selectors.audit_entry_list(user=request.user, filters=filters)

    return ENTRIES.render(request, entries, {"chain": audit_verify()})
