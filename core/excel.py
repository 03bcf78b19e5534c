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

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# OWASP "CSV Injection": = + - @ tab CR; also LF and the full-width forms that some spreadsheet
# programs fold to ASCII before parsing.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

_PLAIN = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def safe_cell(value: Any) -> Any:
    """``value`` as a cell that can never be a formula.

    Numbers, Decimals, dates, times and None are kept as they are (they are typed cells, never
    formulas); text loses the control characters a worksheet cannot hold, and text that would
    start a formula gets a leading ``'``; anything else (lazy translations, model instances)
    becomes its text, treated the same way.
    """
    if value is None or isinstance(value, _PLAIN):
        return value
    text = value if isinstance(value, str) else str(value)
    # Control characters cannot be stored in a worksheet (openpyxl refuses them): they are
    # dropped first, so "\x1f=1" is guarded as the "=1" it would otherwise become.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def new_workbook(*, write_only: bool = False) -> Workbook:
    """The one way an export starts a workbook (an architecture test keeps ``Workbook(`` here):
    its writer puts every value through ``safe_cell``/``safe_row`` and answers with
    ``excel_response``; a hostile-value test per export checks both."""
    return Workbook(write_only=write_only)


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


def csv_response(
    header: Iterable[Any], rows: Iterable[Iterable[Any]], filename: str
) -> HttpResponse:
    """A CSV download (UTF-8 with BOM, which Excel and WPS need), every cell through
    :func:`safe_cell`, ``Cache-Control: no-store``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(["" if v is None else v for v in safe_row(row)])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


# --- reading uploaded sheets: one reader with the size and row limits ----------------------


class SheetError(Exception):
    """The file as a whole cannot be read (size, format, header, row count); ``str`` says why."""


@dataclass
class SheetRows:
    """The data rows of a sheet's first worksheet, by the field names of its known columns."""

    columns: dict[int, str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row number, values)


def cell_text(value: Any) -> str:
    """A cell as one line of text (``12.0`` → ``12``, runs of white space folded)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_sheet(
    file: IO[bytes],
    *,
    filename: str = "",
    headers: Mapping[str, str],
    required: Iterable[tuple[str, str]],
    missing_message: str,
) -> SheetRows:
    """Read the first worksheet of an uploaded .xlsx within ``DDT_EXCEL_MAX_BYTES`` and
    ``DDT_EXCEL_MAX_ROWS``.

    ``headers`` maps a header label (``*`` for "required" is ignored) to a field name;
    ``required`` lists (field, label) pairs that must be present, else ``missing_message``
    (with ``%(cols)s``) is the error. Blank rows are skipped. Raises :class:`SheetError`.
    """
    max_bytes = settings.DDT_EXCEL_MAX_BYTES
    max_rows = settings.DDT_EXCEL_MAX_ROWS
    if filename and not filename.lower().endswith(".xlsx"):
        raise SheetError(_("只能导入 .xlsx 格式的 Excel 文件。"))
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SheetError(_("文件超过大小上限（%(mb).1f MB）。") % {"mb": max_bytes / 1024 / 1024})
    if not data.startswith(b"PK"):
        raise SheetError(_("文件不是有效的 Excel（.xlsx）文件。"))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise SheetError(_("文件已损坏或不是有效的 Excel（.xlsx）文件，无法读取。")) from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None) or ()
        columns: dict[int, str] = {}
        for index, cell in enumerate(header):
            label = cell_text(cell).replace("*", "").strip()
            if label in headers:
                columns[index] = headers[label]
        missing = [label for name, label in required if name not in columns.values()]
        if missing:
            raise SheetError(missing_message % {"cols": "、".join(missing)})
        sheet = SheetRows(columns=columns)
        for number, cells in enumerate(rows, start=2):
            values = {columns[i]: v for i, v in enumerate(cells) if i in columns}
            if not any(cell_text(v) for v in values.values()):
                continue
            if len(sheet.rows) >= max_rows:
                raise SheetError(_("数据行数超过上限（%(n)d 行）。") % {"n": max_rows})
            sheet.rows.append((number, values))
        if not sheet.rows:
            raise SheetError(_("文件中没有数据行。"))
        return sheet
    finally:
        workbook.close()
