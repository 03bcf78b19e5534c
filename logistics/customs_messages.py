"""Logistics events read from CEB customs messages (plain Python: no Django import).

Customs ingestion (``customs/extensions.py``) calls :func:`read` with each parsed message of a
type in :data:`MESSAGE_TYPES`, in its parse worker; the records it returns are pickled back to
the ingesting process and written by ``logistics.services.customs_events_write`` in the same
chunk transaction as the customs records. A message is read whole here, each waybill of an
arrival, departure or master waybill list becoming one record.

Messages and what they mean for a waybill (``logisticsNo`` + ``logisticsCode``):

==========  =============================================  ==========================
message     meaning                                        event code
==========  =============================================  ==========================
CEB505/511  export / import waybill declared (运单)          ``waybill_declared``
CEB507      arrival at the supervised site (运抵单)           ``arrived_site``
CEB509      departure from the country (离境单)               ``departed_country``
CEB607      master / sub waybill (清单总分单)                  ``master_waybill``
CEB513      import waybill status (运单状态, S = signed for)  ``delivered`` / ``exception``
CEB506/508/510/512/514/608  the customs receipts of these    ``customs_receipt``
==========  =============================================  ==========================

The receipts of arrivals, departures and master waybills (CEB508/510/608) name the document
(``logisticsCode`` + ``copNo``), not its waybills: they are applied to the waybills the document
listed (``DocumentReceiptRecord``). The inventory release (CEB604) is applied from the customs
declarations the run released (``logistics.services.customs_events_write``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# Normalised event codes written here (the full set is ``logistics.models.EventCode``).
WAYBILL_DECLARED = "waybill_declared"
ARRIVED_SITE = "arrived_site"
DEPARTED_COUNTRY = "departed_country"
MASTER_WAYBILL = "master_waybill"
DELIVERED = "delivered"
EXCEPTION = "exception"
CUSTOMS_RECEIPT = "customs_receipt"

MESSAGE_TYPES = frozenset(
    {
        "CEB505",
        "CEB506",
        "CEB507",
        "CEB508",
        "CEB509",
        "CEB510",
        "CEB511",
        "CEB512",
        "CEB513",
        "CEB514",
        "CEB607",
        "CEB608",
    }
)
DOCUMENT_TYPES = {"CEB508": "CEB507", "CEB510": "CEB509", "CEB608": "CEB607"}


@dataclass(frozen=True, slots=True)
class WaybillEventRecord:
    """One event of one waybill read from a customs message.

    ``key`` makes it idempotent (message type + the message's business key); ``document`` is
    the copNo of the arrival / departure / master waybill that listed the waybill, if any."""

    message_type: str
    logistics_no: str
    logistics_code: str
    logistics_name: str
    direction: str
    at: dt.datetime
    code: str
    text: str
    key: str
    order_no: str = ""
    invt_no: str = ""
    ebc_code: str = ""
    document: str = ""


@dataclass(frozen=True, slots=True)
class DocumentReceiptRecord:
    """A customs receipt for an arrival, departure or master waybill (CEB508/510/608): applies
    to the waybills that document (``document_type``, ``logistics_code``, ``cop_no``) listed."""

    message_type: str
    document_type: str
    logistics_code: str
    cop_no: str
    at: dt.datetime
    text: str
    key: str


Record = WaybillEventRecord | DocumentReceiptRecord


def parse_time(raw: str) -> dt.datetime:
    """A CEB time (``YYYYMMDDhhmmss`` with optional milliseconds, Beijing time) → aware
    datetime. Raises ``ValueError``."""
    raw = (raw or "").strip()
    if len(raw) < 14 or not raw[:14].isdigit() or not raw.isascii():
        raise ValueError(f"bad CEB time {raw!r}")
    base = dt.datetime.strptime(raw[:14], "%Y%m%d%H%M%S")
    ms = int(raw[14:17]) if raw[14:17].isdigit() else 0
    return base.replace(microsecond=ms * 1000, tzinfo=SHANGHAI)


def _s(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _receipt_text(message_type: str, node: Any) -> str:
    status, info = _s(getattr(node, "return_status", "")), _s(getattr(node, "return_info", ""))
    return f"{message_type} 回执 {status}：{info}"[:500]


def read(message: Any) -> list[Record]:
    """The logistics records of one parsed CEB message (``ceb`` dataclasses); ``[]`` for a
    message type not in :data:`MESSAGE_TYPES`. Raises ``ValueError`` on a bad time."""
    mtype = getattr(message, "message_type", "")
    out: list[Record] = []
    if mtype == "CEB505":
        for n in message.logistics:
            out.append(
                WaybillEventRecord(
                    mtype,
                    _s(n.logistics_no),
                    _s(n.logistics_code),
                    _s(n.logistics_name),
                    "export",
                    parse_time(n.app_time),
                    WAYBILL_DECLARED,
                    "出口运单已申报",
                    f"{mtype}|{_s(n.app_time)}",
                    ebc_code=_s(n.ebc_code),
                )
            )
    elif mtype == "CEB511":
        for item in message.logistics:
            n = item.logistics_head
            out.append(
                WaybillEventRecord(
                    mtype,
                    _s(n.logistics_no),
                    _s(n.logistics_code),
                    _s(n.logistics_name),
                    "import",
                    parse_time(n.app_time),
                    WAYBILL_DECLARED,
                    "进口运单已申报",
                    f"{mtype}|{_s(n.app_time)}",
                    order_no=_s(n.order_no),
                )
            )
    elif mtype in ("CEB506", "CEB512"):
        for n in message.logistics_return:
            out.append(
                WaybillEventRecord(
                    mtype,
                    _s(n.logistics_no),
                    _s(n.logistics_code),
                    "",
                    "export" if mtype == "CEB506" else "import",
                    parse_time(n.return_time),
                    CUSTOMS_RECEIPT,
                    _receipt_text(mtype, n),
                    f"{mtype}|{_s(n.return_status)}|{_s(n.return_time)}",
                )
            )
    elif mtype == "CEB513":
        for n in message.logistics_status:
            signed = _s(n.logistics_status) == "S"
            out.append(
                WaybillEventRecord(
                    mtype,
                    _s(n.logistics_no),
                    _s(n.logistics_code),
                    _s(n.logistics_name),
                    "import",
                    parse_time(n.logistics_time),
                    DELIVERED if signed else EXCEPTION,
                    "已签收" if signed else f"运单状态 {_s(n.logistics_status)}",
                    f"{mtype}|{_s(n.logistics_status)}|{_s(n.logistics_time)}",
                )
            )
    elif mtype == "CEB514":
        for n in message.logistics_status_return:
            out.append(
                WaybillEventRecord(
                    mtype,
                    _s(n.logistics_no),
                    _s(n.logistics_code),
                    "",
                    "import",
                    parse_time(n.return_time),
                    CUSTOMS_RECEIPT,
                    _receipt_text(mtype, n),
                    f"{mtype}|{_s(n.return_status)}|{_s(n.return_time)}",
                )
            )
    elif mtype in ("CEB507", "CEB509", "CEB607"):
        out.extend(_documents(message, mtype))
    elif mtype in DOCUMENT_TYPES:
        nodes = {
            "CEB508": "arrival_return",
            "CEB510": "departure_return",
            "CEB608": "way_bill_return",
        }[mtype]
        for n in getattr(message, nodes):
            out.append(
                DocumentReceiptRecord(
                    mtype,
                    DOCUMENT_TYPES[mtype],
                    _s(n.logistics_code),
                    _s(n.cop_no),
                    parse_time(n.return_time),
                    _receipt_text(mtype, n),
                    f"{mtype}|{_s(n.cop_no)}|{_s(n.return_status)}|{_s(n.return_time)}",
                )
            )
    return [r for r in out if not isinstance(r, WaybillEventRecord) or r.logistics_no]


def _documents(message: Any, mtype: str) -> list[Record]:
    out: list[Record] = []
    if mtype == "CEB507":
        docs = [(d.arrival_head, d.arrival_list) for d in message.arrival]
        code, text = ARRIVED_SITE, "已运抵监管场所"
    elif mtype == "CEB509":
        docs = [(d.departure_head, d.departure_list) for d in message.departure]
        code, text = DEPARTED_COUNTRY, "已离境"
    else:
        docs = [(d.way_bill_head, d.way_bill_list) for d in message.way_bill]
        code, text = MASTER_WAYBILL, "已生成总分单"
    for head, items in docs:
        cop_no = _s(head.cop_no)
        when = _s(getattr(head, "leave_time", None)) or _s(head.app_time)
        at = parse_time(when)
        detail = text
        bill = _s(getattr(head, "bill_no", None))
        if bill:
            detail = f"{text}（提运单号 {bill}）"
        for item in items:
            out.append(
                WaybillEventRecord(
                    mtype,
                    _s(item.logistics_no),
                    _s(head.logistics_code),
                    _s(head.logistics_name),
                    "export",
                    at,
                    code,
                    detail[:500],
                    f"{mtype}|{cop_no}|{when}",
                    invt_no=_s(getattr(item, "invt_no", None)),
                    document=cop_no,
                )
            )
    return out
