"""A netting statement as the bank receives it: Excel (core.excel, guarded cells) and PDF
(WeasyPrint with the system's Noto CJK fonts, like the credit and funds PDFs). Both are rendered
from the statement's frozen figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import new_workbook, safe_row, workbook_bytes
from exportdesk.models import CostKind
from exportdesk.rules import rules

if TYPE_CHECKING:
    from exportdesk.models import NettingStatement


def source_label(name: str) -> str:
    """``X报送`` for a partner-reported line, ``企业录入`` for the enterprise's own."""
    return _("%(org)s报送") % {"org": name} if name else _("企业录入")


def summary_rows(s: NettingStatement) -> list[tuple[str, Any]]:
    return [
        (_("放行出口额（%(c)s）") % {"c": s.currency}, s.export_value),
        (_("海外仓储费"), s.costs_warehousing),
        (_("境外物流费"), s.costs_logistics),
        (_("境外税费"), s.costs_tax),
        (_("境外费用合计"), s.costs_total),
        (_("轧差后应收汇额"), s.net_due),
        (_("已收汇额"), s.proceeds),
        (_("差额（已收汇 − 应收汇）"), s.difference),
    ]


def statement_xlsx(s: NettingStatement) -> bytes:
    wb = new_workbook()
    ws = wb.active
    if ws is None:  # a new workbook always has a sheet
        ws = wb.create_sheet()
    ws.title = _("轧差结算说明")
    ws.append(safe_row([_("跨境电商出口收汇轧差结算说明"), s.number]))
    ws.append(safe_row([_("依据"), f"{rules().fx_title}（{rules().fx_document}）"]))
    ws.append(safe_row([_("企业"), s.enterprise.name, s.enterprise.uscc]))
    ws.append(safe_row([_("期间"), f"{s.period_from:%Y-%m-%d} — {s.period_to:%Y-%m-%d}"]))
    ws.append(safe_row([_("币种"), s.currency]))
    ws.append([])
    for label, value in summary_rows(s):
        ws.append(safe_row([label, value]))
    ws.append(safe_row([_("放行出口额（人民币，全部币种）"), s.export_value_cny]))
    costs = wb.create_sheet(_("境外费用"))
    costs.append(
        safe_row(
            [_("日期"), _("费用类型"), _("收款方"), _("说明"), _("金额"), "SHA-256", _("来源")]
        )
    )
    kinds = dict(CostKind.choices)
    for c in s.detail.get("costs", []):
        costs.append(
            safe_row(
                [
                    c["date"],
                    str(kinds.get(c["kind"], c["kind"])),
                    c["payee"],
                    c["description"],
                    c["amount"],
                    c["sha256"],
                    source_label(c.get("source", "")),
                ]
            )
        )
    proceeds = wb.create_sheet(_("收汇"))
    proceeds.append(safe_row([_("日期"), _("收汇银行"), _("银行业务编号"), _("金额"), _("来源")]))
    for p in s.detail.get("proceeds", []):
        source = source_label(p.get("source", ""))
        proceeds.append(safe_row([p["date"], p["bank"], p["reference"], p["amount"], source]))
    return workbook_bytes(wb)


def statement_pdf(s: NettingStatement) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "exportdesk/statement_pdf.html",
        {
            "s": s,
            "rows": summary_rows(s),
            "kinds": dict(CostKind.choices),
            "rules": rules(),
            "generated": timezone.localtime(),
        },
    )
    return bytes(HTML(string=html).write_pdf())
