"""``read_message(bytes)``: one CEB message file → the records of ``customs.ingestion.records``.

The safe parser (no DTD, no entities, no network, size and depth limits) and full field
validation with paths. Inventories and their receipts take the fast path
(``customs.ingestion.fastread``); any other message type is parsed and validated by
``ceb.parse`` and kept once by its business key (``OtherRecord``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lxml import etree

import ceb
from ceb.safety import check_prolog, safe_parser, translate_syntax_error
from customs import extensions, reference
from customs.ingestion import fastread
from customs.ingestion.checks import check_encoding
from customs.ingestion.records import MessageError, OtherRecord, Record

_ENVELOPE_FIELDS = {"guid", "version", "base_transfer", "base_subscribe", "signature"}
_ENVELOPE_FIELDS |= {"extend_message"}
_KEY_FIELDS = ("cop_no", "order_no", "logistics_no", "invt_no", "pay_transaction_id", "pre_no")
_SUMMARY_FIELDS = {
    "cop_no",
    "order_no",
    "logistics_no",
    "invt_no",
    "pre_no",
    "ebc_code",
    "ebp_code",
    "return_status",
    "return_time",
    "return_info",
    "app_time",
    "goods_value",
    "currency",
    "trade_mode",
}


def _leaves(obj: Any, out: dict[str, str]) -> None:
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            _leaves(value, out)
        elif isinstance(value, tuple):
            for item in value:
                if dataclasses.is_dataclass(item):
                    _leaves(item, out)
        elif value is not None and f.name not in out:
            out[f.name] = str(value)


def _other(node: Any, message_type: str, index: int) -> OtherRecord:
    values: dict[str, str] = {}
    _leaves(node, values)
    key = next((values[name] for name in _KEY_FIELDS if values.get(name)), "")
    if not key:
        raise MessageError(f"{message_type}[{index}]: 找不到业务编号 / no business key")
    if "return_status" in values:
        key = f"{key}|{values['return_status']}|{values.get('return_time', '')}"
    return OtherRecord(
        message_type=message_type,
        business_key=key[:120],
        ebc_code=values.get("ebc_code", "")[:18],
        summary={k: v[:200] for k, v in values.items() if k in _SUMMARY_FIELDS},
    )


def read_message(data: bytes) -> list[Record]:
    """All business records of one CEB message file. Raises ``MessageError``.

    Inventories and their receipts (the ledger's volume) take the fast path; any other message
    type is parsed and validated by ``ceb.parse``.
    """
    if len(data) > ceb.DEFAULT_LIMITS.max_bytes:
        raise MessageError(f"报文超过 {ceb.DEFAULT_LIMITS.max_bytes} 字节 / message too large")
    check_encoding(data)
    try:
        check_prolog(data[:65536])
        if fastread.TEXT_SCAN:
            scanned = fastread.scanned_records(data)
            if scanned is not None:
                return scanned
        root = etree.fromstring(data, safe_parser())
    except ceb.CebError as exc:
        raise MessageError(str(exc)) from exc
    except etree.XMLSyntaxError as exc:
        raise MessageError(str(translate_syntax_error(exc))) from exc
    if root is None or root.getroottree().docinfo.doctype:
        raise MessageError("文档类型声明(DOCTYPE)不被接受 / DOCTYPE declarations are refused")
    tag = root.tag if isinstance(root.tag, str) else ""
    message_type = tag[len(fastread.NS) : -len("Message")] if tag.startswith(fastread.NS) else ""
    if message_type in reference.INVENTORY_TYPES or message_type in reference.RECEIPT_FOR:
        return fastread.fast_records(root, message_type)
    try:
        message = ceb.parse(data)
    except ceb.CebError as exc:
        raise MessageError(str(exc)) from exc
    message_type = message.message_type
    records: list[Record] = []
    for f in dataclasses.fields(message):
        if f.name in _ENVELOPE_FIELDS:
            continue
        value = getattr(message, f.name)
        nodes = value if isinstance(value, tuple) else (value,)
        for index, node in enumerate(nodes):
            if dataclasses.is_dataclass(node):
                records.append(_other(node, message_type, index))
    if not records:
        raise MessageError(f"{message_type}: 报文没有业务数据 / no business data")
    try:  # other apps' records of this message (customs/extensions.py)
        records.extend(extensions.read(message))
    except ValueError as exc:
        raise MessageError(f"{message_type}: {exc}") from exc
    return records
