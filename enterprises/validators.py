"""Validators for enterprise identifiers: the USCC (GB 32100-2015), the customs registration code.

The core functions are plain Python (no Django import) so the entitlement engine, demo data and
command-line tools can use them. Each failure raises :class:`CodeError` whose ``message`` says in
Chinese which rule failed; ``template`` and ``params`` let the Django layer translate it
(:func:`django_validate_uscc`, :func:`django_validate_customs_code`).
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18
USCC_FORBIDDEN = frozenset("IOSVZ")
CUSTOMS_CODE_LENGTH = 10
_CUSTOMS_CHARSET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_VALUES = {ch: i for i, ch in enumerate(USCC_CHARSET)}


def gettext_noop(message: str) -> str:
    """Marks a message for translation without translating it (picked up by makemessages)."""
    return message


MSG_USCC_EMPTY = gettext_noop("请填写统一社会信用代码。")
MSG_USCC_LENGTH = gettext_noop("统一社会信用代码长度应为18位，实际%(actual)d位。")
MSG_USCC_FORBIDDEN = gettext_noop("第%(pos)d位“%(char)s”不是合法字符（不得使用 I、O、S、V、Z）。")
MSG_USCC_ILLEGAL = gettext_noop(
    "第%(pos)d位“%(char)s”不是合法字符（只能使用数字和除 I、O、S、V、Z 以外的大写字母）。"
)
MSG_USCC_REGION = gettext_noop(
    "第3–8位（登记管理机关行政区划码）应为6位数字，实际为“%(segment)s”。"
)
MSG_USCC_CHECK = gettext_noop("校验码错误：第18位应为“%(expected)s”，实际为“%(actual)s”。")
MSG_CUSTOMS_EMPTY = gettext_noop("请填写海关注册编码。")
MSG_CUSTOMS_LENGTH = gettext_noop("海关注册编码长度应为10位，实际%(actual)d位。")
MSG_CUSTOMS_ILLEGAL = gettext_noop(
    "海关注册编码第%(pos)d位“%(char)s”不是合法字符（只能使用数字和大写字母）。"
)
MSG_CUSTOMS_AREA = gettext_noop("海关注册编码前4位（所在地区代码）应为数字，实际为“%(segment)s”。")
MSG_CUSTOMS_ZONE = gettext_noop("海关注册编码第5位（经济区划代码）应为数字，实际为“%(char)s”。")


class CodeError(ValueError):
    """A code failed one rule. ``rule`` names it; ``message`` explains it in Chinese."""

    def __init__(self, rule: str, template: str, params: dict[str, Any] | None = None) -> None:
        self.rule = rule
        self.template = template
        self.params = params or {}
        self.message = template % self.params if self.params else template
        super().__init__(self.message)


def normalise_code(raw: str | None) -> str:
    """Strip, convert full-width characters to half-width (NFKC) and upper-case."""
    if raw is None:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip().upper()


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC."""
    if len(first17) != USCC_LENGTH - 1:
        raise ValueError("uscc_check_char needs exactly 17 characters")
    total = 0
    for ch, weight in zip(first17, USCC_WEIGHTS, strict=True):
        if ch not in _VALUES:
            raise ValueError(f"illegal USCC character {ch!r}")
        total += _VALUES[ch] * weight
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(raw: str | None) -> str:
    """Return the normalised USCC or raise :class:`CodeError` naming the first rule that failed."""
    code = normalise_code(raw)
    if not code:
        raise CodeError("empty", MSG_USCC_EMPTY)
    if len(code) != USCC_LENGTH:
        raise CodeError("length", MSG_USCC_LENGTH, {"actual": len(code)})
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUES:
            template = MSG_USCC_FORBIDDEN if ch in USCC_FORBIDDEN else MSG_USCC_ILLEGAL
            raise CodeError("charset", template, {"pos": pos, "char": ch})
    region = code[2:8]
    if not region.isdigit() or not region.isascii():
        raise CodeError("region", MSG_USCC_REGION, {"segment": region})
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise CodeError("check", MSG_USCC_CHECK, {"expected": expected, "actual": code[17]})
    return code


def is_valid_uscc(raw: str | None) -> bool:
    try:
        validate_uscc(raw)
    except CodeError:
        return False
    return True


def validate_customs_code(raw: str | None) -> str:
    """Return the normalised 10-character customs registration code or raise :class:`CodeError`.

    Positions 1–4: area (digits); 5: economic zone (digit); 6–10: type and sequence, where newer
    codes may use upper-case letters.
    """
    code = normalise_code(raw)
    if not code:
        raise CodeError("empty", MSG_CUSTOMS_EMPTY)
    if len(code) != CUSTOMS_CODE_LENGTH:
        raise CodeError("length", MSG_CUSTOMS_LENGTH, {"actual": len(code)})
    for pos, ch in enumerate(code, start=1):
        if ch not in _CUSTOMS_CHARSET:
            raise CodeError("charset", MSG_CUSTOMS_ILLEGAL, {"pos": pos, "char": ch})
    if not code[:4].isdigit():
        raise CodeError("area", MSG_CUSTOMS_AREA, {"segment": code[:4]})
    if not code[4].isdigit():
        raise CodeError("zone", MSG_CUSTOMS_ZONE, {"char": code[4]})
    return code


def organisation_check_char(first8: str) -> str:
    """The GB 11714 check character of an organisation code (USCC positions 9–17)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch, 36) * w for ch, w in zip(first8, weights, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_generate(rng: random.Random, *, region: str = "320722", prefix: str = "91") -> str:
    """A valid USCC for demo data and tests, deterministic for a given ``rng`` state.

    ``prefix`` is the authority + category pair (``91`` = market regulation, enterprise).
    """
    if len(prefix) != 2 or len(region) != 6 or not region.isdigit():
        raise ValueError("prefix must have 2 characters and region 6 digits")
    org8 = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = prefix + region + org8 + organisation_check_char(org8)
    return first17 + uscc_check_char(first17)


def customs_code_generate(rng: random.Random, *, area: str = "3207") -> str:
    """A well-formed customs registration code (area + zone + type + 4-character sequence)."""
    zone = rng.choice("1239")
    kind = rng.choice("3469")
    seq = "".join(rng.choice("0123456789") for _ in range(4))
    return area[:4] + zone + kind + seq


# --- Django adapters -------------------------------------------------------------------------


def _django_error(exc: CodeError, field: str | None = None) -> Exception:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    message = gettext(exc.template) % exc.params if exc.params else gettext(exc.template)
    error = ValidationError(message, code=exc.rule)
    return ValidationError({field: [error]}) if field else error


def django_validate_uscc(raw: str | None, *, field: str | None = None) -> str:
    """``validate_uscc`` raising Django's ValidationError (optionally keyed by ``field``)."""
    try:
        return validate_uscc(raw)
    except CodeError as exc:
        raise _django_error(exc, field) from exc


def django_validate_customs_code(raw: str | None, *, field: str | None = None) -> str:
    try:
        return validate_customs_code(raw)
    except CodeError as exc:
        raise _django_error(exc, field) from exc
