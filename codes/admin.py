"""Admin for the code tables. Every save and delete goes through ``codes.services`` (audited);
the forms check the same row rules as the file loader. ``CodeTableVersion`` is read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from codes import services
from codes.models import (
    CodeTableVersion,
    Country,
    County,
    Currency,
    Holiday,
    SupervisionMode,
    Unit,
)
from codes.tables import TABLES, RowError, clean_row
from core.http import user_of


class CodeRowForm(forms.ModelForm):
    """Runs the table's row rules (``codes.tables``) so mistakes show on the form."""

    table: str = ""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        spec = TABLES[self.table]
        values = {c: getattr(self.instance, c) for c in spec.columns}
        values.update({c: v for c, v in data.items() if c in spec.columns})
        try:
            clean_row(spec, values)
        except RowError as exc:
            field = exc.column if exc.column in self.fields else None
            self.add_error(field, exc.message)
        return data


class CodeAdmin(admin.ModelAdmin):
    table: str = ""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The natural key is fixed once a row exists (delete and add instead).
        if obj is not None:
            return (TABLES[self.table].key, *super().get_readonly_fields(request, obj))
        return super().get_readonly_fields(request, obj)

    def _values(self, obj: Model) -> dict[str, Any]:
        return {c: getattr(obj, c) for c in TABLES[self.table].columns}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        spec = TABLES[self.table]
        if change:
            saved = services.code_update(
                actor=user_of(request),
                table=self.table,
                key=getattr(obj, spec.key),
                values=self._values(obj),
            )
        else:
            saved = services.code_create(
                actor=user_of(request),
                table=self.table,
                values=self._values(obj),
            )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.code_delete(
            actor=user_of(request),
            table=self.table,
            key=getattr(obj, TABLES[self.table].key),
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def _form(table_name: str, model_cls: type[Model]) -> type[CodeRowForm]:
    meta = type("Meta", (), {"model": model_cls, "fields": "__all__"})
    return type(f"{model_cls.__name__}Form", (CodeRowForm,), {"Meta": meta, "table": table_name})


@admin.register(County)
class CountyAdmin(CodeAdmin):
    table = "counties"
    form = _form("counties", County)
    list_display = ("code", "name", "name_en", "kind", "official", "sort_order")
    list_filter = ("kind", "official")
    search_fields = ("code", "name", "name_en")


@admin.register(Country)
class CountryAdmin(CodeAdmin):
    table = "countries"
    form = _form("countries", Country)
    list_display = ("customs_code", "name", "name_en", "iso_alpha2", "iso_alpha3", "iso_numeric")
    search_fields = ("customs_code", "name", "name_en", "iso_alpha2", "iso_alpha3", "iso_numeric")


@admin.register(Currency)
class CurrencyAdmin(CodeAdmin):
    table = "currencies"
    form = _form("currencies", Currency)
    list_display = ("customs_code", "name", "name_en", "iso_alpha", "iso_numeric", "notes")
    search_fields = ("customs_code", "name", "name_en", "iso_alpha", "iso_numeric")


@admin.register(Unit)
class UnitAdmin(CodeAdmin):
    table = "units"
    form = _form("units", Unit)
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


@admin.register(SupervisionMode)
class SupervisionModeAdmin(CodeAdmin):
    table = "supervision_modes"
    form = _form("supervision_modes", SupervisionMode)
    list_display = ("code", "short_name", "name", "name_en", "is_cbec", "reference")
    list_filter = ("is_cbec",)
    search_fields = ("code", "short_name", "name", "name_en")


@admin.register(Holiday)
class HolidayAdmin(CodeAdmin):
    table = "holidays"
    form = _form("holidays", Holiday)
    list_display = ("date", "kind", "name", "provisional")
    list_filter = ("kind", "provisional", ("date", admin.DateFieldListFilter))
    search_fields = ("name",)
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.holiday_set(
            actor=user_of(request),
            date=obj.date,
            kind=obj.kind,
            name=obj.name,
            provisional=obj.provisional,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.holiday_delete(actor=user_of(request), date=obj.date)


@admin.register(CodeTableVersion)
class CodeTableVersionAdmin(admin.ModelAdmin):
    list_display = ("table", "version", "rows", "loaded_at", "sha256")
    readonly_fields = ("table", "version", "sha256", "loaded_at", "rows")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
