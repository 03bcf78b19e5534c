"""Checking a trade profile a bank holds: is it a document this platform issued, unchanged?

Two ways, both public (the bank may check from anywhere, without an account):

* the whole JSON envelope (uploaded or pasted): the SM3 digest of the canonical ``document`` must
  equal the envelope's digest, the platform's signature on (number, digest) must verify, and the
  platform must have issued that number with that digest — a single changed byte of the document
  changes its digest and is refused;
* the document number and the digest printed on the PDF: the platform must have issued that
  number with exactly that digest (and its stored signature must still verify).

The answer says only whether the document is genuine, its number, date and recipient
organisation: never the enterprise's data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from credit import signing
from credit.models import TradeProfile

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
SM3_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str = ""
    number: str = ""
    issued_at: str = ""
    organisation: str = ""
    sm3: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.ok,
            "reason": self.reason,
            "number": self.number,
            "issued_at": self.issued_at,
            "recipient": self.organisation,
            "sm3": self.sm3,
        }


def _genuine(profile: TradeProfile) -> Outcome:
    if not signing.verify_signature(
        profile.number, profile.sm3, profile.signature, profile.key_name
    ):
        return Outcome(False, _("平台签名验证失败。"), number=profile.number)
    doc = json.loads(profile.document)
    return Outcome(
        True,
        _("文件真实有效，内容未被修改。"),
        number=profile.number,
        issued_at=str(doc.get("issued_at", "")),
        organisation=str(doc.get("recipient", {}).get("organisation", "")),
        sm3=profile.sm3,
    )


def verify_number(number: str, digest: str) -> Outcome:
    number = str(number or "").strip()[:32]
    digest = str(digest or "").strip().lower()
    if not number or not SM3_RE.match(digest):
        return Outcome(False, _("请填写文件编号和 64 位十六进制 SM3 摘要。"))
    profile = TradeProfile.objects.filter(number=number).first()
    if profile is None or profile.sm3 != digest:
        return Outcome(False, _("平台未出具该编号与摘要的文件。"), number=number)
    return _genuine(profile)


def verify_envelope(raw: bytes | str) -> Outcome:
    """Check a whole envelope (bytes of an upload, or pasted text)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_DOCUMENT_BYTES:
        return Outcome(False, _("文件过大。"))
    try:
        envelope = json.loads(raw.decode("utf-8"))
        document = envelope["document"]
        sig = envelope["signature"]
        number, claimed = str(sig["number"]), str(sig["sm3"]).lower()
        value, key_name = str(sig["value"]), str(sig["key_name"])
        body = signing.canonical(document)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return Outcome(False, _("不是点点通出具的贸易画像 JSON 文件。"))
    digest = signing.sm3_hex(body)
    if not isinstance(document, dict) or document.get("number") != number:
        return Outcome(False, _("文件编号与签名不一致。"), number=number[:32])
    if digest != claimed:
        return Outcome(False, _("SM3 摘要不符：文件内容在出具后被修改。"), number=number[:32])
    if not signing.verify_signature(number, digest, value, key_name):
        return Outcome(False, _("平台签名验证失败。"), number=number[:32])
    profile = TradeProfile.objects.filter(number=number[:32]).first()
    if profile is None or profile.sm3 != digest:
        return Outcome(False, _("平台未出具该编号与摘要的文件。"), number=number[:32])
    return _genuine(profile)
