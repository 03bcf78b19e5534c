"""Every dashboard table to Excel: one sheet per table, the same rows as the page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from stats.selectors import Table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (CSV/Excel injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    if (
        value is not None
        and not isinstance(value, int | float | str)
        and not hasattr(value, "as_tuple")
    ):
        return str(value)
    return value


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:28] or "sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:25]}({n})"
        n += 1
    used.add(name)
    return name


def tables_workbook(tables: Iterable[Table], *, heading: str) -> bytes:
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_name(str(table.title), used))
        ws.append([_safe(heading)])
        ws.append([_safe(str(table.title))])
        ws.append([str(c) for c in table.columns])
        for row in table.rows:
            ws.append([_safe(v) for v in row])
    if not used:
        wb.create_sheet("—")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
