"""The list kit: a list page is a few declarations, the kit does the rest.

A page declares a :class:`ListPage` (filters, columns, templates, page size, export) and its view
hands it the caller's queryset::

    EVENTS = ListPage(
        filters=EventFilterSet,
        columns=(Column(_("活动名称"), "title"), Column(_("开始时间"), "starts_at")),
        template="events/list.html",
        results_template="events/_results.html",
        export_name="events",
    )

    @login_required
    def event_list(request: AuthedHttpRequest) -> HttpResponse:
        return EVENTS.render(
            request, lambda values: selectors.event_list_for(user=request.user, filters=values)
        )

and gets: the filter form (from the FilterSet), pagination whose links keep every filter
(``{% list_pagination %}``), the results partial alone for htmx requests that target
``#results``, ``?format=xlsx`` / ``?format=csv`` exports of every filtered row through
``core.excel`` (guarded cells, ``no-store``), and the empty state. The results template extends
``core/_list_results.html`` and fills ``row`` (one ``<tr>`` for ``obj``).

API lists use :data:`ApiPagination` with ninja's ``@paginate``: one maximum page size,
:data:`API_MAX_LIMIT`, for every router.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.pagination import paginate as ninja_paginate
from openpyxl import Workbook

from core.excel import csv_response, excel_response, new_workbook, safe_row
from core.filters import MAX_ID, FilterSet
from core.http import is_htmx_target

API_MAX_LIMIT = 200  # the largest page any API list returns
API_DEFAULT_LIMIT = 25


class ApiPagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with the project's one maximum (``API_MAX_LIMIT``)."""

    class Input(Schema):
        limit: int = Field(API_DEFAULT_LIMIT, ge=1, le=API_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_ID)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=API_MAX_LIMIT, **kwargs)


def api_list(func: Callable[..., Any]) -> Callable[..., Any]:
    """ninja's ``@paginate(ApiPagination)`` for an API list handler that returns a queryset.

    The handler's annotations are resolved first: ninja reads them in the wrapper's module,
    which fails for modules written with ``from __future__ import annotations``.
    """
    func.__annotations__ = typing.get_type_hints(func, include_extras=True)
    return ninja_paginate(ApiPagination)(func)


@dataclass(frozen=True)
class Column:
    """A column: its header, and the value of a row (an attribute path or a function).

    The header row of the table and the export both come from the columns; ``num`` right-aligns.
    """

    label: Any
    value: str | Callable[[Any], Any]
    num: bool = False

    def of(self, obj: Any) -> Any:
        if callable(self.value):
            return self.value(obj)
        result = attrgetter(self.value)(obj)
        return result() if callable(result) else result

    def cell(self, obj: Any) -> Any:
        """The value as a spreadsheet cell: aware datetimes become local wall time."""
        value = self.of(obj)
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value


def page_of(items: Any, page_size: int, number: Any) -> Page:
    """Page ``number`` of ``items`` (bad or out-of-range numbers give the nearest page)."""
    return Paginator(items, page_size).get_page(number)


def paginate(request: HttpRequest, items: Any, page_size: int) -> Page:
    """The page of ``items`` the request asks for (``?page=``)."""
    return page_of(items, page_size, request.GET.get("page"))


@dataclass(frozen=True)
class ListPage:
    template: str
    results_template: str
    columns: tuple[Column, ...] = ()
    filters: type[FilterSet] | None = None
    page_size: int = 25
    # exports: "" = none; else the file name stem ("enterprises" → enterprises-20261207-0930.xlsx)
    export_name: str = ""
    # a custom Excel builder (the columns are used when None)
    export_workbook: Callable[[QuerySet[Any]], Workbook | bytes] | None = None
    # called with the page's objects before rendering (e.g. to attach a diff to each row)
    prepare_rows: Callable[[list[Any]], None] | None = None
    # extra context computed from the page's objects (e.g. duplicate flags keyed by pk)
    row_context: Callable[[list[Any]], Mapping[str, Any]] | None = None
    formats: tuple[str, ...] = field(default=("xlsx", "csv"))

    def filter_values(self, request: HttpRequest) -> tuple[Any, dict[str, Any]]:
        if self.filters is None:
            return None, {}
        form = self.filters.form(request.GET, user=getattr(request, "user", None))
        return form, self.filters.values(form)

    def render(
        self,
        request: HttpRequest,
        queryset: Callable[[Mapping[str, Any]], QuerySet[Any] | list[Any]],
        context: Mapping[str, Any] | None = None,
    ) -> HttpResponse:
        """The page, its htmx results partial, or (``?format=xlsx|csv``) its export."""
        form, values = self.filter_values(request)
        items = queryset(values)
        export = request.GET.get("format", "")
        if self.export_name and export in self.formats:
            return self.export(items, export)
        page = paginate(request, items, self.page_size)
        rows = list(page.object_list)
        if self.prepare_rows is not None:
            self.prepare_rows(rows)
        full: dict[str, Any] = {
            "form": form,
            "page_obj": page,
            "page": page,
            "rows": rows,
            "total": page.paginator.count,
            "list": self,
        }
        if self.row_context is not None:
            full.update(self.row_context(rows))
        full.update(context or {})
        template = self.results_template
        if not is_htmx_target(request, "results"):
            template = self.template
        return render(request, template, full)

    def export(self, items: Iterable[Any], export: str = "xlsx") -> HttpResponse:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.export_name}-{stamp}.{export}"
        header = [c.label for c in self.columns]
        if export == "csv":
            return csv_response(
                header, ([c.cell(o) for c in self.columns] for o in items), filename
            )
        if self.export_workbook is not None:
            return excel_response(self.export_workbook(items), filename)  # type: ignore[arg-type]
        workbook = new_workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(safe_row(header))
        for obj in items:
            sheet.append(safe_row(c.cell(obj) for c in self.columns))
        return excel_response(workbook, filename)
