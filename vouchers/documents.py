"""The settlement statement (结算单) as a workbook (openpyxl, every cell through
``core.excel.safe_cell``) and as PDF (WeasyPrint with the system's Noto CJK fonts, like the
funds notice PDF)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import new_workbook, safe_row, workbook_bytes

if TYPE_CHECKING:
    from vouchers.models import Redemption, Settlement


def statement_rows(settlement: Settlement) -> list[Redemption]:
    return list(
        settlement.redemptions.select_related(
            "voucher", "contract", "contract__enterprise"
        ).order_by("redeemed_at", "pk")
    )


def _headers() -> list[str]:
    return [
        _("序号"),
        _("券号"),
        _("企业名称"),
        _("物流合同编号"),
        _("发票号码"),
        _("开票日期"),
        _("发票金额（元）"),
        _("核销金额（元）"),
        _("核销时间"),
    ]


def _row(i: int, r: Redemption) -> list[Any]:
    return [
        i,
        r.voucher.code,
        r.contract.enterprise.name,
        r.contract.contract_no,
        r.invoice_no,
        r.invoice_date,
        r.invoice_amount,
        r.amount,
        timezone.localtime(r.redeemed_at).replace(tzinfo=None),
    ]


def settlement_workbook(settlement: Settlement) -> bytes:
    """The statement: a heading block, one row per redemption, the total. Enterprise names,
    contract and invoice numbers are typed by users, so every cell goes through ``safe_row``."""
    from openpyxl.styles import Font

    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("结算单")
    ws.append(safe_row([_("运力券结算单")]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(safe_row([_("物流企业"), settlement.company_name]))
    ws.append(safe_row([_("物流企业海关编码"), settlement.logistics_code]))
    ws.append(safe_row([_("结算月份"), f"{settlement.month:%Y-%m}"]))
    ws.append(safe_row([_("状态"), settlement.get_status_display()]))
    if settlement.paid_on:
        ws.append(safe_row([_("支付日期"), settlement.paid_on]))
        ws.append(safe_row([_("银行流水号"), settlement.bank_reference]))
    ws.append([])
    ws.append(safe_row(_headers()))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    rows = statement_rows(settlement)
    for i, r in enumerate(rows, 1):
        ws.append(safe_row(_row(i, r)))
        for col in (7, 8):
            ws.cell(row=ws.max_row, column=col).number_format = "#,##0.00"
    total = sum((r.amount for r in rows), Decimal(0))
    ws.append(safe_row([_("合计"), "", "", "", "", "", "", total, ""]))
    ws.cell(row=ws.max_row, column=8).number_format = "#,##0.00"
    for letter, width in zip("ABCDEFGHI", [10, 20, 36, 22, 20, 12, 16, 16, 20], strict=True):
        ws.column_dimensions[letter].width = width
    return workbook_bytes(wb)


def settlement_pdf(settlement: Settlement) -> bytes:
    """The statement as PDF; the template's CSS uses the system font "Noto Sans CJK SC"."""
    from weasyprint import HTML

    rows = statement_rows(settlement)
    html = render_to_string(
        "vouchers/settlement_pdf.html",
        {
            "settlement": settlement,
            "rows": rows,
            "total": sum((r.amount for r in rows), Decimal(0)),
            "generated": timezone.localtime(),
        },
    )
    return bytes(HTML(string=html).write_pdf())
