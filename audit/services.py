"""Writing the audit log. Every service that changes data calls ``audit_record`` inside its
transaction, so the entry and the change commit (or roll back) together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from audit.chain import entry_hash
from audit.models import GENESIS_HASH, AuditEntry, ChainHead
from core.request_context import current_client_ip

if TYPE_CHECKING:
    from accounts.models import User


def jsonable(value: Any) -> Any:
    """Turn a value into plain JSON (Decimal → str, dates → ISO, models → pk)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            return value.astimezone(dt.UTC).isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def snapshot(instance: models.Model, *, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a model instance, JSON-ready, for before/after."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        data[field.attname] = jsonable(getattr(instance, field.attname))
    return data


@transaction.atomic
def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    client_ip: str | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    seq = head.last_seq + 1
    prev_hash = head.last_hash if head.last_seq else GENESIS_HASH
    at = timezone.now().astimezone(dt.UTC)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_repr = (actor.get_username() if actor_id is not None and actor else "") or "system"
    before_j, after_j = jsonable(before), jsonable(after)
    ip = current_client_ip() if client_ip is None else client_ip
    digest = entry_hash(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_repr=actor_repr,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=before_j,
        after=after_j,
        client_ip=ip,
        prev_hash=prev_hash,
    )
    entry = AuditEntry.objects.create(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_repr=actor_repr,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=before_j,
        after=after_j,
        client_ip=ip,
        prev_hash=prev_hash,
        hash=digest,
    )
    ChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class Anchor:
    """The chain head as printed for keeping outside the database: ``<seq>:<hash>``."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, sep, digest = text.strip().partition(":")
        digest = digest.lower()
        if (
            not sep
            or not seq.isdigit()
            or len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)
        ):
            raise ValueError(
                "链头格式应为 序号:64位十六进制哈希 / the head must be <seq>:<64 hex digits>"
            )
        return cls(int(seq), digest)


def audit_head() -> Anchor:
    """The last entry's position and hash (``0:<genesis>`` for an empty log)."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return Anchor(*last) if last else Anchor(0, GENESIS_HASH)


def audit_verify(*, head: Anchor | None = None) -> VerifyResult:
    """Walk the chain in order; report the first entry whose link or content does not match.

    With ``head`` (an anchor printed earlier by ``ddt audit head`` and kept outside the
    database), the entry at the anchor's position must still exist and carry the anchored hash:
    this catches what the chain alone cannot — a chain recomputed from some entry on, or the last
    entries deleted together with a "fixed" ``ChainHead``.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            reason = f"第 {expected_seq} 条缺失 / entry {expected_seq} missing"
            return VerifyResult(False, checked, expected_seq, reason)
        if entry.prev_hash != prev_hash:
            return VerifyResult(
                False, checked, entry.seq, "前序哈希不符 / previous-hash link does not match"
            )
        digest = entry_hash(
            seq=entry.seq,
            at=entry.at.astimezone(dt.UTC),
            actor_id=entry.actor_id,
            actor_repr=entry.actor_repr,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            before=entry.before,
            after=entry.after,
            client_ip=entry.client_ip,
            prev_hash=entry.prev_hash,
        )
        if digest != entry.hash:
            return VerifyResult(
                False, checked, entry.seq, "内容已被修改 / content altered (hash mismatch)"
            )
        if head is not None and entry.seq == head.seq and entry.hash != head.hash:
            return VerifyResult(
                False,
                checked,
                entry.seq,
                "与链外保存的链头不符（链已被重算）"
                " / does not match the anchored head (the chain was recomputed)",
            )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    stored = ChainHead.objects.filter(pk=1).first()
    last_seq = stored.last_seq if stored else 0
    if last_seq != checked or (stored is not None and checked and stored.last_hash != prev_hash):
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"链尾缺失：链头记录到第 {last_seq} 条"
            f" / tail truncated: head records {last_seq} entries",
        )
    if head is not None and checked < head.seq:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"链尾缺失：链外保存的链头到第 {head.seq} 条"
            f" / tail cut: the anchored head is entry {head.seq}",
        )
    return VerifyResult(True, checked)
