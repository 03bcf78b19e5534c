"""Validate message dataclasses against their definitions; errors in Chinese and English.

:func:`validate` runs the compiled checker of :mod:`ceb.fastcheck`; the functions here produce
the detailed, bilingual :class:`FieldError` entries when a cheap check fails.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ceb.errors import FieldError, PathT, join_path, path_str
from ceb.registry import node_for
from ceb.schema import Field, Kind

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# Characters XML 1.0 cannot carry.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def validate(
    obj: Any, *, path: str | None = None, require_signature: bool = True
) -> list[FieldError]:
    """All problems of a message (or of any record/node dataclass), as :class:`FieldError`.

    Paths are relative to the message root (``Inventory[0].InventoryList[2].qty``); pass
    ``path`` to prefix them when validating a record on its own. The signature that the import
    XSD makes mandatory (CEB621/623/625/711) is checked unless ``require_signature=False``.
    """
    from ceb.fastcheck import checker_for

    node = node_for(obj)
    errors: list[FieldError] = []
    checker_for(node)(obj, path or "", errors, require_signature)
    return errors


def _where(path: PathT) -> str:
    return path_str(path)


def check_missing(f: Field, path: PathT, errors: list[FieldError], req_sig: bool) -> None:
    if f.required and (f.kind is not Kind.RAW or req_sig):
        name = f"@{f.xml}" if f.attribute else f.xml
        errors.append(FieldError(join_path(path, name), "required", "必填", "required"))


def check_occurs(value: Any, f: Field, path: PathT, errors: list[FieldError]) -> None:
    where = join_path(path, f.xml)
    if not isinstance(value, (tuple, list)):
        errors.append(FieldError(where, "type", "应为元组", "must be a tuple"))
        n = 0
    else:
        n = len(value)
    if n < f.min_occurs:
        if f.min_occurs == 1:
            errors.append(FieldError(where, "required", "必填", "required"))
        else:
            errors.append(
                FieldError(
                    where,
                    "occurs",
                    f"至少出现 {f.min_occurs} 次",
                    f"must occur at least {f.min_occurs} times",
                )
            )
    if f.max_occurs is not None and n > f.max_occurs:
        errors.append(
            FieldError(
                where,
                "occurs",
                f"最多出现 {f.max_occurs} 次(实际 {n} 次)",
                f"may occur at most {f.max_occurs} times (got {n})",
            )
        )


def check_value(value: Any, f: Field, path: PathT, errors: list[FieldError], req_sig: bool) -> None:
    """Detailed check of one value; ``path`` already names the field (and index)."""
    where = _where(path)
    kind = f.kind
    if kind is Kind.NODE:
        assert f.node is not None
        name = f.node.cls.__name__
        if not isinstance(value, f.node.cls):
            errors.append(FieldError(where, "type", f"应为 {name}", f"must be {name}"))
            return
        from ceb.fastcheck import checker_for

        checker_for(f.node)(value, where, errors, req_sig)
    elif kind is Kind.TEXT or kind is Kind.RAW:
        if not isinstance(value, str):
            errors.append(FieldError(where, "type", "应为字符串", "must be a string"))
            return
        if ILLEGAL.search(value):
            errors.append(
                FieldError(
                    where, "type", "含有XML不允许的字符", "contains characters XML cannot carry"
                )
            )
        if kind is Kind.TEXT:
            _text(value, f, where, errors)
    elif kind is Kind.DECIMAL:
        if not isinstance(value, Decimal) or not value.is_finite():
            errors.append(
                FieldError(where, "type", "应为有限的 Decimal", "must be a finite Decimal")
            )
            return
        _decimal(value, f, where, errors)
    elif kind is Kind.INTEGER:
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(FieldError(where, "type", "应为整数", "must be an integer"))
            return
        if not INT32_MIN <= value <= INT32_MAX:
            errors.append(FieldError(where, "range", "超出 int 范围", "outside the xs:int range"))
        if f.total_digits is not None and len(str(abs(value))) > f.total_digits:
            errors.append(
                FieldError(
                    where,
                    "digits",
                    f"最多 {f.total_digits} 位数字",
                    f"at most {f.total_digits} digits",
                )
            )


def _text(value: str, f: Field, where: str, errors: list[FieldError]) -> None:
    if f.collapse:
        value = " ".join(value.split())
    n = len(value)
    lo, hi = f.min_length, f.max_length
    if lo is not None and lo == hi and n != lo:
        if n == 0:
            errors.append(
                FieldError(where, "required", f"必填(长度 {lo})", f"required (length {lo})")
            )
        else:
            errors.append(
                FieldError(
                    where, "length", f"长度应为 {lo}(实际 {n})", f"length must be {lo} (got {n})"
                )
            )
    else:
        if lo is not None and n < lo:
            errors.append(
                FieldError(where, "length", f"长度至少 {lo}", f"length must be at least {lo}")
            )
        if hi is not None and n > hi:
            errors.append(
                FieldError(
                    where,
                    "length",
                    f"长度最多 {hi}(实际 {n})",
                    f"length must be at most {hi} (got {n})",
                )
            )
    if f.fixed is not None and value != f.fixed:
        errors.append(
            FieldError(
                where, "fixed", f"固定值应为 {f.fixed}", f"must have the fixed value {f.fixed}"
            )
        )


def decimal_digits(value: Decimal) -> tuple[int, int]:
    """(total digits, fraction digits) of a finite Decimal's value (trailing zeros ignored)."""
    _sign, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    if digits == (0,):
        return 1, 0
    if exponent >= 0:
        return len(digits) + exponent, 0
    fraction = -exponent
    return max(len(digits), fraction), fraction


def _decimal(value: Decimal, f: Field, where: str, errors: list[FieldError]) -> None:
    total, fraction = decimal_digits(value)
    if f.fraction_digits is not None and fraction > f.fraction_digits:
        errors.append(
            FieldError(
                where,
                "digits",
                f"小数位最多 {f.fraction_digits} 位",
                f"at most {f.fraction_digits} decimal places",
            )
        )
    if f.total_digits is not None and total > f.total_digits:
        errors.append(
            FieldError(
                where, "digits", f"数字最多 {f.total_digits} 位", f"at most {f.total_digits} digits"
            )
        )
    if f.fixed is not None and value != Decimal(f.fixed):
        errors.append(
            FieldError(
                where, "fixed", f"固定值应为 {f.fixed}", f"must have the fixed value {f.fixed}"
            )
        )
