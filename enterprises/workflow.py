"""The registry status workflow: the one table of allowed enterprise status changes.

Like ``applications/workflow.py``: :func:`enterprises.services.enterprise_update` refuses what
:func:`status_refusal` refuses, and the edit page offers exactly :func:`status_choices` (the
current status and where it may go), so the page can never offer what the service refuses.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from enterprises.models import Enterprise, EnterpriseStatus

# current status → the statuses it may move to
STATUS_EDGES: dict[str, frozenset[str]] = {
    EnterpriseStatus.PENDING: frozenset({EnterpriseStatus.ACTIVE, EnterpriseStatus.DEREGISTERED}),
    EnterpriseStatus.ACTIVE: frozenset({EnterpriseStatus.SUSPENDED, EnterpriseStatus.DEREGISTERED}),
    EnterpriseStatus.SUSPENDED: frozenset({EnterpriseStatus.ACTIVE, EnterpriseStatus.DEREGISTERED}),
    EnterpriseStatus.DEREGISTERED: frozenset(),
}


def status_refusal(enterprise: Enterprise, status: str) -> str | None:
    """Why ``enterprise`` may not move to ``status`` (None when it may, or it stays)."""
    if status == enterprise.status or status in STATUS_EDGES.get(enterprise.status, frozenset()):
        return None
    return _("状态不能从“%(a)s”改为“%(b)s”。") % {
        "a": enterprise.get_status_display(),
        "b": EnterpriseStatus(status).label if status in EnterpriseStatus.values else status,
    }


def status_choices(enterprise: Enterprise) -> list[tuple[str, Any]]:
    """The statuses the edit form offers: the current one and those it may move to."""
    return [
        (value, label)
        for value, label in EnterpriseStatus.choices
        if status_refusal(enterprise, value) is None
    ]
