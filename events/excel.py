"""Attendance lists in Excel: the template and reading an uploaded sign-in sheet.

Reading only parses (name, phone, organisation per row, with row-level errors); the rules that
match rows to registrations live in :func:`events.services.attendance_import`.

The template's sample row is marked and never imported: its first column "示例" says
"示例（不导入）" (grey italics). Any row with text in the 示例 column is a sample row and is
skipped; so is a row equal to the old template's sample (张三 13800000000), which older
downloads carry without the marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from core.excel import SheetError, cell_text, new_workbook, read_sheet, workbook_bytes

# (field, column header, required). Headers stay Chinese whatever the UI language.
SAMPLE_HEADER = "示例"
SAMPLE_MARK = "示例（不导入）"
SAMPLE_ROW = ("张三", "13800000000", "示例跨境电商有限公司")
COLUMNS: list[tuple[str, str, bool]] = [
    ("name", "姓名", True),
    ("phone", "手机号", True),
    ("organisation", "单位", False),
]
COLUMN_LABELS = {name: label for name, label, _req in COLUMNS}
_HEADER_TO_FIELD = {label: name for name, label, _req in COLUMNS} | {SAMPLE_HEADER: "sample"}

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class RowError:
    row: int | None  # spreadsheet row number; None for errors about the whole file
    column: str
    message: str


@dataclass
class AttendanceRow:
    number: int
    name: str
    phone: str
    organisation: str = ""


@dataclass
class ParsedSheet:
    rows: list[AttendanceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    samples: int = 0  # sample rows skipped


def normalise_phone(value: Any) -> str:
    """Digits of a mainland mobile number ('+86 138-0000-0000' → '13800000000')."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"[\s\-()（）]", "", str(value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def is_mobile(phone: str) -> bool:
    return bool(MOBILE_RE.match(phone))


_text = cell_text


def _file_error(message: str) -> ParsedSheet:
    return ParsedSheet(errors=[RowError(None, "", message)])


def read_attendance_file(file: IO[bytes], *, filename: str = "") -> ParsedSheet:
    """Parse a sign-in sheet; every problem is reported, none is fixed silently."""
    try:
        sheet = read_sheet(
            file,
            filename=filename,
            headers=_HEADER_TO_FIELD,
            required=[(name, label) for name, label, req in COLUMNS if req],
            missing_message=_("第1行缺少必填列：%(cols)s。请使用签到名单模板。"),
        )
    except SheetError as exc:
        return _file_error(str(exc))
    parsed = ParsedSheet()
    seen: dict[str, int] = {}
    for number, values in sheet.rows:
        texts = {k: _text(v) for k, v in values.items()}
        name = texts.get("name", "")
        phone = normalise_phone(values.get("phone"))
        if texts.get("sample") or (name, phone) == SAMPLE_ROW[:2]:
            parsed.samples += 1
            continue
        if not name:
            parsed.errors.append(RowError(number, COLUMN_LABELS["name"], _("请填写姓名。")))
        elif len(name) > 50:
            parsed.errors.append(
                RowError(number, COLUMN_LABELS["name"], _("姓名不能超过 50 个字符。"))
            )
        if not phone:
            parsed.errors.append(RowError(number, COLUMN_LABELS["phone"], _("请填写手机号。")))
        elif not is_mobile(phone):
            parsed.errors.append(
                RowError(
                    number,
                    COLUMN_LABELS["phone"],
                    _("手机号“%(p)s”无效，应为 11 位手机号码。") % {"p": texts.get("phone")},
                )
            )
        elif phone in seen:
            parsed.errors.append(
                RowError(
                    number,
                    COLUMN_LABELS["phone"],
                    _("手机号与第 %(r)d 行重复。") % {"r": seen[phone]},
                )
            )
        else:
            seen[phone] = number
        parsed.rows.append(
            AttendanceRow(
                number=number,
                name=name,
                phone=phone,
                organisation=texts.get("organisation", "")[:200],
            )
        )
    return parsed


def build_template() -> bytes:
    workbook = new_workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "签到名单"
    sheet.append([SAMPLE_HEADER] + [f"{label}*" if req else label for _n, label, req in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([SAMPLE_MARK, *SAMPLE_ROW])
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 36
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)
