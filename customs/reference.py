"""Customs code values the ledger relies on (CEB 2022 spec, see docs/customs-ledger.md).

These are code-list facts of the message standard, not policy numbers: policy limits (retail
import quotas) live in ``customs/data/retail_import_limits.yaml``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CEB_NAMESPACE = "http://www.chinaport.gov.cn/ceb"

# Declarations that feed the ledger and the receipt type that answers each of them.
INVENTORY_TYPES = {"CEB603": "export", "CEB621": "import"}
RECEIPT_FOR = {"CEB604": "CEB603", "CEB622": "CEB621"}

# returnStatus values (C1..10) of the receipts; 800 放行 (released) and 899 结关 (closed, which
# follows a release) make an inventory's lines count in the customs-monitored ledger.
RELEASE_STATUSES = frozenset({"800", "899"})

RETURN_STATUS_LABELS = {
    "1": _("电子口岸已暂存"),
    "2": _("电子口岸申报中"),
    "3": _("发送海关成功"),
    "4": _("发送海关失败"),
    "100": _("海关退单"),
    "120": _("海关入库"),
    "300": _("人工审核"),
    "399": _("海关审结"),
    "500": _("查验"),
    "501": _("扣留移送通关"),
    "502": _("扣留移送缉私"),
    "503": _("扣留移送法规"),
    "599": _("其它扣留"),
    "700": _("退运"),
    "800": _("放行"),
    "899": _("结关"),
}

DECLARED_LABEL = _("申报")

# CBEC supervision modes (监管方式) tracked by the ledger.
CBEC_MODES = ("9610", "9710", "9810", "1210")

# Customs currency code of the renminbi (not ISO 156).
CNY_CODE = "142"


def status_label(code: str) -> str:
    """A receipt status in words; negative codes are processing errors (处理失败)."""
    if not code:
        return str(DECLARED_LABEL)
    if code.startswith("-"):
        return str(_("处理失败（%(c)s）") % {"c": code})
    label = RETURN_STATUS_LABELS.get(code)
    return str(label) if label is not None else code
