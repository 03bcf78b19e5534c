"""A trade profile as the partner receives it: the signed JSON envelope and the PDF (WeasyPrint
with the system's Noto CJK fonts, like the funds notice and the voucher statement PDFs)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from ceb.signature import ECDSA_SHA256

if TYPE_CHECKING:
    from credit.models import TradeProfile


def envelope(profile: TradeProfile) -> dict[str, Any]:
    """``{"document": …, "signature": …}``: what the bank keeps and can have verified."""
    return {
        "document": json.loads(profile.document),
        "signature": {
            "number": profile.number,
            "digest_algorithm": "SM3",
            "sm3": profile.sm3,
            "algorithm": ECDSA_SHA256,
            "key_name": profile.key_name,
            "value": profile.signature,
        },
    }


def envelope_bytes(profile: TradeProfile) -> bytes:
    return json.dumps(envelope(profile), ensure_ascii=False, indent=2).encode("utf-8")


def profile_pdf(profile: TradeProfile, *, verify_url: str) -> bytes:
    """The profile as PDF; its footer carries the number, the SM3 digest and where to verify."""
    from weasyprint import HTML

    html = render_to_string(
        "credit/profile_pdf.html",
        {
            "profile": profile,
            "doc": json.loads(profile.document),
            "verify_url": verify_url,
            "generated": timezone.localtime(),
        },
    )
    return bytes(HTML(string=html).write_pdf())
