"""Admin for the registry. Every save goes through a service, so rules and audit apply here too."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from core.http import user_of
from enterprises import services
from enterprises.models import Enterprise, IndustryBelt, Park, Recognition
from enterprises.validators import django_validate_customs_code, django_validate_uscc


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "county",
            "kind",
            "customs_code",
            "industry_belt",
            "park",
            "first_cbec_year",
            "independent_site_url",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
            "status",
            "tags",
        ]

    def clean_uscc(self) -> str:
        return django_validate_uscc(self.cleaned_data.get("uscc"))

    def clean_customs_code(self) -> str:
        value = (self.cleaned_data.get("customs_code") or "").strip()
        return django_validate_customs_code(value) if value else ""


class RecognitionInline(admin.TabularInline):
    model = Recognition
    extra = 0
    fields = ("year", "type", "level", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    form = EnterpriseAdminForm
    list_display = ("name", "uscc", "county", "kind", "status", "first_cbec_year")
    list_filter = ("status", "kind", "county")
    search_fields = ("name", "uscc", "customs_code")
    readonly_fields = ("created_at", "updated_at")
    inlines = [RecognitionInline]

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        values = {
            k: form.cleaned_data[k] for k in services.PROFILE_FIELDS if k in form.cleaned_data
        }
        if change:
            original = Enterprise.objects.get(pk=obj.pk)
            changes = {k: form.cleaned_data[k] for k in form.changed_data if k in values}
            if "status" in form.changed_data:
                changes["status"] = form.cleaned_data["status"]
            saved = services.enterprise_update(
                actor=user_of(request), enterprise=original, **changes
            )
        else:
            saved = services.enterprise_create(
                actor=user_of(request),
                status=form.cleaned_data.get("status") or "active",
                **values,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "year", "type", "level")
    list_filter = ("type", "level", "year")
    search_fields = ("enterprise__name", "enterprise__uscc")
    autocomplete_fields = ("enterprise",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Recognitions are added or removed, never edited in place.
        return ("enterprise", "type", "level", "year", "note") if obj else ()

    def save_model(self, request: HttpRequest, obj: Recognition, form: Any, change: bool) -> None:
        if change:
            return
        saved = services.recognition_add(
            actor=user_of(request),
            enterprise=form.cleaned_data["enterprise"],
            type=form.cleaned_data["type"],
            level=form.cleaned_data.get("level") or "",
            year=form.cleaned_data["year"],
            note=form.cleaned_data.get("note") or "",
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Recognition) -> None:
        services.recognition_remove(actor=user_of(request), recognition=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(IndustryBelt)
class IndustryBeltAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "products")
    list_filter = ("county",)

    def save_model(self, request: HttpRequest, obj: IndustryBelt, form: Any, change: bool) -> None:
        saved = services.industry_belt_save(
            actor=user_of(request),
            belt=IndustryBelt.objects.get(pk=obj.pk) if change else None,
            name=form.cleaned_data["name"],
            county=form.cleaned_data["county"],
            name_en=form.cleaned_data.get("name_en") or "",
            products=form.cleaned_data.get("products") or "",
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "county")
    list_filter = ("county",)

    def save_model(self, request: HttpRequest, obj: Park, form: Any, change: bool) -> None:
        saved = services.park_save(
            actor=user_of(request),
            park=Park.objects.get(pk=obj.pk) if change else None,
            name=form.cleaned_data["name"],
            county=form.cleaned_data["county"],
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
