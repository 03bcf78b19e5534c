"""core.excel: the one formula guard and the one Excel response of every export."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.excel import FORMULA_TRIGGERS, XLSX_CONTENT_TYPE, excel_response, safe_cell, safe_row

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "hostile",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "＝1+1",
    ],
)
def test_text_that_starts_a_formula_is_quoted(hostile: str) -> None:
    assert safe_cell(hostile) == "'" + hostile


@pytest.mark.parametrize(
    "value",
    [
        None,
        0,
        -5,
        3.5,
        Decimal("-180244.00"),
        dt.date(2026, 1, 2),
        dt.datetime(2026, 1, 2, 3, 4),
        True,
        "水晶手链",
        "a=b",
    ],
)
def test_numbers_dates_and_plain_text_are_kept(value: object) -> None:
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


def test_other_objects_become_guarded_text() -> None:
    class Named:
        def __str__(self) -> str:
            return "=cmd|' /C calc'!A0"

    assert safe_cell(Named()) == "'=cmd|' /C calc'!A0"
    assert safe_row(["=1", 2]) == ["'=1", 2]


@given(st.text(max_size=30))
def test_no_guarded_text_starts_a_formula_and_openpyxl_writes_no_formula(text: str) -> None:
    value = safe_cell(text)
    assert not value.startswith(FORMULA_TRIGGERS)
    kept = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)  # what a worksheet can hold
    assert value == kept or value == "'" + kept
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([value])  # openpyxl would raise on a control character
    assert ws["A1"].data_type != "f"


def test_a_control_character_cannot_hide_a_formula() -> None:
    assert safe_cell("\x1f=0") == "'=0"
    assert safe_cell("\x00\x08+SUM(A1)") == "'+SUM(A1)"
    assert safe_cell("a\x1fb") == "ab"


def test_excel_response_sets_type_name_and_no_store() -> None:
    wb = Workbook()
    response = excel_response(wb, "统计-2026.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(response.content)).active is not None
    assert excel_response(b"PK..", "a.xlsx").content == b"PK.."


def test_one_guard_for_the_whole_project() -> None:
    """No second copy of the content type or of the formula guard outside core/excel.py, and
    every module that builds a workbook uses the guard."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "node_modules/")) or "/tests/" in rel:
            continue
        if rel == "core/excel.py":
            continue
        text = path.read_text(encoding="utf-8")
        if 'spreadsheetml.sheet"' in text and "XLSX_CONTENT_TYPE =" in text:
            offenders.append(f"{rel}: own content type")
        if re.search(r"startswith\(\(\s*\"=\"", text) or re.search(r"in \{\"=\", \"\+\"", text):
            offenders.append(f"{rel}: own formula guard")
        if "Workbook(" in text and "core.excel" not in text:
            offenders.append(f"{rel}: builds a workbook without core.excel")
    assert offenders == []
