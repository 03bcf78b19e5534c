"""Read-only admin of shipments and their events (writes go through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from logistics.models import Shipment, ShipmentEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnly):
    list_display = ("logistics_no", "logistics_code", "status", "status_at", "enterprise")
    search_fields = ("logistics_no", "order_no")
    list_filter = ("status", "direction")
    raw_id_fields = ("enterprise",)


@admin.register(ShipmentEvent)
class ShipmentEventAdmin(ReadOnly):
    list_display = ("shipment", "at", "code", "source", "text")
    list_filter = ("source", "code")
    raw_id_fields = ("shipment",)
