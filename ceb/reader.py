"""XML element → frozen dataclass conversion, shared by :func:`ceb.parse` and the stream reader.

The converter follows the compiled plan of a node: each child element is looked up by its
namespaced tag, checked for order and repetition, and converted (text, Decimal, int, nested node,
raw XML). Structural problems are collected as :class:`FieldError` entries; missing required
fields become ``None`` so that validation can report every problem at once.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import MISSING
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from lxml import etree

from ceb.errors import FieldError, PathT, join_path
from ceb.registry import Plan, plan_for
from ceb.safety import raise_too_deep
from ceb.schema import Node

_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


_join = join_path


def subtree_depth(el: etree._Element) -> int:
    """Depth of an element subtree (1 for a leaf), iteratively."""
    best = 0
    stack = [(el, 1)]
    while stack:
        cur, d = stack.pop()
        best = max(best, d)
        stack.extend((ch, d + 1) for ch in cur if isinstance(ch.tag, str))
    return best


def to_decimal(text: str | None) -> Decimal | None:
    """XSD decimal lexical form → Decimal (no exponent, NaN, infinity or underscores)."""
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or "e" in text or "E" in text or "_" in text:
        return None
    return value


def to_int(text: str | None) -> int | None:
    if text is None or not _INTEGER.fullmatch(text):
        return None
    return int(text)


def raw_xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode", with_tail=False)


def make(cls: type[Any], values: dict[str, Any]) -> Any:
    """Instantiate a generated frozen dataclass from complete kwargs, fast.

    Equivalent to ``cls(**values)`` for the generated classes (all fields are keyword-only;
    absent optional fields fall back to their class-level defaults), but a frozen dataclass
    ``__init__`` pays one ``object.__setattr__`` per field, which dominated parsing time.
    """
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        defaults = _DEFAULTS[cls] = {
            f.name: f.default for f in dataclasses.fields(cls) if f.default is not MISSING
        }
    obj = object.__new__(cls)
    state = obj.__dict__
    state.update(defaults)  # so that vars(), copy and pickle see every field
    state.update(values)
    return obj


_DEFAULTS: dict[type[Any], dict[str, Any]] = {}


def convert(
    el: etree._Element,
    plan: Plan,
    path: PathT,
    errors: list[FieldError],
    depth: int,
    max_depth: int,
) -> Any:
    """Convert ``el`` (whose definition is ``plan.node``) into its dataclass."""
    if plan.leaf:
        result = _convert_leaf(el, plan)
        if result is not None:
            return result
    values: dict[str, Any] = {}
    fast = plan.fast
    last = -1
    for ch in el:
        slot = fast.get(ch.tag)
        if slot is None:
            _unexpected(ch, path, errors, depth, max_depth)
            continue
        index, attr, kind, repeats, collapse, sub, f = slot
        if index < last:
            errors.append(
                FieldError(_join(path, f.xml), "order", "元素顺序错误", "element out of order")
            )
        last = index
        if kind == 0:
            value: Any = ch.text or ""
            if collapse and value:
                value = " ".join(value.split())
        elif kind == 1:
            text = ch.text
            value = to_decimal(text)
            if value is None:
                errors.append(_type_error(path, f.xml, text, "数值", "a decimal number"))
        elif kind == 2:
            text = ch.text
            value = to_int(text)
            if value is None:
                errors.append(_type_error(path, f.xml, text, "整数", "an integer"))
        elif kind == 3:
            assert sub is not None
            if repeats:
                got = values.get(attr)
                sub_path: PathT = (path, f.xml, len(got) if got else 0)
            else:
                sub_path = (path, f.xml, None)
            value = convert(ch, sub, sub_path, errors, depth + 1, max_depth)
        else:  # raw XML
            if depth + subtree_depth(ch) > max_depth:
                raise_too_deep(max_depth)
            value = raw_xml(ch)
        if kind < 3 and len(ch):
            if depth + subtree_depth(ch) > max_depth:
                raise_too_deep(max_depth)
            errors.append(
                FieldError(
                    _join(path, f.xml), "type", "不应包含子元素", "must not contain elements"
                )
            )
        if repeats:
            got = values.get(attr)
            if got is None:
                values[attr] = [value]
            else:
                got.append(value)
        elif attr in values:
            errors.append(
                FieldError(
                    _join(path, f.xml),
                    "occurs",
                    "重复出现(最多 1 次)",
                    "occurs more than once (at most 1 allowed)",
                )
            )
        else:
            values[attr] = value
    for attr in plan.repeated:
        got = values.get(attr)
        values[attr] = tuple(got) if got else ()
    for attr in plan.required:
        if attr not in values:
            values[attr] = None  # reported by validation
    for a in plan.attributes:
        v = el.get(a.xml)
        if v is not None or a.required:
            values[a.attr] = v
    return make(plan.node.cls, values)


def _convert_leaf(el: etree._Element, plan: Plan) -> Any:
    """Fast path for flat nodes (heads, lists, returns): bulk reads, no per-field branching.

    Returns ``None`` on anything unusual (unknown/duplicate/out-of-order/nested elements,
    malformed numbers), so that :func:`convert` reports it in detail.
    """
    children = list(el)
    index_of = plan.index_of
    try:
        idx = [index_of[c.tag] for c in children]
    except KeyError:
        return None
    if any(map(len, children)) or any(a >= b for a, b in pairwise(idx)):
        return None
    attr_at = plan.attr_at
    values = {attr_at[i]: c.text or "" for i, c in zip(idx, children, strict=True)}
    present = set(idx) if len(idx) != len(attr_at) else None
    for i in plan.decimals:
        if present is None or i in present:
            attr = attr_at[i]
            d = to_decimal(values[attr])
            if d is None:
                return None
            values[attr] = d
    for i in plan.integers:
        if present is None or i in present:
            attr = attr_at[i]
            n = to_int(values[attr])
            if n is None:
                return None
            values[attr] = n
    for i in plan.collapses:
        attr = attr_at[i]
        if attr in values:
            values[attr] = " ".join(values[attr].split())
    if present is not None:
        for attr in plan.required:
            if attr not in values:
                values[attr] = None  # reported by validation
    return make(plan.node.cls, values)


def _unexpected(
    ch: etree._Element, path: PathT, errors: list[FieldError], depth: int, max_depth: int
) -> None:
    if not isinstance(ch.tag, str):
        return  # entity reference or similar left unexpanded
    if depth + subtree_depth(ch) > max_depth:
        raise_too_deep(max_depth)
    qn = etree.QName(ch)
    errors.append(
        FieldError(
            _join(path, qn.localname),
            "unexpected",
            f"未定义的元素 {{{qn.namespace}}}{qn.localname}",
            "unexpected element",
        )
    )


def _type_error(path: PathT, xml: str, text: str | None, zh: str, en: str) -> FieldError:
    shown = (text or "")[:40]
    return FieldError(_join(path, xml), "type", f"应为{zh}: '{shown}'", f"must be {en}: '{shown}'")


def convert_root(el: etree._Element, node: Node, errors: list[FieldError], max_depth: int) -> Any:
    return convert(el, plan_for(node), "", errors, 1, max_depth)
