"""Retail import checks (跨境电商零售进口): single-transaction and annual per-buyer limits.

The limits are data (``data/retail_import_limits.yaml``) with the document that sets them. The
buyer is known only by a keyed hash (HMAC-SHA256) of the ID type and number; the key comes from
``DDT_BUYER_HASH_KEY`` (setting or environment), by default derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

LIMITS_FILE = Path(__file__).resolve().parent / "data" / "retail_import_limits.yaml"


@dataclass(frozen=True)
class RetailLimits:
    document: str
    title: str
    effective_from: dt.date
    single_fen: int
    annual_fen: int

    @property
    def single(self) -> Decimal:
        return Decimal(self.single_fen) / 100

    @property
    def annual(self) -> Decimal:
        return Decimal(self.annual_fen) / 100


@lru_cache(maxsize=1)
def _all_limits() -> tuple[RetailLimits, ...]:
    with LIMITS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    items = [
        RetailLimits(
            document=str(item["document"]),
            title=str(item.get("title", "")),
            effective_from=item["effective_from"],
            single_fen=int(Decimal(str(item["single_transaction_cny"])) * 100),
            annual_fen=int(Decimal(str(item["annual_per_buyer_cny"])) * 100),
        )
        for item in raw
    ]
    return tuple(sorted(items, key=lambda limit: limit.effective_from))


def limits_on(day: dt.date) -> RetailLimits | None:
    """The limits in force on ``day`` (None before the first document)."""
    current = None
    for limits in _all_limits():
        if limits.effective_from <= day:
            current = limits
    return current


def _key() -> bytes:
    key = getattr(settings, "DDT_BUYER_HASH_KEY", None) or os.environ.get("DDT_BUYER_HASH_KEY")
    if key:
        return str(key).encode()
    return hmac.new(
        str(settings.SECRET_KEY).encode(), b"ddt-customs-buyer-hash", hashlib.sha256
    ).digest()


def buyer_hash(id_type: str, id_number: str) -> str:
    """Keyed hash of a buyer's identity; the identity itself is never stored."""
    message = f"{id_type.strip()}|{id_number.strip().upper()}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()
