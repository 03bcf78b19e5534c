from __future__ import annotations

from django.contrib import admin

from stats.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ["month", "status", "size", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
