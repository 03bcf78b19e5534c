"""Generated readers for the leaf fields of a CEB node: the ingestion hot path.

``leaf_reader(node)`` compiles, once per node definition, a function that takes an lxml element
and returns ``{xml name: stripped text}`` for every leaf field of the definition ("" when
absent), or ``None`` whenever it is not *certain* the element passes the field checks of
``customs.adapters._values`` (presence, length, number format): unknown, foreign or repeated
children, comments, a number written in any form other than plain digits. ``None`` sends the
element to the detailed reader, which accepts it or raises the error with its field path, so the
generated code only ever accepts what the detailed reader accepts (a test checks the two agree
on mutated messages). Straight-line code per field is several times faster than a loop over
the definition; it is derived from the same definition tables, so there is one source of truth.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ceb.schema import Kind

LeafReader = Callable[[Any], "dict[str, str] | None"]

_CACHE: dict[int, LeafReader] = {}
# Plain numbers only; anything else (exponents, "+", "1.", unicode digits) goes to the detailed
# check, which decides with ``Decimal`` / ``int`` as before.
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?").fullmatch
_INTEGER = re.compile(r"-?[0-9]+").fullmatch


def leaf_fields(node: Any) -> list[Any]:
    """The leaf element fields of a node definition (no nested nodes, no attributes)."""
    return [
        f
        for f in node.fields
        if f.node is None and not f.attribute and f.kind in (Kind.TEXT, Kind.DECIMAL, Kind.INTEGER)
    ]


def leaf_reader(node: Any) -> LeafReader:
    """The compiled reader of ``node``'s leaf fields (cached by identity)."""
    fn = _CACHE.get(id(node))
    if fn is None:
        fn = _CACHE[id(node)] = _compile(node)
    return fn


def _compile(node: Any) -> LeafReader:
    fields = leaf_fields(node)
    env: dict[str, Any] = {
        "_DECIMAL": _DECIMAL,
        "_INTEGER": _INTEGER,
        "TAGS": frozenset(f"{{{f.namespace}}}{f.xml}" for f in fields),
    }
    src = [
        "def read(element):",
        "    v = {c.tag: c.text for c in element}",
        "    if len(v) != len(element) or not v.keys() <= TAGS:",
        "        return None",
        "    g = v.get",
    ]
    for i, f in enumerate(fields):
        env[f"T{i}"] = f"{{{f.namespace}}}{f.xml}"
        x = f"x{i}"
        src.append(f"    {x} = g(T{i})")
        src.append(f"    {x} = {x}.strip() if {x} else ''")
        if f.min_occurs > 0:
            src.append(f"    if not {x}:")
            src.append("        return None")
        if f.kind is Kind.TEXT and f.max_length:
            src.append(f"    if len({x}) > {int(f.max_length)}:")
            src.append("        return None")
        elif f.kind is Kind.DECIMAL:
            src.append(f"    if {x} and _DECIMAL({x}) is None:")
            src.append("        return None")
        elif f.kind is Kind.INTEGER:
            src.append(f"    if {x} and _INTEGER({x}) is None:")
            src.append("        return None")
    items = ", ".join(f"{f.xml!r}: x{i}" for i, f in enumerate(fields))
    src.append(f"    return {{{items}}}")
    code = compile("\n".join(src), f"<customs leaf reader {node.xml}>", "exec")
    exec(code, env)  # noqa: S102 - generated from the message definition tables
    fn: LeafReader = env["read"]
    return fn
