"""Code-table pages: versions and row counts, and a searchable browser for each table."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from codes import selectors
from codes.tables import TABLES, TableSpec


def _admin_url(spec: TableSpec) -> str | None:
    meta = spec.model._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    except NoReverseMatch:
        return None


def _tabs(current: str = "") -> list[dict[str, Any]]:
    return [
        {"name": name, "label": spec.label, "url": reverse("codes:table", args=[name]),
         "current": name == current}
        for name, spec in TABLES.items()
    ]  # fmt: skip


def _cell(obj: Any, column: str) -> Any:
    display = getattr(obj, f"get_{column}_display", None)
    return display() if callable(display) else getattr(obj, column)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    overview = selectors.table_overview(user=request.user)
    can_edit = selectors.can_edit_code_tables(request.user)
    rows = [
        {"t": t, "url": reverse("codes:table", args=[t.name]),
         "admin_url": _admin_url(TABLES[t.name]) if can_edit else None}
        for t in overview
    ]  # fmt: skip
    context = {"rows": rows, "tabs": _tabs(), "can_edit": can_edit}
    return render(request, "codes/index.html", context)


@login_required
@require_GET
def table(request: HttpRequest, table: str) -> HttpResponse:
    q = request.GET.get("q", "")
    page = selectors.table_page(
        user=request.user, table=table, q=q, page=request.GET.get("page", 1)
    )
    spec = TABLES[table]
    headers = [spec.field(c).verbose_name for c in spec.columns]
    body = [[_cell(obj, c) for c in spec.columns] for obj in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    can_edit = selectors.can_edit_code_tables(request.user)
    context = {
        "spec": spec,
        "headers": headers,
        "body": body,
        "page": page,
        "q": q,
        "query": query.urlencode(),
        "tabs": _tabs(table),
        "admin_url": _admin_url(spec) if can_edit else None,
    }
    return render(request, "codes/table.html", context)
