"""Frozen dataclass → XML (element order, namespaces and number formats from the definitions)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from ceb.errors import CebValidationError
from ceb.registry import BY_ROOT_CLASS
from ceb.safety import safe_parser
from ceb.schema import CEB_NS, Kind, Node
from ceb.validation import validate


def format_decimal(value: Decimal, places: int | None = 5) -> str:
    """Plain notation, never an exponent; redundant trailing zeros beyond ``places`` dropped."""
    exponent = value.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        quantized = value.quantize(Decimal(1).scaleb(-places))
        if quantized == value:
            value = quantized
    text = format(value, "f")
    return "0" if text in ("-0", "-0.0") else text


def to_element(obj: Any, node: Node, parent: etree._Element | None = None) -> etree._Element:
    if parent is None:
        el = etree.Element(node.tag, nsmap={"ceb": CEB_NS})
    else:
        el = etree.SubElement(parent, node.tag)
    for f in node.fields:
        value = getattr(obj, f.attr, None)
        if value is None:
            continue
        if f.attribute:
            el.set(f.xml, value)
            continue
        values = value if f.repeats else (value,)
        for v in values:
            if f.kind is Kind.NODE:
                assert f.node is not None
                to_element(v, f.node, el)
            elif f.kind is Kind.RAW:
                el.append(etree.fromstring(v.encode("utf-8"), safe_parser()))
            else:
                sub = etree.SubElement(el, f.tag)
                if f.kind is Kind.DECIMAL:
                    sub.text = format_decimal(v, f.fraction_digits)
                elif f.kind is Kind.INTEGER:
                    sub.text = str(v)
                else:
                    sub.text = v
    return el


def build(message: Any, *, validate_first: bool = True, pretty: bool = False) -> bytes:
    """Serialise a message dataclass (``CEB603Message`` …) to UTF-8 XML bytes.

    The message is validated first (raising :class:`CebValidationError`), except that the
    ``ds:Signature`` may be missing: sign the built bytes with :func:`ceb.signature.sign`.
    """
    try:
        mdef = BY_ROOT_CLASS[type(message)]
    except KeyError:
        raise TypeError(f"{type(message).__name__} is not a CEB message (CEBnnnMessage)") from None
    if validate_first:
        errors = validate(message, require_signature=False)
        if errors:
            raise CebValidationError(errors)
    root = to_element(message, mdef.node)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=pretty)
