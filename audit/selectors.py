"""Reading the audit log: administrators only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def can_read_audit(user: User | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return bool(getattr(user, "is_administrator", False))


def _require_reader(user: User | AnonymousUser | None) -> None:
    if not can_read_audit(user):
        raise PermissionDenied(_("只有平台管理员可以查看审计日志。"))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entry_list(
    *, user: User | AnonymousUser | None, filters: AuditFilters
) -> QuerySet[AuditEntry]:
    """Audit entries matching ``filters``, newest first. Dates are local (Asia/Shanghai) days."""
    _require_reader(user)
    qs = AuditEntry.objects.order_by("-seq")
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.actor:
        qs = qs.filter(actor_repr__icontains=filters.actor)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return qs


def audit_actions(*, user: User | AnonymousUser | None) -> list[str]:
    _require_reader(user)
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_object_types(*, user: User | AnonymousUser | None) -> list[str]:
    _require_reader(user)
    return list(
        AuditEntry.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class DiffRow:
    field: str
    before: Any
    after: Any
    changed: bool


def entry_diff(entry: AuditEntry) -> list[DiffRow]:
    """Field-by-field before/after of an entry (only changed fields when both sides exist)."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    rows = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        changed = key not in before or key not in after or b != a
        if before and after and not changed:
            continue
        rows.append(DiffRow(key, b, a, changed))
    return rows
