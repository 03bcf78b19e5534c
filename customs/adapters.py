"""The one place that touches the CEB message library (``ceb``): bytes ↔ domain records.

Reading: ``read_message(bytes)`` parses one message file (safe parser: no DTD, no entities, no
network, size and depth limits; full field validation with paths) and turns it into plain
records — ``InventoryRecord`` (CEB603 / CEB621 with lines), ``ReceiptRecord`` (CEB604 / CEB622)
and ``OtherRecord`` (any other message, kept once by its business key). Inventories and receipts,
the ledger's volume, take a fast path: one walk of the tree whose leaf fields are read and
checked by code generated from the ``ceb`` definitions (``customs.leafread``), with the detailed
reader for anything unusual; other messages go through ``ceb.parse``.
Building: ``build_inventories`` / ``build_receipts`` make valid CEB603/621 and CEB604/622
messages from ``InventorySpec`` / ``ReceiptSpec`` (demo data, tests, benchmark).

Nothing else in the app imports ``ceb`` or sees its dataclasses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import typing
import uuid
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from lxml import etree

import ceb
from ceb.messages.export_inventory import (
    CEB603Message,
    CEB604Message,
    ExportInventory,
    ExportInventoryHead,
    ExportInventoryList,
    ExportInventoryReturn,
)
from ceb.messages.import_inventory import (
    CEB621Message,
    CEB622Message,
    ImportInventory,
    ImportInventoryHead,
    ImportInventoryList,
    ImportInventoryReturn,
)
from ceb.safety import check_prolog, safe_parser, translate_syntax_error
from ceb.schema import DS_NS, Kind
from customs import extensions, reference, textscan
from customs.leafread import leaf_fields, leaf_picker, leaf_reader, values_of

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
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


# -- reading ---------------------------------------------------------------------------------


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


# The XML declaration's encoding (after an optional UTF-8 BOM and whitespace).
_DECLARED_ENCODING = re.compile(
    rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*"
    rb"[\"']([^\"']{0,40})[\"']"
)
UTF8_NAMES = frozenset({"utf-8", "utf8"})


def check_encoding(data: bytes) -> None:
    """Refuse a message that declares an encoding other than UTF-8 (``MessageError``).

    CEB messages are UTF-8 (the 2022 samples and schemas all are; ``ceb.safety`` already refuses
    UTF-16/32). The ``ceb`` library itself reads any encoding libxml2 knows, but a file declaring
    ISO-8859-1 would be read as Latin-1 and its Chinese stored garbled, and GBK is not what the
    single window exchanges: ingestion takes UTF-8 only, declared or not."""
    found = _DECLARED_ENCODING.match(data[:512])
    if found is None:
        return
    name = found.group(1).decode("ascii", "replace").strip()
    if name.lower() not in UTF8_NAMES:
        raise MessageError(
            f"报文声明的字符编码为 {name}，CEB 报文须使用 UTF-8 编码，本文件未导入 / the message "
            f"declares encoding {name}; CEB messages must be UTF-8"
        )


def check_signature(data: bytes, public_key_pem: bytes) -> None:
    """Refuse a channel file whose enveloped signature does not verify with the configured key
    of the customs channel (``DDT_CUSTOMS_CHANNEL_PUBLIC_KEY``; ``MessageError``).

    Message types whose CEB 2022 definition carries a ``ds:Signature`` (inventories, orders …)
    must be signed; receipts (CEB604 / CEB622 …) have no signature in the business message —
    customs signs the data-exchange envelope, which the exchange client checks — so they are
    taken on the channel's account alone. ``ceb.signature`` checks the SM3 digest and ECDSA
    values; SM2 signature values cannot be checked here (no SM2 in ``cryptography``), so a
    deployment receiving SM2-signed files checks them at the exchange client and leaves the
    setting empty."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from ceb.registry import BY_ROOT_TAG
    from ceb.signature import verify

    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise MessageError(str(translate_syntax_error(exc))) from exc
    mdef = BY_ROOT_TAG.get(root.tag) if isinstance(root.tag, str) else None
    signed = mdef is not None and any(
        f.tag == f"{{{DS_NS}}}Signature" for f in mdef.node.fields if not f.attribute
    )
    if not signed:
        return
    key = load_pem_public_key(public_key_pem)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise MessageError("海关数据通道公钥不是椭圆曲线公钥 / channel key is not an EC key")
    try:
        check = verify(data, public_key=key)
    except ceb.CebError as exc:
        raise MessageError(f"签名无法验证 / signature not verifiable: {exc}") from exc
    if not check:
        raise MessageError(
            "海关数据通道报文签名验证失败，本文件未导入 / channel signature invalid: "
            f"{check.reason}"
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
        if _TEXT_SCAN:
            scanned = _scanned_records(data)
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
    message_type = tag[len(_NS) : -len("Message")] if tag.startswith(_NS) else ""
    if message_type in reference.INVENTORY_TYPES or message_type in reference.RECEIPT_FOR:
        return _fast_records(root, message_type)
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


# -- fast path: one tree walk, checked against the ceb field definitions ----------------------

_NS = "{" + ceb.CEB_NS + "}"


@cache
def _plan(message_type: str) -> tuple[Any, dict[str, Any]]:
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


def _fast_records(root: Any, message_type: str) -> list[Record]:
    record_field, nodes = _plan(message_type)
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


# -- fast path from the text (``customs.textscan``) -------------------------------------------

_TEXT_SCAN = True  # tests compare both readers by switching this off
_SCANNED_TYPES = frozenset(reference.INVENTORY_TYPES) | frozenset(reference.RECEIPT_FOR)


def _scanned_records(data: bytes) -> list[Record] | None:
    """The records of a plain file read from its text, or ``None``: then the tree reader reads
    it. The scanner's patterns match only texts that pass the field checks (``textscan._value``),
    so the fields are taken as they are; any other text, and any error, returns ``None``, so
    every refusal and its message comes from the tree reader."""
    scanned = textscan.scan(data, _SCANNED_TYPES, _plan)
    if scanned is None:
        return None
    message_type = scanned.message_type
    record_field, nodes = _plan(message_type)
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


# -- building (demo data, tests, benchmark) --------------------------------------------------


@dataclass(frozen=True)
class LineSpec:
    gcode: str
    gname: str
    unit: str
    qty: Decimal
    price: Decimal
    currency: str = "502"
    country: str = "502"
    total_price: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return self.total_price if self.total_price is not None else self.qty * self.price


@dataclass(frozen=True)
class InventorySpec:
    cop_no: str
    ebc_code: str
    ebc_name: str
    trade_mode: str
    declared_on: dt.date
    lines: Sequence[LineSpec]
    country: str = "502"
    order_no: str = ""
    logistics_no: str = ""
    invt_no: str = ""
    freight: Decimal = Decimal(0)
    insured_fee: Decimal = Decimal(0)
    buyer_id_number: str = ""
    buyer_name: str = "张三"
    customs_code: str = "2305"


@dataclass(frozen=True)
class ReceiptSpec:
    cop_no: str
    return_status: str
    return_time: dt.datetime
    invt_no: str = ""
    pre_no: str = ""
    ebc_code: str = "3207960001"
    return_info: str = ""


def _guid() -> str:
    return str(uuid.uuid4()).upper()


def _transfer(message_cls: type[Any], code: str = "3207960001") -> Any:
    # The library may give each message its own BaseTransfer class: take it from the annotation.
    cls = typing.get_type_hints(message_cls)["base_transfer"]
    return cls(
        cop_code=code, cop_name="连云港点点通报文传输", dxp_mode="DXP", dxp_id="DXPENT0000000001"
    )


def _export_inventory(spec: InventorySpec) -> ExportInventory:
    gross = sum((line.qty for line in spec.lines), Decimal(0))
    head = ExportInventoryHead(
        guid=_guid(),
        app_type="1",
        app_time=spec.declared_on.strftime("%Y%m%d") + "090000",
        app_status="2",
        customs_code=spec.customs_code,
        ebp_code=spec.ebc_code,
        ebp_name="独立站",
        order_no=spec.order_no or f"O{spec.cop_no}",
        logistics_code="3207980001",
        logistics_name="连云港跨境物流有限公司",
        logistics_no=spec.logistics_no or f"L{spec.cop_no}"[:32],
        cop_no=spec.cop_no,
        invt_no=spec.invt_no or None,
        ie_flag="E",
        port_code=spec.customs_code,
        ie_date=spec.declared_on.strftime("%Y%m%d"),
        statistics_flag="A",
        agent_code=spec.ebc_code,
        agent_name=spec.ebc_name,
        ebc_code=spec.ebc_code,
        ebc_name=spec.ebc_name,
        owner_code=spec.ebc_code,
        owner_name=spec.ebc_name,
        trade_mode=spec.trade_mode,
        traf_mode="2",
        country=spec.country,
        pod=spec.country,
        freight=spec.freight,
        f_currency="142",
        f_flag="3",
        insured_fee=spec.insured_fee,
        i_currency="142",
        i_flag="3",
        wrap_type="2",
        pack_no=1,
        gross_weight=gross,
        net_weight=gross,
    )
    lines = tuple(
        ExportInventoryList(
            gnum=n,
            item_no=f"SKU{n:04d}",
            gcode=line.gcode,
            gname=line.gname,
            gmodel=line.gname,
            bar_code="无",
            country=line.country,
            currency=line.currency,
            qty=line.qty,
            qty1=line.qty,
            unit=line.unit,
            unit1=line.unit,
            price=line.price,
            total_price=line.total,
        )
        for n, line in enumerate(spec.lines, start=1)
    )
    return ExportInventory(inventory_head=head, inventory_list=lines)


def _import_inventory(spec: InventorySpec) -> ImportInventory:
    gross = sum((line.qty for line in spec.lines), Decimal(0))
    head = ImportInventoryHead(
        guid=_guid(),
        app_type="1",
        app_time=spec.declared_on.strftime("%Y%m%d") + "100000",
        app_status="2",
        order_no=spec.order_no or f"O{spec.cop_no}",
        ebp_code=spec.ebc_code,
        ebp_name="跨境进口平台",
        ebc_code=spec.ebc_code,
        ebc_name=spec.ebc_name,
        logistics_no=spec.logistics_no or f"L{spec.cop_no}",
        logistics_code="3207980001",
        logistics_name="连云港跨境物流有限公司",
        cop_no=spec.cop_no,
        assure_code=spec.ebc_code,
        invt_no=spec.invt_no or None,
        ie_flag="I",
        decl_time=spec.declared_on.strftime("%Y%m%d"),
        customs_code=spec.customs_code,
        port_code=spec.customs_code,
        buyer_id_type="1",
        buyer_id_number=spec.buyer_id_number or "320700199001010000",
        buyer_name=spec.buyer_name,
        buyer_telephone="13800000000",
        consignee_address="江苏省连云港市海州区",
        agent_code=spec.ebc_code,
        agent_name=spec.ebc_name,
        trade_mode=spec.trade_mode,
        traf_mode="2",
        country=spec.country,
        freight=spec.freight,
        insured_fee=spec.insured_fee,
        currency="142",
        pack_no=1,
        gross_weight=gross,
        net_weight=gross,
    )
    lines = tuple(
        ImportInventoryList(
            gnum=n,
            gcode=line.gcode,
            gname=line.gname,
            gmodel=line.gname,
            country=line.country,
            currency=line.currency,
            qty=line.qty,
            unit=line.unit,
            qty1=line.qty,
            unit1=line.unit,
            price=line.price,
            total_price=line.total,
        )
        for n, line in enumerate(spec.lines, start=1)
    )
    return ImportInventory(inventory_head=head, inventory_list=lines)


def build_inventories(direction: str, specs: Sequence[InventorySpec]) -> bytes:
    """One CEB603 (export) or CEB621 (import) message with up to 100 inventories."""
    if direction == "export":
        return ceb.build(
            CEB603Message(
                guid=_guid(),
                inventory=tuple(_export_inventory(s) for s in specs),
                base_transfer=_transfer(CEB603Message),
            )
        )
    return ceb.build(
        CEB621Message(
            guid=_guid(),
            inventory=tuple(_import_inventory(s) for s in specs),
            base_transfer=_transfer(CEB621Message),
        )
    )


def _time_text(value: dt.datetime) -> str:
    local = value.astimezone(SHANGHAI)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def build_receipts(direction: str, specs: Sequence[ReceiptSpec]) -> bytes:
    """One CEB604 (export) or CEB622 (import) receipt message."""
    if direction == "export":
        return ceb.build(
            CEB604Message(
                guid=_guid(),
                inventory_return=tuple(
                    ExportInventoryReturn(
                        guid=_guid(),
                        agent_code=s.ebc_code,
                        cop_no=s.cop_no,
                        pre_no=s.pre_no
                        or f"B{s.return_time:%Y%m%d}{zlib.crc32(s.cop_no.encode()) % 10**9:09d}",
                        invt_no=s.invt_no
                        or f"2305{s.return_time:%Y}E{zlib.crc32(s.cop_no.encode()) % 10**9:09d}",
                        ebc_code=s.ebc_code,
                        ebp_code=s.ebc_code,
                        order_no=f"O{s.cop_no}",
                        statistics_flag="A",
                        return_status=s.return_status,
                        return_time=_time_text(s.return_time),
                        return_info=s.return_info or reference.status_label(s.return_status),
                    )
                    for s in specs
                ),
            )
        )
    return ceb.build(
        CEB622Message(
            guid=_guid(),
            inventory_return=tuple(
                ImportInventoryReturn(
                    guid=_guid(),
                    ebc_code=s.ebc_code,
                    cop_no=s.cop_no,
                    pre_no=s.pre_no
                    or f"B{s.return_time:%Y%m%d}{zlib.crc32(s.cop_no.encode()) % 10**9:09d}",
                    invt_no=s.invt_no or None,
                    return_status=s.return_status,
                    return_time=_time_text(s.return_time),
                    return_info=s.return_info or reference.status_label(s.return_status),
                )
                for s in specs
            ),
        )
    )
