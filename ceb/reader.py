"""XML element → frozen dataclass conversion, shared by :func:`ceb.parse` and the stream reader.

The converter follows the compiled plan of a node: each child element is looked up by its
namespaced tag, checked for order and repetition, and converted (text, Decimal, int, nested node,
raw XML). Structural problems are collected as :class:`FieldError` entries; missing required
fields become ``None`` so that validation can report every problem at once.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from ceb.errors import FieldError
from ceb.registry import Plan, plan_for
from ceb.safety import raise_too_deep
from ceb.schema import Kind, Node

_DECIMAL = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


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
    if text is None or not _DECIMAL.fullmatch(text):
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:  # pragma: no cover - regex already checked
        return None


def to_int(text: str | None) -> int | None:
    if text is None or not _INTEGER.fullmatch(text):
        return None
    return int(text)


def raw_xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode", with_tail=False)


def convert(
    el: etree._Element,
    plan: Plan,
    path: str,
    errors: list[FieldError],
    depth: int,
    max_depth: int,
) -> Any:
    """Convert ``el`` (whose definition is ``plan.node``) into its dataclass."""
    values: dict[str, Any] = {}
    by_tag = plan.by_tag
    last = -1
    for ch in el:
        tag = ch.tag
        slot = by_tag.get(tag)  # type: ignore[arg-type]
        if slot is None:
            if not isinstance(tag, str):
                continue  # entity reference or similar left unexpanded
            if depth + subtree_depth(ch) > max_depth:
                raise_too_deep(max_depth)
            name = etree.QName(ch).localname
            errors.append(
                FieldError(
                    _join(path, name),
                    "unexpected",
                    f"未定义的元素 {{{etree.QName(ch).namespace}}}{name}",
                    "unexpected element",
                )
            )
            continue
        f = slot.field
        if slot.index < last:
            errors.append(
                FieldError(_join(path, f.xml), "order", "元素顺序错误", "element out of order")
            )
        last = slot.index
        kind = f.kind
        if kind is Kind.TEXT:
            value: Any = ch.text or ""
            if f.collapse and value:
                value = " ".join(value.split())
        elif kind is Kind.DECIMAL:
            value = to_decimal(ch.text)
            if value is None:
                errors.append(_type_error(path, f.xml, ch.text, "数值", "a decimal number"))
        elif kind is Kind.INTEGER:
            value = to_int(ch.text)
            if value is None:
                errors.append(_type_error(path, f.xml, ch.text, "整数", "an integer"))
        elif kind is Kind.NODE:
            assert slot.plan is not None
            name = f"{f.xml}[{len(values.get(f.attr, ()))}]" if f.repeats else f.xml
            sub = _join(path, name)
            value = convert(ch, slot.plan, sub, errors, depth + 1, max_depth)
        else:  # RAW
            if depth + subtree_depth(ch) > max_depth:
                raise_too_deep(max_depth)
            value = raw_xml(ch)
        if kind is not Kind.NODE and kind is not Kind.RAW and len(ch):
            if depth + subtree_depth(ch) > max_depth:
                raise_too_deep(max_depth)
            errors.append(
                FieldError(
                    _join(path, f.xml), "type", "不应包含子元素", "must not contain elements"
                )
            )
        if f.repeats:
            values.setdefault(f.attr, []).append(value)
        elif f.attr in values:
            errors.append(
                FieldError(
                    _join(path, f.xml),
                    "occurs",
                    "重复出现(最多 1 次)",
                    "occurs more than once (at most 1 allowed)",
                )
            )
        else:
            values[f.attr] = value
    return _finish(el, plan.node, values)


def _type_error(path: str, xml: str, text: str | None, zh: str, en: str) -> FieldError:
    shown = (text or "")[:40]
    return FieldError(_join(path, xml), "type", f"应为{zh}: '{shown}'", f"must be {en}: '{shown}'")


def _finish(el: etree._Element, node: Node, values: dict[str, Any]) -> Any:
    for f in node.fields:
        if f.attribute:
            v = el.get(f.xml)
            if v is not None or f.required:
                values[f.attr] = v
        elif f.repeats:
            got = values.get(f.attr)
            values[f.attr] = tuple(got) if got else ()
        elif f.attr not in values and f.required and f.kind is not Kind.RAW:
            values[f.attr] = None  # reported by validation
    return node.cls(**values)


def convert_root(el: etree._Element, node: Node, errors: list[FieldError], max_depth: int) -> Any:
    return convert(el, plan_for(node), "", errors, 1, max_depth)
