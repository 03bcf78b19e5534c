"""Look-ups over the generated tables: by message type, root tag, dataclass, and parse plans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ceb.errors import CebUnknownMessage
from ceb.messages import MESSAGES
from ceb.schema import CEB_NS, Field, Kind, MessageDef, Node

BY_ROOT_TAG: dict[str, MessageDef] = {m.node.tag: m for m in MESSAGES.values()}
BY_ROOT_CLASS: dict[type[Any], MessageDef] = {m.node.cls: m for m in MESSAGES.values()}
_MESSAGE_TYPE = re.compile(r"^(?:CEB)?(\d{3})(?:Message)?$")


def _walk(node: Node, out: dict[type[Any], Node]) -> None:
    if node.cls in out:
        return
    out[node.cls] = node
    for f in node.fields:
        if f.node is not None:
            _walk(f.node, out)


NODE_BY_CLASS: dict[type[Any], Node] = {}
for _m in MESSAGES.values():
    _walk(_m.node, NODE_BY_CLASS)


def message_def(message_type: str) -> MessageDef:
    """``"CEB603"``, ``"603"`` or ``"CEB603Message"`` → its definition."""
    match = _MESSAGE_TYPE.match(message_type.strip())
    key = f"CEB{match.group(1)}" if match else message_type
    try:
        return MESSAGES[key]
    except KeyError:
        raise CebUnknownMessage(f"未知报文类型 / unknown message type: {message_type}") from None


def node_for(obj: Any) -> Node:
    try:
        return NODE_BY_CLASS[type(obj)]
    except KeyError:
        raise TypeError(f"{type(obj).__name__} is not a CEB message dataclass") from None


KIND_CODES = {Kind.TEXT: 0, Kind.DECIMAL: 1, Kind.INTEGER: 2, Kind.NODE: 3, Kind.RAW: 4}


@dataclass(frozen=True, slots=True)
class Slot:
    """How to read one child element: its position, field and (for nodes) sub-plan."""

    index: int
    field: Field
    plan: Plan | None

    @property
    def fast(self) -> tuple[int, str, int, bool, bool, Plan | None, Field]:
        return (
            self.index,
            self.field.attr,
            KIND_CODES[self.field.kind],
            self.field.repeats,
            self.field.collapse,
            self.plan,
            self.field,
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """A node compiled for fast parsing: tag → slot (and a tuple form for the hot loop)."""

    node: Node
    by_tag: dict[str, Slot]
    fast: dict[str, tuple[int, str, int, bool, bool, Plan | None, Field]]
    repeated: tuple[str, ...]  # attrs to turn into tuples
    required: tuple[str, ...]  # non-raw required attrs (None when missing)
    attributes: tuple[Field, ...]
    # Leaf fast path (nodes whose fields are all simple, single values): tag → field index,
    # index → attr, and the indexes of decimal / integer / collapse fields.
    leaf: bool
    index_of: dict[str, int]
    attr_at: tuple[str, ...]
    decimals: tuple[int, ...]
    integers: tuple[int, ...]
    collapses: tuple[int, ...]


_PLANS: dict[int, Plan] = {}


def plan_for(node: Node) -> Plan:
    plan = _PLANS.get(id(node))
    if plan is None:
        by_tag: dict[str, Slot] = {}
        for i, f in enumerate(node.fields):
            if f.attribute:
                continue
            by_tag[f.tag] = Slot(i, f, plan_for(f.node) if f.kind is Kind.NODE and f.node else None)
        plan = Plan(
            node,
            by_tag,
            {tag: slot.fast for tag, slot in by_tag.items()},
            tuple(f.attr for f in node.fields if f.repeats),
            tuple(
                f.attr
                for f in node.fields
                if f.required and not f.repeats and not f.attribute and f.kind is not Kind.RAW
            ),
            tuple(f for f in node.fields if f.attribute),
            all(
                f.kind in (Kind.TEXT, Kind.DECIMAL, Kind.INTEGER)
                and not f.repeats
                and not f.attribute
                for f in node.fields
            ),
            {f.tag: i for i, f in enumerate(node.fields) if not f.attribute},
            tuple(f.attr for f in node.fields),
            tuple(i for i, f in enumerate(node.fields) if f.kind is Kind.DECIMAL),
            tuple(i for i, f in enumerate(node.fields) if f.kind is Kind.INTEGER),
            tuple(i for i, f in enumerate(node.fields) if f.collapse),
        )
        _PLANS[id(node)] = plan
    return plan


def known_root(tag: str) -> MessageDef | None:
    return BY_ROOT_TAG.get(tag)


CEB_TAG_PREFIX = f"{{{CEB_NS}}}"
