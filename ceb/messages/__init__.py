"""Generated message tables, one module per family.

See ``ceb/tools/gen_definitions.py``.
"""

from __future__ import annotations

from ceb.messages import (
    export_inventory,
    export_logistics,
    export_order,
    export_receipts,
    export_refund,
    export_summary,
    import_delivery,
    import_inventory,
    import_logistics,
    import_order,
    import_payment,
    import_tax,
)
from ceb.schema import MessageDef, Node

_FAMILIES = {
    "export_order": ("export", export_order.ROOTS),
    "export_receipts": ("export", export_receipts.ROOTS),
    "export_logistics": ("export", export_logistics.ROOTS),
    "export_inventory": ("export", export_inventory.ROOTS),
    "export_summary": ("export", export_summary.ROOTS),
    "export_refund": ("export", export_refund.ROOTS),
    "import_order": ("import", import_order.ROOTS),
    "import_payment": ("import", import_payment.ROOTS),
    "import_logistics": ("import", import_logistics.ROOTS),
    "import_inventory": ("import", import_inventory.ROOTS),
    "import_delivery": ("import", import_delivery.ROOTS),
    "import_tax": ("import", import_tax.ROOTS),
}


def _defs() -> dict[str, MessageDef]:
    out: dict[str, MessageDef] = {}
    for direction, roots in _FAMILIES.values():
        for root in roots:
            root_node: Node = root
            mtype = root_node.xml.removesuffix("Message")
            out[mtype] = MessageDef(mtype, direction, root_node, root_node.label)
    return out


MESSAGES: dict[str, MessageDef] = _defs()
"""Every known message type, keyed ``"CEB603"``."""
