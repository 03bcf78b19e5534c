"""Safe XML input: parser options, DOCTYPE refusal, size and depth limits.

Every parse in the package goes through these settings: no entity expansion, no network, no DTD
loading or validation, no ``huge_tree``; a document type declaration anywhere in the prolog is
refused before parsing; input larger than ``Limits.max_bytes`` or nested deeper than
``Limits.max_depth`` is refused with :class:`~ceb.errors.CebUnsafeInput`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree

from ceb.errors import CebParseError, CebUnsafeInput

MB = 1024 * 1024

# Options shared by etree.XMLParser and etree.iterparse.
SAFE_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "dtd_validation": False,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits. ``max_bytes`` per message (50 MB by default), ``max_depth`` of nesting."""

    max_bytes: int = 50 * MB
    max_depth: int = 32


DEFAULT_LIMITS = Limits()


def safe_parser() -> etree.XMLParser:
    """A fresh lxml parser with the safe options (for XSDs and trusted helpers too)."""
    return etree.XMLParser(**SAFE_PARSER_OPTIONS)


_PROLOG_SCAN = 64 * 1024


def check_prolog(head: bytes) -> int:
    """Refuse a DOCTYPE (and non-UTF-8-compatible encodings) in the document prolog.

    ``head`` is the beginning of the document; the prolog (XML declaration, comments, processing
    instructions, whitespace) must end within it. Returns the offset of the root element's
    ``<`` (or -1 when it is not within ``head``).
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:4] in (
        b"\x00\x00\xfe\xff",
        b"\x00<\x00?",
        b"<\x00?\x00",
    ):
        raise CebParseError("UTF-16/32 input is not supported; CEB messages are UTF-8")
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    n = len(head)
    while True:
        while pos < n and head[pos] in b" \t\r\n":
            pos += 1
        if pos >= n:
            if n >= _PROLOG_SCAN:
                raise CebUnsafeInput("XML prolog too long / XML 序言过长")
            return -1  # empty or truncated: the parser will report it
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos + 2)
            close = 2
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos + 4)
            close = 3
        elif head.startswith(b"<!", pos):
            raise CebUnsafeInput(
                "文档类型声明(DOCTYPE)不被接受 / DOCTYPE declarations are refused "
                "(no DTDs or entities in CEB messages)"
            )
        else:
            return pos  # first element (or garbage the parser will reject)
        if end < 0:
            if n >= _PROLOG_SCAN:
                raise CebUnsafeInput("XML prolog too long / XML 序言过长")
            return -1
        pos = end + close


class LimitedReader(io.RawIOBase):
    """Wrap a binary stream; raise :class:`CebUnsafeInput` past ``limit`` bytes."""

    def __init__(self, raw: IO[bytes], limit: int):
        self._raw = raw
        self._limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self._raw.read(-1 if size is None else size)
        self.count += len(data)
        if self.count > self._limit:
            raise_too_large(self._limit)
        return data

    def readinto(self, buffer: Any) -> int:  # pragma: no cover - lxml calls read()
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def raise_too_large(limit: int) -> None:
    raise CebUnsafeInput(
        f"报文超过大小上限 {limit} 字节 / message exceeds the size limit of {limit} bytes"
    )


def raise_too_deep(limit: int) -> None:
    raise CebUnsafeInput(
        f"报文嵌套超过 {limit} 层 / message nesting exceeds the depth limit of {limit}"
    )


def translate_syntax_error(exc: etree.XMLSyntaxError) -> CebParseError | CebUnsafeInput:
    """lxml syntax errors → our errors (libxml2's own depth/entity limits → CebUnsafeInput)."""
    msg = str(exc.msg or exc)
    line, column = exc.position if exc.position else (None, None)
    low = msg.lower()
    if "depth" in low or "huge" in low or "amplification" in low:
        return CebUnsafeInput(f"不安全的XML输入 / unsafe XML input: {msg}")
    return CebParseError(f"XML 格式错误 / malformed XML: {msg}", line=line, column=column)
