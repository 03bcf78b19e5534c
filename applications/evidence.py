"""Evidence files: the type is decided by the content's magic bytes, never by the name or the
browser's content type."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# magic bytes → (content type, label)
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
ALLOWED_LABEL = "PDF、JPEG、PNG"
MAX_FILES_PER_APPLICATION = 30


def max_bytes() -> int:
    return int(getattr(settings, "DDT_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def sniff(head: bytes) -> str | None:
    """The content type of a file starting with ``head``, or None if not an allowed type."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True)
class Inspected:
    content_type: str | None
    size: int
    sha256: str


def inspect(fh: IO[bytes]) -> Inspected:
    """Read the whole file once: its sniffed type, real size and SHA-256."""
    fh.seek(0)
    head = fh.read(16)
    digest = hashlib.sha256(head)
    size = len(head)
    limit = max_bytes()
    while True:
        chunk = fh.read(1024 * 1024)
        if not chunk:
            break
        digest.update(chunk)
        size += len(chunk)
        if size > limit:  # no need to hash the rest of an oversize file
            break
    fh.seek(0)
    return Inspected(content_type=sniff(head), size=size, sha256=digest.hexdigest())


def checked_pdf(fh: IO[bytes], *, field: str, limit: int, size: int | None = None) -> Inspected:
    """A PDF upload of at most ``limit`` bytes (the type by its content), read once; otherwise a
    ``ValidationError`` on ``field``. ``size`` is the size the upload announced, if any."""
    too_big = _("文件超过 %(mb)s MB。") % {"mb": limit // 2**20}
    if size is not None and size > limit:
        raise ValidationError({field: [too_big]})
    fh.seek(0)
    head = fh.read(16)
    fh.seek(0)
    if sniff(head) != "application/pdf":
        raise ValidationError({field: [_("只能上传 PDF 文件（按文件内容识别）。")]})
    info = inspect(fh)
    if info.size > limit:
        raise ValidationError({field: [too_big]})
    return info
