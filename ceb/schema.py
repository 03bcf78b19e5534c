"""Declarative message definitions: the vocabulary the generated tables are written in.

A message type is a :class:`Node` (the root element) whose :class:`Field` entries are either
simple values (text ``C``, decimal ``N``, integer ``I``), nested nodes, or raw XML (the
``ds:Signature`` block and the free ``ExtendMessage/Message`` content). Each field knows its XML
name, its dataclass attribute name (the XML name in snake_case), its facets (length, digits,
fixed value, whitespace collapse), whether it is required and how often it may repeat. The
order of ``Node.fields`` is the XSD sequence order.

The builder, parser, validator and hypothesis strategies are all driven by these tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

CEB_NS = "http://www.chinaport.gov.cn/ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
DXP_NS = "http://www.chinaport.gov.cn/dxp"

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(xml_name: str) -> str:
    """XML element name → dataclass attribute: ``invtNo`` → ``invt_no``, ``POD`` → ``pod``."""
    return _CAMEL.sub("_", xml_name).lower()


class Kind(StrEnum):
    TEXT = "C"  # xs:string with length facets
    DECIMAL = "N"  # xs:decimal with totalDigits / fractionDigits
    INTEGER = "I"  # xs:int (optionally with totalDigits)
    NODE = "node"  # nested element with its own fields
    RAW = "raw"  # raw XML kept as a string (ds:Signature, ExtendMessage/Message)


@dataclass(frozen=True, slots=True)
class Field:
    """One child element (or root attribute) of a node, in XSD order."""

    xml: str
    label: str = ""  # Chinese label from the XSD annotation
    kind: Kind = Kind.TEXT
    min_length: int | None = None
    max_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    fixed: str | None = None
    collapse: bool = False
    min_occurs: int = 1
    max_occurs: int | None = 1  # None = unbounded
    node: Node | None = None
    namespace: str = CEB_NS
    attribute: bool = False  # an XML attribute of the node (root guid / version)
    attr: str = ""  # dataclass attribute; derived from ``xml`` (snake_case)
    repeats: bool = False  # derived: max_occurs > 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "attr", snake(self.xml))
        object.__setattr__(self, "repeats", self.max_occurs is None or self.max_occurs > 1)

    @property
    def required(self) -> bool:
        return self.min_occurs > 0

    @property
    def tag(self) -> str:
        return f"{{{self.namespace}}}{self.xml}"


@dataclass(frozen=True, slots=True)
class Node:
    """An element with child elements, mapped to one frozen dataclass."""

    xml: str
    cls: type[Any]
    fields: tuple[Field, ...]
    label: str = ""
    namespace: str = CEB_NS

    @property
    def tag(self) -> str:
        return f"{{{self.namespace}}}{self.xml}"


@dataclass(frozen=True, slots=True)
class MessageDef:
    """A root message type: ``CEB603Message`` → node, direction, record field."""

    message_type: str  # "CEB603"
    direction: str  # "export" | "import"
    node: Node  # root element (attributes guid/version + children)
    label: str = ""

    @property
    def root_name(self) -> str:
        return f"{self.message_type}Message"

    @property
    def record(self) -> Field:
        """The repeated business (or return) node: Inventory, InventoryReturn …"""
        return next(f for f in self.node.fields if not f.attribute)


# Constructors used by the generated tables — short so the tables read like the spec.


def text(
    xml: str,
    label: str = "",
    *,
    length: int | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    fixed: str | None = None,
    collapse: bool = False,
    optional: bool = False,
    attribute: bool = False,
) -> Field:
    if length is not None:
        min_length = max_length = length
    return Field(
        xml,
        label,
        Kind.TEXT,
        min_length=min_length,
        max_length=max_length,
        fixed=fixed,
        collapse=collapse,
        min_occurs=0 if optional else 1,
        attribute=attribute,
    )


def decimal(
    xml: str,
    label: str = "",
    total: int = 19,
    places: int = 5,
    *,
    fixed: str | None = None,
    optional: bool = False,
) -> Field:
    return Field(
        xml,
        label,
        Kind.DECIMAL,
        total_digits=total,
        fraction_digits=places,
        fixed=fixed,
        min_occurs=0 if optional else 1,
    )


def integer(
    xml: str, label: str = "", digits: int | None = None, *, optional: bool = False
) -> Field:
    return Field(xml, label, Kind.INTEGER, total_digits=digits, min_occurs=0 if optional else 1)


def child(node: Node, *, min_occurs: int = 1, max_occurs: int | None = 1, label: str = "") -> Field:
    return Field(
        node.xml,
        label or node.label,
        Kind.NODE,
        min_occurs=min_occurs,
        max_occurs=max_occurs,
        node=node,
        namespace=node.namespace,
    )


def raw(xml: str, label: str = "", *, namespace: str = CEB_NS, optional: bool = True) -> Field:
    return Field(xml, label, Kind.RAW, min_occurs=0 if optional else 1, namespace=namespace)


def node(xml: str, cls: type[Any], fields: list[Field], label: str = "") -> Node:
    return Node(xml, cls, tuple(fields), label)
