"""Administrator writes to the code tables. Keyword-only, transactional, audited (before/after).

The rules a row must satisfy live in ``codes.tables`` and are shared with the file loader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from codes.models import Holiday
from codes.tables import RowError, TableSpec, clean_row, spec_for
from codes.workdays import clear_cache

if TYPE_CHECKING:
    from accounts.models import User


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_administrator:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有平台管理员可以修改代码表。"))


def _clean(spec: TableSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return clean_row(spec, values)
    except RowError as exc:
        raise ValidationError({exc.column: exc.message}) from None


def _holidays_changed() -> None:
    clear_cache()
    transaction.on_commit(clear_cache)


@transaction.atomic
def holiday_set(
    *, actor: User | None, date: dt.date, kind: str, name: str, provisional: bool = False
) -> Holiday:
    """Create or replace the Holiday row of ``date`` (a holiday or a make-up workday)."""
    _require_admin(actor)
    spec = spec_for("holidays")
    row = _clean(spec, {"date": date, "kind": kind, "name": name, "provisional": provisional})
    holiday = Holiday.objects.select_for_update().filter(date=row["date"]).first()
    before = snapshot(holiday) if holiday is not None else None
    if holiday is None:
        holiday = Holiday.objects.create(**row)
    else:
        for column in spec.editable_columns:
            setattr(holiday, column, row[column])
        holiday.save()
    after = snapshot(holiday)
    if before != after:
        audit_record(
            actor=actor, action="codes.holiday_set", obj=holiday, before=before, after=after
        )
        _holidays_changed()
    return holiday


@transaction.atomic
def holiday_delete(*, actor: User | None, date: dt.date) -> None:
    _require_admin(actor)
    holiday = Holiday.objects.select_for_update().filter(date=date).first()
    if holiday is None:
        raise ValidationError({"date": _("%(d)s 没有节假日记录。") % {"d": date}})
    before = snapshot(holiday)
    audit_record(actor=actor, action="codes.holiday_delete", obj=holiday, before=before)
    holiday.delete()
    _holidays_changed()


def _get(spec: TableSpec, key: Any) -> models.Model | None:
    return spec.model._default_manager.select_for_update().filter(**{spec.key: key}).first()


@transaction.atomic
def code_create(*, actor: User | None, table: str, values: Mapping[str, Any]) -> models.Model:
    """Add a row to a code table (for holidays use ``holiday_set``)."""
    _require_admin(actor)
    spec = spec_for(table)
    row = _clean(spec, values)
    if _get(spec, row[spec.key]) is not None:
        raise ValidationError({spec.key: _("“%(k)s”已存在。") % {"k": row[spec.key]}})
    obj = spec.model._default_manager.create(**row)
    audit_record(actor=actor, action=f"codes.{table}.create", obj=obj, after=snapshot(obj))
    if table == "holidays":
        _holidays_changed()
    return obj


@transaction.atomic
def code_update(
    *, actor: User | None, table: str, key: Any, values: Mapping[str, Any]
) -> models.Model:
    """Change the non-key columns of the row ``key`` of ``table``; the key itself is fixed."""
    _require_admin(actor)
    spec = spec_for(table)
    obj = _get(spec, key)
    if obj is None:
        raise ValidationError({spec.key: _("“%(k)s”不存在。") % {"k": key}})
    merged = {c: getattr(obj, c) for c in spec.columns}
    merged.update({c: v for c, v in values.items() if c in spec.editable_columns})
    row = _clean(spec, merged)
    before = snapshot(obj)
    changed = [c for c in spec.editable_columns if getattr(obj, c) != row[c]]
    if not changed:
        return obj
    for column in changed:
        setattr(obj, column, row[column])
    obj.save(update_fields=changed)
    audit_record(
        actor=actor, action=f"codes.{table}.update", obj=obj, before=before, after=snapshot(obj)
    )
    if table == "holidays":
        _holidays_changed()
    return obj


@transaction.atomic
def code_delete(*, actor: User | None, table: str, key: Any) -> None:
    """Delete one row. Rows still referenced (e.g. a county with enterprises) are refused."""
    _require_admin(actor)
    spec = spec_for(table)
    obj = _get(spec, key)
    if obj is None:
        raise ValidationError({spec.key: _("“%(k)s”不存在。") % {"k": key}})
    before = snapshot(obj)
    audit_record(actor=actor, action=f"codes.{table}.delete", obj=obj, before=before)
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError:
        raise ValidationError(
            {spec.key: _("“%(k)s”仍被其他记录引用，不能删除。") % {"k": key}}
        ) from None
    if table == "holidays":
        _holidays_changed()
