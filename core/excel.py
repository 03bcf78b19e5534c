"""The one guard every Excel export goes through: safe cells, one content type, one response.

Spreadsheet ("CSV/formula") injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return can be read as a formula by Excel, LibreOffice or WPS — at once when
the value is written as a formula, later when someone saves the sheet as CSV and opens it again.
OWASP's advice is to prefix such text with a single quote so it stays text everywhere. Every
writer passes each value through :func:`safe_cell` (or appends rows with :func:`safe_row`) and
answers with :func:`excel_response`, which also forbids caching (exports hold personal and
financial data).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# OWASP "CSV Injection": = + - @ tab CR; also LF and the full-width forms that some spreadsheet
# programs fold to ASCII before parsing.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

_PLAIN = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def safe_cell(value: Any) -> Any:
    """``value`` as a cell that can never be a formula.

    Numbers, Decimals, dates, times and None are kept as they are (they are typed cells, never
    formulas); text that would start a formula gets a leading ``'``; anything else (lazy
    translations, model instances) becomes its text, guarded the same way.
    """
    if value is None or isinstance(value, _PLAIN):
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def excel_response(workbook_or_bytes: Workbook | bytes, filename: str) -> HttpResponse:
    """An .xlsx download: the content type, an attachment name, and ``Cache-Control: no-store``."""
    content = (
        workbook_or_bytes
        if isinstance(workbook_or_bytes, bytes)
        else workbook_bytes(workbook_or_bytes)
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response
