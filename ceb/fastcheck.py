"""Compiled validators: one generated Python function per node, for streaming throughput.

Each field gets a cheap predicate (type, length, digits) evaluated inline; only when it fails
does the detailed checker of :mod:`ceb.validation` run to produce the bilingual error. The
generated code is derived from the same definition tables, so there is one source of truth.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ceb.errors import FieldError
from ceb.schema import Field, Kind, Node

Checker = Callable[[Any, Any, list[FieldError], bool], None]
_CACHE: dict[int, Checker] = {}
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def checker_for(node: Node) -> Checker:
    fn = _CACHE.get(id(node))
    if fn is None:
        fn = _compile(node)
        _CACHE[id(node)] = fn
    return fn


def _predicate(f: Field, i: int) -> str:
    """A Python expression over ``v`` that is True when the value certainly passes."""
    if f.kind is Kind.TEXT:
        if f.collapse and f.min_length:
            return "False"  # collapsing may shorten below the minimum: detailed check
        parts = ["type(v) is str"]
        lo, hi = f.min_length, f.max_length
        if lo is not None and hi is not None:
            parts.append(f"{lo} <= len(v) <= {hi}")
        elif hi is not None:
            parts.append(f"len(v) <= {hi}")
        elif lo is not None:
            parts.append(f"len(v) >= {lo}")
        if f.fixed is not None:
            parts.append(f"v == {f.fixed!r}")
        parts.append("(v.isprintable() or not _ILLEGAL(v))")
        return " and ".join(parts)
    if f.kind is Kind.DECIMAL:
        if f.fixed is not None:
            return "False"
        places = f.fraction_digits if f.fraction_digits is not None else 28
        total = f.total_digits if f.total_digits is not None else 28
        return f"type(v) is _Decimal and v.is_finite() and _fits(v.as_tuple(), {places}, {total})"
    if f.kind is Kind.INTEGER:
        hi = INT32_MAX if f.total_digits is None else min(INT32_MAX, 10**f.total_digits - 1)
        lo = -hi if f.total_digits is not None else INT32_MIN
        return f"type(v) is int and {lo} <= v <= {hi}"
    if f.kind is Kind.RAW:
        return "type(v) is str"
    raise AssertionError(f.kind)


def _fits(t: Any, places: int, total: int) -> bool:
    exp = t.exponent
    return -places <= exp <= 0 and len(t.digits) <= total


def _compile(node: Node) -> Checker:
    from ceb import validation as slow

    env: dict[str, Any] = {
        "_Decimal": Decimal,
        "_ILLEGAL": slow.ILLEGAL.search,
        "_fits": _fits,
        "_slow": slow.check_value,
        "_missing": slow.check_missing,
        "_occurs": slow.check_occurs,
        "F": node.fields,
    }
    lines = ["def check(obj, path, errors, req_sig):"]
    for i, f in enumerate(node.fields):
        lines.append(f"    v = obj.{f.attr}")
        if f.repeats:
            lo = f.min_occurs
            hi = f.max_occurs if f.max_occurs is not None else 10**12
            lines.append(f"    if type(v) is not tuple or not ({lo} <= len(v) <= {hi}):")
            lines.append(f"        _occurs(v, F[{i}], path, errors)")
            lines.append("    if isinstance(v, (tuple, list)):")
            lines.append("        for n, v in enumerate(v):")
            lines.extend("        " + ln for ln in _item(f, i, f"(path, F[{i}].xml, n)", env))
        else:
            lines.append("    if v is None:")
            if f.required:
                lines.append(f"        _missing(F[{i}], path, errors, req_sig)")
            else:
                lines.append("        pass")
            lines.append("    else:")
            where = (
                f"(path, F[{i}].xml, None)"
                if not f.attribute
                else f"(path, '@' + F[{i}].xml, None)"
            )
            lines.extend("    " + ln for ln in _item(f, i, where, env))
    lines.append("    return None")
    src = "\n".join(lines)
    exec(compile(src, f"<ceb check {node.xml}>", "exec"), env)  # noqa: S102 - generated from tables
    fn: Checker = env["check"]
    return fn


def _item(f: Field, i: int, where: str, env: dict[str, Any]) -> list[str]:
    if f.kind is Kind.NODE:
        assert f.node is not None
        env[f"C{i}"] = f.node.cls
        env[f"K{i}"] = checker_for(f.node)
        return [
            f"    if type(v) is C{i}:",
            f"        K{i}(v, {where}, errors, req_sig)",
            "    else:",
            f"        _slow(v, F[{i}], {where}, errors, req_sig)",
        ]
    return [
        f"    if not ({_predicate(f, i)}):",
        f"        _slow(v, F[{i}], {where}, errors, req_sig)",
    ]
