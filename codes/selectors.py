"""Reads of the code tables, with the permission rules in one place.

* The code-table pages (versions, browsing) are for administrators and city reviewers.
* The reference lists (counties, countries, currencies, units, supervision modes, holidays) are
  readable by every signed-in user through the API: forms and messages need them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from codes.models import (
    CodeTableVersion,
    Country,
    County,
    Currency,
    Holiday,
    SupervisionMode,
    Unit,
    localized_name,
)
from codes.tables import TABLES
from core.lists import page_of

PAGE_SIZE = 50

# Columns searched by the browse page's "q" box, per table.
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "counties": ("code", "name", "name_en"),
    "countries": ("customs_code", "name", "name_en", "iso_alpha2", "iso_alpha3", "iso_numeric"),
    "currencies": ("customs_code", "name", "name_en", "iso_alpha", "iso_numeric"),
    "units": ("code", "name", "name_en"),
    "supervision_modes": ("code", "short_name", "name", "name_en"),
    "holidays": ("name",),
}


def can_view_code_tables(user: Any) -> bool:
    """Administrators and city reviewers see the code-table pages."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_administrator or user.is_city_reviewer)


def can_edit_code_tables(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_administrator)


def can_read_reference_lists(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("无权查看代码表。"))


@dataclass(frozen=True)
class TableOverview:
    name: str
    label: str | Promise
    version: str
    rows_in_file: int
    rows_in_database: int
    loaded_at: dt.datetime | None
    sha256: str


def table_overview(*, user: Any) -> list[TableOverview]:
    _require(can_view_code_tables(user))
    versions = {v.table: v for v in CodeTableVersion.objects.all()}
    result = []
    for name, spec in TABLES.items():
        v = versions.get(name)
        result.append(
            TableOverview(
                name=name,
                label=spec.label,
                version=v.version if v else "",
                rows_in_file=v.rows if v else 0,
                rows_in_database=spec.model._default_manager.count(),
                loaded_at=v.loaded_at if v else None,
                sha256=v.sha256 if v else "",
            )
        )
    return result


def table_page(*, user: Any, table: str, q: str = "", page: int | str = 1) -> Page[Any]:
    """One page of a table's rows, filtered by ``q`` (case-insensitive, any searched column)."""
    _require(can_view_code_tables(user))
    spec = TABLES.get(table)
    if spec is None:
        raise Http404
    qs: QuerySet[Any] = spec.model._default_manager.all()
    q = q.strip()
    if q:
        cond = Q()
        for column in SEARCH_FIELDS[table]:
            cond |= Q(**{f"{column}__icontains": q})
        if table == "holidays":
            cond |= Q(date__icontains=q)
        qs = qs.filter(cond)
    return page_of(qs, PAGE_SIZE, page)


def _list(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    _require(can_read_reference_lists(user))
    return qs


def county_list(*, user: Any) -> QuerySet[County]:
    return _list(user, County.objects.all())


def country_list(*, user: Any) -> QuerySet[Country]:
    return _list(user, Country.objects.all())


def currency_list(*, user: Any) -> QuerySet[Currency]:
    return _list(user, Currency.objects.all())


def unit_list(*, user: Any) -> QuerySet[Unit]:
    return _list(user, Unit.objects.all())


def supervision_mode_list(*, user: Any) -> QuerySet[SupervisionMode]:
    return _list(user, SupervisionMode.objects.all())


def holiday_list(*, user: Any, year: int | None = None) -> QuerySet[Holiday]:
    qs = Holiday.objects.all()
    if year is not None:
        qs = qs.filter(date__year=year)
    return _list(user, qs)


def county_qs() -> QuerySet[County]:
    """Every county / zone in the table's order (reference data for choice lists and lookups)."""
    return County.objects.all()


def county_by_code(code: str) -> County | None:
    """The county / zone with ``code``, or None."""
    return County.objects.filter(code=code).first()


@dataclass(frozen=True)
class CodeNames:
    """Customs codes → "name (code)" in the page's language, for showing raw codes of messages
    (units, currencies, countries, supervision modes). A code the tables do not know is shown
    as it is."""

    units: dict[str, str]
    currencies: dict[str, str]
    countries: dict[str, str]
    modes: dict[str, str]

    @staticmethod
    def _get(table: dict[str, str], code: str | None) -> str:
        return table.get(code or "", code or "")

    def unit(self, code: str | None) -> str:
        return self._get(self.units, code)

    def currency(self, code: str | None) -> str:
        return self._get(self.currencies, code)

    def country(self, code: str | None) -> str:
        return self._get(self.countries, code)

    def mode(self, code: str | None) -> str:
        return self._get(self.modes, code)


def code_names() -> CodeNames:
    """The four customs code tables as name lookups (a few hundred rows, read per page)."""
    return CodeNames(
        units={u.code: u.label_with_code for u in Unit.objects.all()},
        currencies={c.customs_code: c.label_with_code for c in Currency.objects.all()},
        countries={c.customs_code: c.label_with_code for c in Country.objects.all()},
        modes={
            m.code: f"{localized_name(m.short_name, m.name_en)} ({m.code})"
            for m in SupervisionMode.objects.all()
        },
    )
