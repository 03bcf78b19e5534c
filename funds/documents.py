"""Documents: the notice PDF (WeasyPrint, CJK fonts) and the payment list workbook (openpyxl)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from funds.models import Disbursement, PublicNotice


def notice_pdf(notice: PublicNotice) -> bytes:
    """The notice as PDF; the template's CSS uses the system font "Noto Sans CJK SC"."""
    from weasyprint import HTML

    html = render_to_string("funds/notice_pdf.html", {"notice": notice})
    return bytes(HTML(string=html).write_pdf())


PAYMENT_HEADERS = [
    "拨付编号",
    "申报编号",
    "企业名称",
    "统一社会信用代码",
    "支持事项",
    "事项凭证号",
    "资金年度",
    "拨付金额（元）",
    "拨付日期",
    "银行流水号",
    "登记人",
    "登记时间",
]


def payments_workbook(rows: QuerySet[Disbursement]) -> bytes:
    """The payment list; every text cell goes through ``core.excel.safe_cell`` (enterprise names
    and matters are typed by enterprises)."""
    from openpyxl.styles import Font

    from core.excel import new_workbook, safe_row, workbook_bytes
    from funds.services.notices import measure_title

    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "拨付记录"
    ws.append(PAYMENT_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for d in rows.iterator():
        ws.append(
            safe_row(
                [
                    d.pk,
                    d.application_id,
                    d.enterprise.name,
                    d.enterprise.uscc,
                    measure_title(d.measure),
                    d.matter,
                    d.year,
                    d.amount,
                    d.paid_on,
                    d.bank_reference,
                    d.recorded_by.get_username() if d.recorded_by else "",
                    timezone.localtime(d.recorded_at).replace(tzinfo=None),
                ]
            )
        )
        ws.cell(row=ws.max_row, column=8).number_format = "#,##0.00"
    for col, width in zip(
        "ABCDEFGHIJKL", [10, 10, 36, 22, 30, 20, 10, 16, 12, 24, 12, 20], strict=True
    ):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb)
