from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from codes import services
from codes.loaders import LoadResult
from codes.models import County, Holiday, Unit

pytestmark = pytest.mark.django_db

D = dt.date


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_holiday_set_creates_and_updates_with_audit(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    admin = users["administrator"]
    created = services.holiday_set(
        actor=admin, date=D(2027, 1, 2), kind="holiday", name="元旦", provisional=True
    )
    assert created.kind == "holiday" and created.provisional
    services.holiday_set(actor=admin, date=D(2027, 1, 2), kind="holiday", name="元旦")
    first, second = _entries("codes.holiday_set")
    assert first.after is not None and second.before is not None and second.after is not None
    assert first.before is None and first.after["date"] == "2027-01-02"
    assert first.actor_id == admin.pk
    assert second.before["provisional"] is True and second.after["provisional"] is False
    # saving the same values again is not a change
    services.holiday_set(actor=admin, date=D(2027, 1, 2), kind="holiday", name="元旦")
    assert len(_entries("codes.holiday_set")) == 2


def test_holiday_set_rejects_bad_kind_and_changes_nothing(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.holiday_set(
            actor=users["administrator"], date=D(2025, 10, 1), kind="party", name="国庆节"
        )
    assert "kind" in caught.value.message_dict
    assert Holiday.objects.get(date=D(2025, 10, 1)).kind == "holiday"
    assert _entries("codes.holiday_set") == []


def test_holiday_delete_is_audited(code_tables: list[LoadResult], users: dict[str, Any]) -> None:
    services.holiday_delete(actor=users["administrator"], date=D(2027, 6, 9))
    assert not Holiday.objects.filter(date=D(2027, 6, 9)).exists()
    (entry,) = _entries("codes.holiday_delete")
    assert entry.before is not None
    assert entry.before["name"] == "端午节" and entry.after is None
    with pytest.raises(ValidationError):
        services.holiday_delete(actor=users["administrator"], date=D(2027, 6, 9))


@pytest.mark.parametrize("role", ["city_reviewer", "enterprise", "county_officer"])
def test_only_administrators_may_change_code_tables(
    code_tables: list[LoadResult], users: dict[str, Any], role: str
) -> None:
    actor = users[role]
    audit_before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.holiday_set(actor=actor, date=D(2025, 10, 9), kind="holiday", name="x")
    with pytest.raises(PermissionDenied):
        services.holiday_delete(actor=actor, date=D(2025, 10, 1))
    with pytest.raises(PermissionDenied):
        services.code_update(actor=actor, table="units", key="035", values={"name": "公斤"})
    with pytest.raises(PermissionDenied):
        services.code_create(actor=actor, table="units", values={"code": "164", "name": "亿株"})
    with pytest.raises(PermissionDenied):
        services.code_delete(actor=actor, table="units", key="035")
    assert Holiday.objects.get(date=D(2025, 10, 1)).kind == "holiday"
    assert not Holiday.objects.filter(date=D(2025, 10, 9)).exists()
    assert Unit.objects.get(code="035").name == "千克"
    assert not Unit.objects.filter(code="164").exists()
    assert AuditEntry.objects.count() == audit_before


def test_code_update_is_audited_and_keeps_the_key(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    unit = services.code_update(
        actor=users["administrator"],
        table="units",
        key="035",
        values={"name_en": "Kilogram (kg)", "code": "999"},
    )
    assert isinstance(unit, Unit)
    assert (unit.code, unit.name_en) == ("035", "Kilogram (kg)")
    (entry,) = _entries("codes.units.update")
    assert entry.before is not None and entry.after is not None
    assert entry.before["name_en"] == "Kilogram" and entry.after["name_en"] == "Kilogram (kg)"


def test_code_update_rejects_bad_values_and_changes_nothing(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.code_update(
            actor=users["administrator"],
            table="countries",
            key="116",
            values={"iso_alpha2": "jp1"},
        )
    assert "iso_alpha2" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.code_update(actor=users["administrator"], table="units", key="000", values={})
    assert _entries("codes.countries.update") == []


def test_code_create_refuses_duplicates(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        services.code_create(
            actor=users["administrator"], table="units", values={"code": "035", "name": "公斤"}
        )
    assert Unit.objects.get(code="035").name == "千克"


def test_code_delete_refuses_a_county_in_use(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.code_delete(actor=users["administrator"], table="counties", key="320722")
    assert "引用" in str(caught.value)
    assert County.objects.filter(code="320722").exists()
    assert _entries("codes.counties.delete") == []
    services.code_delete(actor=users["administrator"], table="counties", key="3207X2")
    assert not County.objects.filter(code="3207X2").exists()
    assert len(_entries("codes.counties.delete")) == 1
