"""The fast path of ``read_message`` for inventories and receipts, the ledger's volume.

A plain file is read from its text (``ceb.textscan``: one generated regular expression per
element, fields checked by the patterns), anything else from an lxml tree whose leaf fields are
read and checked by code generated from the ``ceb`` definitions (``ceb.leafread``); whatever
either is not certain of goes to the detailed reader (``_values``), which accepts it or refuses
it with the field path. All three give the same records (tested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import ceb
from ceb import textscan
from ceb.leafread import leaf_fields, leaf_picker, leaf_reader, values_of
from ceb.schema import Kind
from customs import reference
from customs.ingestion.records import (
    SHANGHAI,
    InventoryRecord,
    LineRecord,
    MessageError,
    ReceiptRecord,
    Record,
)


def _date8(raw: str, path: str) -> dt.date:
    try:
        return dt.date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8]))
    except (ValueError, IndexError) as exc:
        raise MessageError(f"{path}: 日期“{raw}”无效，应为 YYYYMMDD / bad date") from exc


def _time17(raw: str, path: str) -> dt.datetime:
    if len(raw) in (14, 17) and raw.isdigit() and raw.isascii():
        # The usual form, read by slicing (strptime costs ~15 µs); kept only when it reads back
        # as written, else strptime decides as before.
        try:
            fast = dt.datetime(
                int(raw[0:4]),
                int(raw[4:6]),
                int(raw[6:8]),
                int(raw[8:10]),
                int(raw[10:12]),
                int(raw[12:14]),
                int(raw[14:17] or 0) * 1000,
                tzinfo=SHANGHAI,
            )
        except ValueError:
            pass
        else:
            if fast.strftime("%Y%m%d%H%M%S") == raw[:14]:
                return fast
    try:
        base = dt.datetime.strptime(raw[:14], "%Y%m%d%H%M%S")
        ms = int(raw[14:17] or 0)
    except ValueError as exc:
        raise MessageError(f"{path}: 时间“{raw}”无效 / bad time") from exc
    return base.replace(microsecond=ms * 1000, tzinfo=SHANGHAI)


NS = "{" + ceb.CEB_NS + "}"


@cache
def plan(message_type: str) -> tuple[Any, dict[str, Any]]:
    """(record field, {node xml name: node}) of a message definition."""
    mdef = ceb.message_def(message_type)
    record = next(f for f in mdef.node.fields if f.node is not None and f.repeats)
    nodes: dict[str, Any] = {}

    def walk(node: Any) -> None:
        nodes[node.xml] = node
        for f in node.fields:
            if f.node is not None:
                walk(f.node)

    walk(record.node)
    return record, nodes


_TEXT, _DECIMAL, _INTEGER = 0, 1, 2
_KINDS = {Kind.TEXT: _TEXT, Kind.DECIMAL: _DECIMAL, Kind.INTEGER: _INTEGER}


_CHECKS: dict[int, tuple[tuple[str, bool, int, int], ...]] = {}


def _checks(node: Any) -> tuple[tuple[str, bool, int, int], ...]:
    """(xml name, required, kind, max length) of the leaf fields of a node definition
    (cached by identity: hashing the frozen definitions would cost more than the checks)."""
    found = _CHECKS.get(id(node))
    if found is None:
        found = _CHECKS[id(node)] = tuple(
            (f.xml, f.min_occurs > 0, _KINDS[f.kind], f.max_length or 0)
            for f in leaf_fields(node)  # the same fields the generated readers check
        )
    return found


def _values(element: Any, node: Any, path: str) -> dict[str, str]:
    """Leaf texts of ``element`` checked against ``node``'s fields (presence, length, number).

    The detailed reader: the generated ``leafread.leaf_reader`` handles well-formed elements and
    sends everything else here, to be accepted or refused with its field path.
    """
    values: dict[str, str] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            text = child.text
            values[tag[tag.rfind("}") + 1 :]] = text.strip() if text else ""
    get = values.get
    for name, required, kind, max_length in _checks(node):
        value = get(name)
        if not value:
            if required:
                raise MessageError(f"{path}.{name}: 必填 / required")
            continue
        if kind == _TEXT:
            if max_length and len(value) > max_length:
                raise MessageError(
                    f"{path}.{name}: 长度最多 {max_length}(实际 {len(value)}) / "
                    f"length must be at most {max_length} (got {len(value)})"
                )
        elif kind == _DECIMAL:
            if not _is_decimal(value):
                raise MessageError(f"{path}.{name}: “{value}”不是数字 / not a number")
        elif not _is_integer(value):
            raise MessageError(f"{path}.{name}: “{value}”不是整数 / not an integer")
    return values


def _is_integer(value: str) -> bool:
    # As ``int`` reads it (the ledger converts with ``int``): "--5" or "²" are refused here with
    # the field path instead of failing later.
    try:
        int(value)
    except ValueError:
        return False
    return True


def _is_decimal(value: str) -> bool:
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


# The fields the ledger reads from each node (the generated readers check all of them).
_HEAD_WANTED = (
    "copNo",
    "preNo",
    "invtNo",
    "orderNo",
    "logisticsNo",
    "ebcCode",
    "ebcName",
    "ebpCode",
    "agentCode",
    "tradeMode",
    "customsCode",
    "country",
    "ieDate",
    "declTime",
    "freight",
    "insuredFee",
    "buyerIdType",
    "buyerIdNumber",
    "currency",
)

_LINE_WANTED = (
    "gnum",
    "gcode",
    "gname",
    "unit",
    "qty",
    "price",
    "totalPrice",
    "currency",
    "country",
)

_RECEIPT_WANTED = (
    "ebcCode",
    "copNo",
    "preNo",
    "invtNo",
    "returnStatus",
    "returnTime",
    "returnInfo",
)


def fast_records(root: Any, message_type: str) -> list[Record]:
    record_field, nodes = plan(message_type)
    records: list[Record] = []
    index = 0
    receipts = message_type in reference.RECEIPT_FOR
    for element in root:
        tag = element.tag
        if not isinstance(tag, str) or tag[tag.rfind("}") + 1 :] != record_field.xml:
            continue
        path = f"{record_field.xml}[{index}]"
        if receipts:
            node = nodes[record_field.xml]
            values = leaf_reader(node, _RECEIPT_WANTED)(element)
            if values is None:
                values = values_of(_values(element, node, path), _RECEIPT_WANTED)
            records.append(_receipt_values(values, message_type, path))
        else:
            records.append(_inventory_values(element, nodes, message_type, path))
        index += 1
    if not records:
        raise MessageError(f"{message_type}: 报文没有业务数据 / no business data")
    return records


def _inventory_values(
    element: Any, nodes: dict[str, Any], message_type: str, path: str
) -> InventoryRecord:
    head: tuple[str, ...] | None = None
    line_elements = []
    for child in element:
        tag = child.tag
        name = tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""
        if name == "InventoryHead":
            head = leaf_reader(nodes["InventoryHead"], _HEAD_WANTED)(child)
            if head is None:
                detailed = _values(child, nodes["InventoryHead"], f"{path}.InventoryHead")
                head = values_of(detailed, _HEAD_WANTED)
        elif name == "InventoryList":
            line_elements.append(child)
    if head is None:
        raise MessageError(f"{path}.InventoryHead: 必填 / required")
    if not line_elements:
        raise MessageError(f"{path}.InventoryList: 必填 / required")
    list_node = nodes["InventoryList"]
    read_line = leaf_reader(list_node, _LINE_WANTED)

    def lines() -> Iterator[tuple[str, ...]]:  # read as they are used: errors in line order
        for number, line_element in enumerate(line_elements):
            values = read_line(line_element)
            if values is None:
                lpath = f"{path}.InventoryList[{number}]"
                values = values_of(_values(line_element, list_node, lpath), _LINE_WANTED)
            yield values

    return _inventory_record(head, lines(), message_type, path)


def _inventory_record(
    head: tuple[str, ...], lines: Iterable[tuple[str, ...]], message_type: str, path: str
) -> InventoryRecord:
    """The record of an inventory from the checked texts of its head and lines (the wanted
    fields), read from a tree or from the text; the checks that need more than one field."""
    (
        cop_no,
        pre_no,
        invt_no,
        order_no,
        logistics_no,
        ebc_code,
        ebc_name,
        ebp_code,
        agent_code,
        trade_mode,
        customs_code,
        country,
        ie_date,
        decl_time,
        freight,
        insured_fee,
        buyer_id_type,
        buyer_id_number,
        head_currency,
    ) = head
    hpath = f"{path}.InventoryHead"
    direction = reference.INVENTORY_TYPES[message_type]
    if direction == "export":
        declared_on = _date8(ie_date, f"{hpath}.ieDate")
    else:
        declared_on = _date8(ie_date or decl_time, f"{hpath}.declTime")
    if not cop_no:
        raise MessageError(f"{hpath}.copNo: 必填 / required (企业内部编号用于匹配回执)")
    record = InventoryRecord(
        message_type,
        direction,
        cop_no,
        pre_no,
        invt_no,
        order_no,
        logistics_no,
        ebc_code,
        ebc_name,
        ebp_code,
        agent_code,
        trade_mode,
        customs_code,
        country,
        declared_on,
        Decimal(freight or 0),
        Decimal(insured_fee or 0),
        buyer_id_type,
        buyer_id_number,
    )
    seen: set[int] = set()
    record_lines = record.lines
    for number, values in enumerate(lines):
        gnum_text, gcode, gname, unit, qty, price, total, currency, line_country = values
        gnum = int(gnum_text)
        if gnum in seen:
            lpath = f"{path}.InventoryList[{number}]"
            raise MessageError(f"{lpath}.gnum: 序号 {gnum} 重复 / duplicate")
        seen.add(gnum)
        record_lines.append(
            LineRecord(
                gnum,
                gcode,
                gname,
                unit,
                qty,
                price,
                Decimal(total),
                currency or head_currency,
                line_country or country,
            )
        )
    return record


# -- from the text (``ceb.textscan``) -----------------------------------------------------------

TEXT_SCAN = True  # tests compare both readers by switching this off

_SCANNED_TYPES = frozenset(reference.INVENTORY_TYPES) | frozenset(reference.RECEIPT_FOR)


def scanned_records(data: bytes) -> list[Record] | None:
    """The records of a plain file read from its text, or ``None``: then the tree reader reads
    it. The scanner's patterns match only texts that pass the field checks
    (``ceb.textscan._value``), so the fields are taken as they are; any other text, and any
    error, returns ``None``, so every refusal and its message comes from the tree reader."""
    scanned = textscan.scan(data, _SCANNED_TYPES, plan)
    if scanned is None:
        return None
    message_type = scanned.message_type
    record_field, nodes = plan(message_type)
    records: list[Record] = []
    try:
        if record_field.xml == "Inventory":
            head_of = leaf_picker(nodes["InventoryHead"], _HEAD_WANTED)
            line_of = leaf_picker(nodes["InventoryList"], _LINE_WANTED)
            for index, (head_texts, line_texts) in enumerate(scanned.inventories):
                path = f"{record_field.xml}[{index}]"
                lines = [line_of(texts) for texts in line_texts]
                records.append(_inventory_record(head_of(head_texts), lines, message_type, path))
        else:
            values_of_receipt = leaf_picker(nodes[record_field.xml], _RECEIPT_WANTED)
            for index, texts in enumerate(scanned.receipts):
                records.append(
                    _receipt_values(
                        values_of_receipt(texts), message_type, f"{record_field.xml}[{index}]"
                    )
                )
    except MessageError:
        return None
    return records or None


def _receipt_values(values: tuple[str, ...], message_type: str, path: str) -> ReceiptRecord:
    ebc_code, cop_no, pre_no, invt_no, return_status, raw, return_info = values
    return ReceiptRecord(
        message_type,
        reference.RECEIPT_FOR[message_type],
        ebc_code,
        cop_no,
        pre_no,
        invt_no,
        return_status,
        _time17(raw, f"{path}.returnTime"),
        raw,
        return_info,
    )
