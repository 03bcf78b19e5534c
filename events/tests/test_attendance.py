"""Attendance import from a sign-in sheet: matching, on-site additions, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from events.excel import build_template, read_attendance_file
from events.services import attendance_import, registration_create
from events.tests.conftest import shift_start

pytestmark = pytest.mark.django_db


def sheet(
    *rows: tuple[Any, ...], header: tuple[str, ...] = ("姓名", "手机号", "单位")
) -> io.BytesIO:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def held(world: Any, make_event: Callable) -> Any:
    event = make_event(capacity=5)
    registration_create(actor=world.user_a, event=event)  # 13900000001
    registration_create(actor=world.user_b, event=event)  # 13900000003
    return shift_start(event, -dt.timedelta(days=8))


def test_import_marks_registered_and_adds_walk_ins(world: Any, held: Any) -> None:
    result = attendance_import(
        actor=world.reviewer,
        event=held,
        file=sheet(("张三", "139-0000-0001", ""), ("李四", 13800000009, "某公司")),
        filename="签到.xlsx",
    )
    assert result.ok and (result.matched, result.added, result.rows) == (1, 1, 2)
    attended = dict(held.registrations.filter(attended=True).values_list("phone", "source"))
    assert attended == {"13900000001": "online", "13800000009": "import"}
    assert not held.registrations.get(phone="13900000003").attended
    assert AuditEntry.objects.filter(action="events.attendance_import").count() == 1


def test_reimport_counts_already_attended_once(world: Any, held: Any) -> None:
    attendance_import(actor=world.reviewer, event=held, file=sheet(("张三", "13900000001")))
    again = attendance_import(actor=world.reviewer, event=held, file=sheet(("张三", "13900000001")))
    assert again.ok and again.already == 1
    assert held.registrations.filter(attended=True).count() == 1


def test_any_bad_row_changes_nothing_and_reports_every_row(world: Any, held: Any) -> None:
    before = list(held.registrations.values_list("pk", "attended"))
    result = attendance_import(
        actor=world.reviewer,
        event=held,
        file=sheet(
            ("张三", "13900000001"),  # fine
            ("", "13800000001"),  # row 3: no name
            ("王五", "12345"),  # row 4: bad phone
            ("赵六", "13900000001"),  # row 5: duplicate of row 2
        ),
    )
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名"), (4, "手机号"), (5, "手机号")]
    assert "第 2 行" in result.errors[2].message
    assert list(held.registrations.values_list("pk", "attended")) == before
    assert not AuditEntry.objects.filter(action="events.attendance_import").exists()


def test_missing_column_and_wrong_file_type(world: Any, held: Any) -> None:
    result = attendance_import(
        actor=world.reviewer, event=held, file=sheet(("张三",), header=("姓名",))
    )
    assert not result.ok and "手机号" in result.errors[0].message
    result = attendance_import(
        actor=world.reviewer, event=held, file=io.BytesIO(b"name,phone\n"), filename="a.csv"
    )
    assert not result.ok and result.errors[0].row is None
    assert not held.registrations.filter(attended=True).exists()


def test_import_refused_before_the_event(world: Any, make_event: Callable) -> None:
    event = make_event()
    result = attendance_import(
        actor=world.reviewer, event=event, file=sheet(("张三", "13800000001"))
    )
    assert not result.ok and "尚未开始" in result.errors[0].message
    assert event.registrations.count() == 0


@pytest.mark.parametrize("who", ["ganyu_officer", "user_a", "partner"])
def test_import_denied_to_non_managers(world: Any, held: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        attendance_import(
            actor=getattr(world, who), event=held, file=sheet(("张三", "13900000001"))
        )
    assert not held.registrations.filter(attended=True).exists()


def template_with(*rows: tuple[Any, ...]) -> io.BytesIO:
    """The downloaded template, with ``rows`` typed below its sample row."""
    workbook = load_workbook(io.BytesIO(build_template()))
    ws = workbook.active
    assert ws is not None
    for row in rows:
        ws.append(["", *row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_template_sample_row_is_marked_and_not_read() -> None:
    workbook = load_workbook(io.BytesIO(build_template()))
    ws = workbook.active
    assert ws is not None
    assert [c.value for c in ws[1]][:3] == ["示例", "姓名*", "手机号*"]
    assert [c.value for c in ws[2]][:3] == ["示例（不导入）", "张三", "13800000000"]
    assert ws["B2"].font.i  # styled apart from real rows
    parsed = read_attendance_file(io.BytesIO(build_template()), filename="t.xlsx")
    assert not parsed.errors and parsed.rows == [] and parsed.samples == 1


def test_importing_the_unchanged_template_imports_nothing_and_says_so(
    world: Any, held: Any
) -> None:
    before = list(held.registrations.values_list("pk", "attended"))
    result = attendance_import(
        actor=world.reviewer, event=held, file=io.BytesIO(build_template()), filename="t.xlsx"
    )
    assert not result.ok and "示例行" in result.errors[0].message
    assert list(held.registrations.values_list("pk", "attended")) == before
    assert not held.registrations.filter(phone="13800000000").exists()
    assert not AuditEntry.objects.filter(action="events.attendance_import").exists()


def test_filled_template_imports_only_the_rows_below_the_sample(world: Any, held: Any) -> None:
    result = attendance_import(
        actor=world.reviewer,
        event=held,
        file=template_with(("甲", "13900000001", ""), ("李四", "13800000009", "某公司")),
        filename="t.xlsx",
    )
    assert result.ok and (result.matched, result.added, result.samples) == (1, 1, 1)
    assert not held.registrations.filter(phone="13800000000").exists()


def test_old_template_sample_without_marker_is_skipped(world: Any, held: Any) -> None:
    result = attendance_import(
        actor=world.reviewer,
        event=held,
        file=sheet(("张三", "13800000000", "示例跨境电商有限公司"), ("甲", "13900000001")),
    )
    assert result.ok and (result.matched, result.added, result.samples) == (1, 0, 1)
    assert not held.registrations.filter(phone="13800000000").exists()
