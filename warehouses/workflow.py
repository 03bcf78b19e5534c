"""The warehouse status workflow: the one table of allowed status changes.

Like ``applications/workflow.py``: :func:`warehouses.services.warehouse_set_status` refuses what
:func:`status_refusal` refuses, and the detail page offers exactly :func:`next_statuses`, so a
button can never disagree with the service.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from warehouses.models import OverseasWarehouse, WarehouseStatus

# current status → the statuses it may move to (planning → operating → closed → operating)
STATUS_EDGES: dict[str, frozenset[str]] = {
    WarehouseStatus.PLANNING: frozenset({WarehouseStatus.OPERATING, WarehouseStatus.CLOSED}),
    WarehouseStatus.OPERATING: frozenset({WarehouseStatus.CLOSED}),
    WarehouseStatus.CLOSED: frozenset({WarehouseStatus.OPERATING}),
}


def next_statuses(warehouse: OverseasWarehouse) -> list[tuple[str, Any]]:
    """``(value, label)`` of the statuses the warehouse may move to, in the choices' order."""
    allowed = STATUS_EDGES.get(warehouse.status, frozenset())
    return [(value, label) for value, label in WarehouseStatus.choices if value in allowed]


def status_refusal(warehouse: OverseasWarehouse, status: str) -> str | None:
    """Why the warehouse may not move to ``status`` (None when it may)."""
    if status in STATUS_EDGES.get(warehouse.status, frozenset()):
        return None
    return _("海外仓不能从“%(a)s”改为“%(b)s”。") % {
        "a": warehouse.get_status_display(),
        "b": dict(WarehouseStatus.choices).get(status, status),
    }
