"""Read-only admin for the audit log: entries can be looked at, never added, changed or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry, ChainHead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_repr", "action", "object_type", "object_repr", "client_ip")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_type", "object_id", "object_repr", "actor_repr")
    date_hierarchy = "at"
    ordering = ("-seq",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("pk", "last_seq", "last_hash")
    readonly_fields = ("last_seq", "last_hash")
