"""Reading plain inventory and receipt messages from their text: the ingestion fast path.

Most CEB files have one plain shape: UTF-8, an optional XML declaration, the root element
(its attributes bind a prefix to the CEB namespace) and below it only elements without
attributes, all with that prefix, whose leaves hold plain text. For such a file the text between
a leaf's tags *is* the text lxml gives (no entity or character references, CDATA, comments or
carriage returns, which XML would rewrite), so one regular expression per element, with the
leaf fields in the definition's (the XSD's) order, reads the fields without building a tree or
its element proxies, several times cheaper.

``scan(data)`` first has libxml2 check that the whole document is well-formed, with the same
safe options as the tree parser but building nothing (a parser target without callbacks). Then
the patterns must consume the document from its first byte to its last: the declaration, the
root's start tag, the record elements, any other flat element the tree reader ignores, the end
tag. Anything else (another encoding, a DOCTYPE, a comment, an attribute or a namespace
declaration below the root, a self-closing or out-of-order field, a nested unknown element...)
returns ``None`` and the file goes through the tree reader, which accepts it or says what is
wrong. A leaf's pattern matches only a text that passes the field's checks (number format,
length, no whitespace at either end, present when required: ``_value``, generated from the same
definitions as the tree reader's checks), so a file with any doubtful value goes to the tree
reader too. So this path only accepts what the tree reader accepts, and a test compares the two
readers on every single change of every field and on mutated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from lxml import etree

from ceb.leafread import leaf_fields
from ceb.safety import SAFE_PARSER_OPTIONS
from ceb.schema import Kind

CEB_NS = "http://www.chinaport.gov.cn/ceb"
_WS = "[ \t\r\n]*"
_NAME = r"[^\s=<>/:'\"]+"
# The XML declaration (UTF-8 only), then the root's start tag: prefix, message type, attributes.
_ROOT = re.compile(
    "\ufeff?"
    r"(?:<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*([\"'])1\.[0-9]+\1"
    r"(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*([\"'])(?i:utf-8)\2)?"
    r"(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*([\"'])(?:yes|no)\3)?[ \t\r\n]*\?>)?"
    f"{_WS}<(?:({_NAME}):)?(CEB[0-9]{{3}})Message"
    r"((?:[ \t\r\n]+[^\s=<>/]+[ \t\r\n]*=[ \t\r\n]*(?:\"[^\"<]*\"|'[^'<]*'))*)[ \t\r\n]*>"
)
_ATTRIBUTE = re.compile(r"([^\s=<>/]+)[ \t\r\n]*=[ \t\r\n]*(?:\"([^\"<]*)\"|'([^'<]*)')")
_PLAIN_CHAR = "[^<&\r]"  # in a leaf's text as lxml reads it: no markup, references or CR
_PLAIN = f"{_PLAIN_CHAR}*"


class _WellFormed:
    """A parser target without event methods: libxml2 checks the document, nothing is built."""

    def close(self) -> bool:
        return True


def well_formed(data: bytes) -> bool:
    parser = etree.XMLParser(target=_WellFormed(), **SAFE_PARSER_OPTIONS)
    try:
        return bool(etree.fromstring(data, parser))
    except etree.XMLSyntaxError:
        return False


def _value(f: Any) -> str:
    """The texts of leaf field ``f`` that pass its field checks (those of the tree reader's
    generated ``leafread`` checks): a number in plain ASCII digits, at most one point for a
    decimal; a text within its maximum length, without whitespace at either end; not empty when
    required. Any other text does not match, and the file goes to the tree reader."""
    if f.kind is Kind.DECIMAL:
        core = r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+"
    elif f.kind is Kind.INTEGER:
        core = "[0-9]+"
    else:
        count = f"{{1,{int(f.max_length)}}}" if f.max_length else "+"
        core = rf"(?!\s){_PLAIN_CHAR}{count}(?<!\s)"
    return f"((?:{core}){'' if f.min_occurs > 0 else '?'})"


def _leaves(node: Any, p: str) -> str:
    """The leaf fields of ``node`` in definition order, each optional unless required, each
    text a group that only matches a text passing the field's checks (``_value``)."""
    parts = []
    for f in leaf_fields(node):
        leaf = f"{_WS}<{p}{f.xml}>{_value(f)}</{p}{f.xml}>"
        parts.append(leaf if f.min_occurs > 0 else f"(?:{leaf})?")
    return "".join(parts)


class Patterns:
    """The compiled patterns of one message type and prefix."""

    def __init__(self, record: str, nodes: dict[str, Any], prefix: str, root: str) -> None:
        p = f"{prefix}:" if prefix else ""
        self.record = record
        # A flat element the tree reader skips: not a record, children are plain leaves.
        self.other = re.compile(
            f"{_WS}<{p}(?!{record}>)({_NAME})>(?:{_WS}<{p}{_NAME}>{_PLAIN}</{p}{_NAME}>)*"
            f"{_WS}</{p}\\1>"
        )
        self.end = re.compile(f"{_WS}</{p}{root}{_WS}>{_WS}\\Z")
        if record == "Inventory":  # the head, then the lines one by one, then the end tag
            head, line = nodes["InventoryHead"], nodes["InventoryList"]
            self.head = re.compile(
                f"{_WS}<{p}Inventory>{_WS}<{p}InventoryHead>{_leaves(head, p)}"
                f"{_WS}</{p}InventoryHead>"
            )
            self.line = re.compile(
                f"{_WS}<{p}InventoryList>{_leaves(line, p)}{_WS}</{p}InventoryList>"
            )
            self.inventory_end = re.compile(f"{_WS}</{p}Inventory>")
        else:
            node = nodes[record]
            self.flat = re.compile(f"{_WS}<{p}{record}>{_leaves(node, p)}{_WS}</{p}{record}>")


Plan = Callable[[str], "tuple[Any, dict[str, Any]]"]  # type → (record field, nodes by name)
_PATTERNS: dict[tuple[str, str], Patterns] = {}


def patterns(message_type: str, prefix: str, plan: Plan) -> Patterns:
    found = _PATTERNS.get((message_type, prefix))
    if found is None:
        record, nodes = plan(message_type)
        found = _PATTERNS[(message_type, prefix)] = Patterns(
            record.xml, nodes, prefix, f"{message_type}Message"
        )
    return found


class Scanned(NamedTuple):
    """The leaf texts of a plain file's records: every leaf field in definition order ("" when
    absent); ``inventories`` as ``(head texts, [line texts, …])``, or ``receipts``."""

    message_type: str
    inventories: list[tuple[tuple[str, ...], list[tuple[str, ...]]]]
    receipts: list[tuple[str, ...]]


def scan(data: bytes, supported: frozenset[str], plan: Plan) -> Scanned | None:
    """The records of a plain file whose message type is in ``supported``, else ``None``.
    ``plan`` gives a type's record field and node definitions (the tree reader's)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    root = _ROOT.match(text)
    if root is None or root[5] not in supported:
        return None
    prefix = root[4] or ""
    declared = {m[1]: m[2] if m[2] is not None else m[3] for m in _ATTRIBUTE.finditer(root[6])}
    if declared.get(f"xmlns:{prefix}" if prefix else "xmlns") != CEB_NS:
        return None
    if not well_formed(data):
        return None
    found = patterns(root[5], prefix, plan)
    inventory = found.record == "Inventory"
    read_record = _inventory_at if inventory else _receipt_at
    records: list[Any] = []
    pos = root.end()
    while True:  # records and skipped flat elements, until neither is next
        after = read_record(found, text, pos, records)
        if after < 0:
            return None
        if after == pos:
            m = found.other.match(text, pos)
            if m is None:
                break
            after = m.end()
        pos = after
    if found.end.match(text, pos) is None:
        return None
    return Scanned(root[5], records if inventory else [], [] if inventory else records)


def _inventory_at(found: Patterns, text: str, pos: int, out: list[Any]) -> int:
    """Read the inventory at ``pos`` into ``out``: the position after it, ``pos`` when none
    starts there, -1 when one starts but is not plain."""
    m = found.head.match(text, pos)
    if m is None:
        return pos
    head = m.groups("")
    pos = m.end()
    lines = []
    while (m := found.line.match(text, pos)) is not None:
        lines.append(m.groups(""))
        pos = m.end()
    m = found.inventory_end.match(text, pos)
    if m is None or not lines:
        return -1
    out.append((head, lines))
    return m.end()


def _receipt_at(found: Patterns, text: str, pos: int, out: list[Any]) -> int:
    """Read the receipt at ``pos`` into ``out``: the position after it, or ``pos``."""
    m = found.flat.match(text, pos)
    if m is None:
        return pos
    out.append(m.groups(""))
    return m.end()
