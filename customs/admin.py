"""Admin: exchange rates are updated through the service (recomputes the ledger, audited);
ledger data is read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.http import user_of
from customs.models import CustomsCodeMapping, ExchangeRate, IngestRun
from customs.services import exchange_rate_set


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin[ExchangeRate]):
    list_display = ("month", "currency", "rate", "is_reference", "source", "updated_at")
    list_filter = ("is_reference", "currency")
    search_fields = ("currency", "month")
    fields = ("currency", "month", "rate", "source", "is_reference")
    readonly_fields = ("is_reference",)

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        saved = exchange_rate_set(
            actor=user_of(request),
            currency=obj.currency,
            month=obj.month,
            rate=obj.rate,
            source=obj.source,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin[IngestRun]):
    list_display = ("pk", "created_at", "source", "status", "files_total", "new", "duplicates")
    list_filter = ("status", "source")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CustomsCodeMapping)
class CustomsCodeMappingAdmin(admin.ModelAdmin[CustomsCodeMapping]):
    list_display = ("code", "enterprise", "created_by", "created_at")
    search_fields = ("code", "enterprise__name", "enterprise__uscc")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
