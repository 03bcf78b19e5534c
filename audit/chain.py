"""SM3 hashing of audit entries (GB/T 32905, via ``cryptography``). No Django import."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_repr: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    client_ip: str,
    prev_hash: str,
) -> str:
    fields = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_repr": actor_repr,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "client_ip": client_ip,
        "prev_hash": prev_hash,
    }
    return sm3_hex(canonical_bytes(fields))
