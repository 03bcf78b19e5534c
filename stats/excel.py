"""Every dashboard table to Excel: one sheet per table, the same rows as the page."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.excel import new_workbook, safe_cell, safe_row, workbook_bytes
from stats.selectors import Table


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:28] or "sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:25]}({n})"
        n += 1
    used.add(name)
    return name


def tables_workbook(tables: Iterable[Table], *, heading: str) -> bytes:
    wb = new_workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_name(str(table.title), used))
        ws.append([safe_cell(heading)])
        ws.append([safe_cell(str(table.title))])
        ws.append(safe_row(table.columns))
        for row in table.rows:
            ws.append(safe_row(row))
    if not used:
        wb.create_sheet("—")
    return workbook_bytes(wb)
