"""The plain records a CEB message file is read into (no ``ceb`` dataclass leaves this package).

``InventoryRecord`` (CEB603 / CEB621 with its ``LineRecord`` lines), ``ReceiptRecord`` (CEB604 /
CEB622), ``OtherRecord`` (any other message, kept once by its business key) and the records of
other apps' extensions (``customs.extensions``). ``MessageError`` refuses a file with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from customs import extensions

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


class MessageError(Exception):
    """A message file that cannot be ingested; ``str(exc)`` says why, with field paths."""


@dataclass(slots=True)
class LineRecord:
    """One inventory line. Quantity and unit price are kept as declared (checked decimal text,
    stored as is); the total is a ``Decimal`` for the CNY conversion."""

    gnum: int
    gcode: str
    gname: str
    unit: str
    qty: str
    price: str
    total_price: Decimal
    currency: str
    country: str


@dataclass(slots=True)
class InventoryRecord:
    """An export (CEB603) or import (CEB621) inventory: head fields and its lines."""

    message_type: str
    direction: str
    cop_no: str
    pre_no: str
    invt_no: str
    order_no: str
    logistics_no: str
    ebc_code: str
    ebc_name: str
    ebp_code: str
    agent_code: str
    trade_mode: str
    customs_code: str
    country: str
    declared_on: dt.date
    freight: Decimal
    insured_fee: Decimal
    buyer_id_type: str = ""
    buyer_id_number: str = ""
    lines: list[LineRecord] = field(default_factory=list)


@dataclass(slots=True)
class ReceiptRecord:
    """A receipt (CEB604 / CEB622) for an inventory.

    ``copNo`` is unique only within the enterprise that declares it, so a receipt belongs to
    the declaration of the same type, ``ebcCode`` and ``copNo`` (``ebc_code`` is "" when a
    CEB622 omits it: such a receipt releases nothing)."""

    message_type: str
    declaration_type: str
    ebc_code: str
    cop_no: str
    pre_no: str
    invt_no: str
    return_status: str
    return_time: dt.datetime
    return_time_raw: str
    return_info: str

    @property
    def business_key(self) -> str:
        return f"{self.ebc_code}|{self.cop_no}|{self.return_status}|{self.return_time_raw}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent from a parse worker: plain arguments pickle faster than a slotted state.
        return (ReceiptRecord, tuple(getattr(self, name) for name in self.__slots__))


@dataclass(slots=True)
class OtherRecord:
    """Any other CEB business node, kept once by message type + business key."""

    message_type: str
    business_key: str
    ebc_code: str
    summary: dict[str, str]


Record = InventoryRecord | ReceiptRecord | OtherRecord | extensions.ExtensionRecords
