"""Parse whole messages (:func:`parse`) and stream business records (:func:`iter_records`)."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from ceb.errors import CebParseError, CebUnknownMessage, CebValidationError, FieldError
from ceb.fastcheck import checker_for
from ceb.messages import MESSAGES
from ceb.reader import convert, convert_root
from ceb.registry import BY_ROOT_TAG, CEB_TAG_PREFIX, message_def, plan_for
from ceb.safety import (
    DEFAULT_LIMITS,
    SAFE_PARSER_OPTIONS,
    LimitedReader,
    Limits,
    check_prolog,
    raise_too_large,
    safe_parser,
    translate_syntax_error,
)
from ceb.schema import MessageDef
from ceb.validation import validate

Source = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]
_SHORT_ROOT = re.compile(r"^CEB\d{3}$")


def _stream_tags() -> list[str]:
    tags = {f"{CEB_TAG_PREFIX}BaseTransfer"}
    for m in MESSAGES.values():
        tags.add(m.node.tag)
        tags.add(f"{CEB_TAG_PREFIX}{m.message_type}")  # the defective <ceb:CEB214> sample root
        tags.add(m.record.tag)
    return sorted(tags)


STREAM_TAGS = _stream_tags()
_ROOT_NAME = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(CEB\d{3})(?:Message)?[\s>/]")


def _tags_for(head: bytes, start: int) -> list[str]:
    """The few tags to watch, guessed from the root's name (verified on the first event)."""
    match = _ROOT_NAME.match(head, start) if start >= 0 else None
    mdef = MESSAGES.get(match.group(1).decode()) if match else None
    if mdef is None:
        return STREAM_TAGS
    record = mdef.record
    return [
        mdef.node.tag,
        f"{CEB_TAG_PREFIX}{mdef.message_type}",
        record.tag,
        f"{CEB_TAG_PREFIX}BaseTransfer",
    ]


def _resolve_root(
    el: etree._Element, message_type: str | None, errors: list[FieldError]
) -> MessageDef:
    tag = el.tag
    mdef = BY_ROOT_TAG.get(tag) if isinstance(tag, str) else None
    if mdef is None:
        qn = etree.QName(el)
        if qn.namespace == CEB_TAG_PREFIX[1:-1] and _SHORT_ROOT.match(qn.localname):
            # e.g. the official CEB214 sample: <ceb:CEB214> instead of <ceb:CEB214Message>
            mdef = message_def(qn.localname)
            errors.append(
                FieldError(
                    qn.localname,
                    "root",
                    f"根元素名称应为 {mdef.root_name}",
                    f"root element must be named {mdef.root_name}",
                )
            )
        else:
            raise CebUnknownMessage(
                "不是已知的海关跨境电商报文 / not a known CEB message: "
                f"{{{qn.namespace}}}{qn.localname}"
            )
    if message_type is not None:
        expected = message_def(message_type)
        if expected is not mdef:
            raise CebUnknownMessage(
                f"报文类型应为 {expected.message_type}，实际为 {mdef.message_type} / "
                f"expected {expected.message_type}, got {mdef.message_type}"
            )
    return mdef


def parse(
    data: bytes | bytearray | memoryview,
    *,
    message_type: str | None = None,
    validate_result: bool = True,
    require_signature: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Any:
    """Parse one message (bytes, UTF-8, BOM and XML declaration tolerated) to its dataclass.

    Raises :class:`CebUnsafeInput`, :class:`CebParseError`, :class:`CebUnknownMessage`, or
    :class:`CebValidationError` listing every problem (unless ``validate_result=False``, which
    returns a best-effort object whose missing required fields are ``None``).
    """
    data = bytes(data)
    if len(data) > limits.max_bytes:
        raise_too_large(limits.max_bytes)
    check_prolog(data[:65536])
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise translate_syntax_error(exc) from None
    if root is None:  # pragma: no cover - lxml raises on empty input
        raise CebParseError("empty document / 空文档")
    if root.getroottree().docinfo.doctype:
        check_prolog(b"<!DOCTYPE")  # raises CebUnsafeInput
    errors: list[FieldError] = []
    mdef = _resolve_root(root, message_type, errors)
    message = convert_root(root, mdef.node, errors, limits.max_depth)
    if validate_result:
        errors.extend(validate(message, require_signature=require_signature))
        if errors:
            raise CebValidationError(errors)
    return message


class RecordStream:
    """Iterator over the business records of one message, read incrementally.

    ``message_type`` and ``guid`` are known once iteration has started; ``base_transfer`` once
    it has finished (it follows the records in the XML). Each yielded record is the frozen
    dataclass of one business node (``ExportInventory`` with its head and lists for a CEB603,
    ``ExportInventoryReturn`` for a CEB604 …). Memory stays flat: each record element is cleared
    after conversion.
    """

    def __init__(
        self,
        source: Source,
        message_type: str | None = None,
        *,
        validate_records: bool = True,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self._source = source
        self._expected = message_type
        self._validate = validate_records
        self._limits = limits
        self.message_type: str | None = None
        self.guid: str | None = None
        self.base_transfer: Any = None
        self.count = 0
        self._iter = self._run()

    def __iter__(self) -> RecordStream:
        return self

    def __next__(self) -> Any:
        return next(self._iter)

    def _open(self) -> tuple[IO[bytes], bool]:
        src = self._source
        if isinstance(src, (bytes, bytearray, memoryview)):
            return io.BytesIO(bytes(src)), True
        if isinstance(src, (str, os.PathLike)):
            return open(Path(src), "rb"), True
        return src, False

    def _run(self) -> Iterator[Any]:
        stream, owned = self._open()
        try:
            yield from self._records(stream)
        finally:
            if owned:
                stream.close()

    def _records(self, stream: IO[bytes]) -> Iterator[Any]:
        limits = self._limits
        head = stream.read(65536)
        start = check_prolog(head)
        reader = LimitedReader(cast(IO[bytes], _Prefixed(head, stream)), limits.max_bytes)
        # Events only for the root, the records and BaseTransfer: the tag filter runs in C, so
        # the Python loop sees one event per record instead of two per element.
        context = etree.iterparse(
            reader, events=("start", "end"), tag=_tags_for(head, start), **SAFE_PARSER_OPTIONS
        )
        root: etree._Element | None = None
        record_tag = ""
        record_plan = None
        transfer_plan = None
        errors: list[FieldError] = []
        try:
            for event, el in context:
                if root is None:
                    # the first event is the root's start (its tag is in STREAM_TAGS) — or a
                    # record of an unknown root, handled by _resolve_root below
                    root = el if event == "start" else el.getparent()
                    assert root is not None
                    if root.getroottree().docinfo.doctype:
                        check_prolog(b"<!DOCTYPE")
                    mdef = _resolve_root(root, self._expected, errors)
                    if errors and self._validate:
                        raise CebValidationError(errors)
                    self.message_type = mdef.message_type
                    self.guid = root.get("guid")
                    plan = plan_for(mdef.node)
                    record_tag = mdef.record.tag
                    record_plan = plan.by_tag[record_tag].plan
                    bt = plan.by_tag.get(f"{CEB_TAG_PREFIX}BaseTransfer")
                    transfer_plan = bt.plan if bt else None
                if event == "start" or el.getparent() is not root:
                    continue
                if el.tag == record_tag:
                    assert record_plan is not None
                    path = ("", record_tag[len(CEB_TAG_PREFIX) :], self.count)
                    rec_errors: list[FieldError] = []
                    record = convert(el, record_plan, path, rec_errors, 2, limits.max_depth)
                    if self._validate:
                        checker_for(record_plan.node)(record, path, rec_errors, True)
                        if rec_errors:
                            raise CebValidationError(rec_errors)
                    self.count += 1
                    yield record
                elif transfer_plan is not None and el.tag == transfer_plan.node.tag:
                    self.base_transfer = convert(
                        el, transfer_plan, "BaseTransfer", errors, 2, limits.max_depth
                    )
                el.clear()
                while el.getprevious() is not None:
                    del root[0]
            if root is None and context.root is not None:
                _resolve_root(context.root, self._expected, errors)  # raises for unknown roots
        except etree.XMLSyntaxError as exc:
            raise translate_syntax_error(exc) from None


class _Prefixed(io.RawIOBase):
    """Re-join the already read prolog bytes with the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                out, self._head = self._head + self._rest.read(), b""
                return out
            out, self._head = self._head[:size], self._head[size:]
            return out
        return self._rest.read(-1 if size is None else size)


def iter_records(
    source: Source,
    message_type: str | None = None,
    *,
    validate_records: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> RecordStream:
    """Stream the business records of a message file, path, bytes or binary file object."""
    return RecordStream(source, message_type, validate_records=validate_records, limits=limits)
