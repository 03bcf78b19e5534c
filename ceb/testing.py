"""Example messages and hypothesis strategies generated from the definition tables.

For tests (here and in the ``customs`` app): :func:`example` gives a deterministic, valid
instance of any message type; :func:`strategy` gives a hypothesis strategy of valid instances
(hypothesis is a development dependency and is imported only when called).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ceb.reader import make
from ceb.registry import message_def
from ceb.schema import Field, Kind, Node

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

# No whitespace (collapse-safe); includes characters that need escaping and CJK.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-_./<>&'\"连云港跨境电商测试"


def _example_text(f: Field, seed: int) -> str:
    if f.fixed is not None:
        return f.fixed
    if f.xml == "dxpMode":
        return "DXP"
    lo = f.min_length or 0
    hi = f.max_length if f.max_length is not None else 20
    n = max(lo, min(hi, 8))
    base = f"{f.xml}{seed}".upper().replace("_", "")
    return (base * (n // max(len(base), 1) + 1))[:n] if n else ""


def _example_value(f: Field, seed: int) -> Any:
    if f.kind is Kind.TEXT:
        return _example_text(f, seed)
    if f.kind is Kind.DECIMAL:
        return Decimal(f.fixed) if f.fixed is not None else Decimal(f"{seed + 1}.50000")
    if f.kind is Kind.INTEGER:
        return seed + 1
    if f.kind is Kind.NODE:
        assert f.node is not None
        return example_node(f.node, seed)
    return None  # raw XML (signature, extend message) is left out


def example_node(node: Node, seed: int = 0) -> Any:
    values: dict[str, Any] = {}
    for f in node.fields:
        if f.kind is Kind.RAW or (not f.required and f.kind is Kind.NODE):
            continue
        if f.xml == "guid":
            values[f.attr] = f"{seed:08d}-0000-4000-8000-{seed:012d}"
            continue
        if f.xml == "version" and f.attribute:
            values[f.attr] = "1.0"
            continue
        if f.repeats:
            count = max(f.min_occurs, min(2, f.max_occurs or 2))
            values[f.attr] = tuple(_example_value(f, seed + i) for i in range(count))
        else:
            values[f.attr] = _example_value(f, seed)
    return node.cls(**values)


def example(message_type: str, seed: int = 0) -> Any:
    """A valid message of ``message_type`` (unsigned; sign it where the XSD requires it)."""
    return example_node(message_def(message_type).node, seed)


def strategy(message_type: str) -> SearchStrategy[Any]:
    """Hypothesis strategy of valid messages (no signature/extension raw XML)."""
    return node_strategy(message_def(message_type).node)


def node_strategy(node: Node) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    parts: dict[str, SearchStrategy[Any]] = {}
    for f in node.fields:
        if f.kind is Kind.RAW:
            continue
        if f.kind is Kind.NODE and not f.required and not f.repeats:
            continue  # optional ExtendMessage etc.
        one = _field_strategy(f)
        if f.repeats:
            hi = min(f.max_occurs or 3, max(f.min_occurs, 3))
            parts[f.attr] = st.lists(one, min_size=f.min_occurs, max_size=hi).map(tuple)
        elif f.required:
            parts[f.attr] = one
        else:
            parts[f.attr] = st.none() | one
    return st.fixed_dictionaries(parts).map(lambda kw: make(node.cls, kw))


def _field_strategy(f: Field) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    if f.kind is Kind.NODE:
        assert f.node is not None
        return node_strategy(f.node)
    if f.kind is Kind.TEXT:
        if f.fixed is not None:
            return st.just(f.fixed)
        if f.xml == "dxpMode":
            return st.just("DXP")
        lo = f.min_length or 0
        hi = f.max_length if f.max_length is not None else 40
        return st.text(ALPHABET, min_size=lo, max_size=min(hi, max(lo, 12)))
    if f.kind is Kind.DECIMAL:
        if f.fixed is not None:
            return st.just(Decimal(f.fixed))
        places = f.fraction_digits if f.fraction_digits is not None else 5
        whole = (f.total_digits or 19) - places
        bound = Decimal(10) ** whole - 1
        return st.decimals(
            min_value=-bound, max_value=bound, places=places, allow_nan=False, allow_infinity=False
        ) | st.integers(0, 10**6).map(Decimal)
    if f.kind is Kind.INTEGER:
        hi = 10**f.total_digits - 1 if f.total_digits else 2**31 - 1
        return st.integers(0, min(hi, 2**31 - 1))
    raise AssertionError(f.kind)
