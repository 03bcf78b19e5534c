"""Excel exports: an enterprise's ledger (the six fields of 无票免税 / 核定征收) and statistics."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.excel import new_workbook, safe_row, workbook_bytes
from customs.models import LedgerLine, fen_to_yuan


def ledger_workbook(lines: Iterable[LedgerLine], *, title: str) -> bytes:
    """The lines as a workbook; each line carries its declaration's ``invt_no`` (annotated by
    ``selectors.ledger_lines_for``)."""
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet(_("台账"))
    ws.append(safe_row([title]))
    ws.append(
        [
            _("日期"),
            _("商品名称"),
            _("计量单位"),
            _("数量"),
            _("单价"),
            _("金额"),
            _("币制"),
            _("人民币金额"),
            _("清单编号"),
            _("序号"),
            _("监管方式"),
            _("进出口"),
            _("国别（地区）"),
            _("商品编码"),
        ]
    )
    for line in lines:
        ws.append(
            safe_row(
                [
                    line.date,
                    line.goods_name,
                    line.unit,
                    Decimal(line.quantity),
                    Decimal(line.unit_price),
                    Decimal(line.amount),
                    line.currency,
                    fen_to_yuan(line.amount_cny_fen),
                    getattr(line, "invt_no", ""),
                    line.line_no,
                    line.mode,
                    line.get_direction_display(),
                    line.country,
                    line.hs_code,
                ]
            )
        )
    return workbook_bytes(wb)


def stats_workbook(data: dict[str, Any]) -> bytes:
    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("合计")
    ws.append([_("年度"), data["year"]])
    ws.append([_("合计（人民币）"), Decimal(data["total_cny"])])
    for key in ("by_mode", "by_direction", "by_month", "by_county", "by_enterprise", "by_country"):
        sheet = wb.create_sheet(key)
        sheet.append([key, "CNY"])
        for name, amount in data[key].items():
            sheet.append(safe_row([name, Decimal(amount)]))
    return workbook_bytes(wb)
