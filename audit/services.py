"""Writing the audit log. Every service that changes data calls ``audit_record`` inside its
transaction, so the entry and the change commit (or roll back) together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.utils import timezone

from audit.chain import entry_hash
from audit.models import GENESIS_HASH, AuditEntry, ChainHead
from core.queries import get_or_none
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


class _Batch:
    """Entries recorded inside ``audit_appended_last``, waiting to be linked into the chain."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.entries: list[tuple[AuditEntry, Callable[[], None]]] = []


_batch: ContextVar[_Batch | None] = ContextVar("audit_batch", default=None)


def _prepare(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    client_ip: str | None,
) -> AuditEntry:
    """The entry's content, ready to be linked: everything but its place in the chain."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_repr = (actor.get_username() if actor_id is not None and actor else "") or "system"
    return AuditEntry(
        actor_id=actor_id,
        actor_repr=actor_repr,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=jsonable(before),
        after=jsonable(after),
        client_ip=current_client_ip() if client_ip is None else client_ip,
        at=timezone.now().astimezone(dt.UTC),
        prev_hash="",
    )


def _link(entries: list[AuditEntry], head: ChainHead) -> None:
    """Give ``entries`` their places after ``head`` (whose row the caller has locked)."""
    seq, prev_hash = head.last_seq, head.last_hash if head.last_seq else GENESIS_HASH
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.hash = entry_hash(
            seq=seq,
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
            prev_hash=prev_hash,
        )
        prev_hash = entry.hash
    head.last_seq, head.last_hash = seq, prev_hash


def _locked_head(using: str, *, wait: bool = False) -> ChainHead | None:
    """The chain head, locked until the transaction ends; None while another transaction
    holds it (unless ``wait``: requests never wait for it, see ``_append``)."""
    heads = ChainHead.objects.using(using).select_for_update(skip_locked=not wait)
    head = get_or_none(heads, pk=1)
    if head is None and not ChainHead.objects.using(using).filter(pk=1).exists():
        head, _ = ChainHead.objects.using(using).select_for_update().get_or_create(pk=1)
    return head


def _append(entries: list[AuditEntry], *, using: str) -> None:
    """Store ``entries`` in the caller's transaction, linked into the chain if the chain head
    is free, otherwise waiting to be linked right after the commit.

    The head's row lock is tried, never waited for: while one transaction holds it (from its
    append to its commit), the others store their entries unlinked (``seq`` empty) and go on.
    Every transaction that appended links, after its commit, whatever entries are waiting
    (``audit_link_waiting``), in the order they were stored; one that finds the head taken
    leaves that to the holder, which looks again after its own commit — so nothing is left
    waiting, and the chain is extended in commit order without a queue of waiting requests."""
    head = _locked_head(using)
    if head is not None:
        _link(entries, head)
    if len(entries) == 1:
        entries[0].save(using=using, force_insert=True)
    else:
        AuditEntry.objects.using(using).bulk_create(entries)
    if head is not None:
        ChainHead.objects.using(using).filter(pk=1).update(
            last_seq=head.last_seq, last_hash=head.last_hash
        )
    hook = _LINK_HOOKS.setdefault(using, partial(audit_link_waiting, using=using))
    connection = transaction.get_connection(using)
    if not any(registered[1] is hook for registered in connection.run_on_commit):
        transaction.on_commit(hook, using=using, robust=True)  # once per transaction


LINK_BATCH = 2000
_LINK_HOOKS: dict[str, Callable[[], int]] = {}


def audit_link_waiting(*, using: str = DEFAULT_DB_ALIAS, wait: bool = False) -> int:
    """Link the entries stored while the chain head was taken, in the order they were stored;
    how many were linked.

    Runs after each audited commit (returning at once when another transaction holds the
    head: that one looks again after its commit) and, with ``wait``, in ``ddt audit verify``.
    """
    linked = 0
    waiting = AuditEntry.objects.using(using).filter(seq__isnull=True)
    while _any_waiting(using):
        with transaction.atomic(using=using):
            head = _locked_head(using, wait=wait)
            if head is None:
                break
            entries = list(waiting.order_by("id")[:LINK_BATCH])
            if not entries:
                break
            _link(entries, head)
            _store_links(entries, using=using)
            ChainHead.objects.using(using).filter(pk=1).update(
                last_seq=head.last_seq, last_hash=head.last_hash
            )
        linked += len(entries)
    return linked


def _any_waiting(using: str) -> bool:
    """Whether an entry waits to be linked: asked after every audited commit, so in plain SQL
    (the ORM's ``exists()`` costs more to build than to run; a partial index answers it)."""
    connection = transaction.get_connection(using)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE seq IS NULL LIMIT 1")  # noqa: S608 - our table
        return cursor.fetchone() is not None


def _store_links(entries: list[AuditEntry], *, using: str) -> None:
    """Write the places ``_link`` gave to waiting entries.

    On PostgreSQL one ``UPDATE … FROM unnest(…)`` with the values as arrays: ``bulk_update``
    builds a ``CASE WHEN`` per row and field, which cost the deadline rush a tenth of the web
    processes' CPU (benchmarks/NOTES.md). Elsewhere (SQLite: one writer) ``bulk_update``."""
    connection = transaction.get_connection(using)
    if connection.vendor != "postgresql":
        AuditEntry.objects.using(using).bulk_update(entries, ["seq", "prev_hash", "hash"])
        return
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "  # noqa: S608 - our table's name, values bound
            "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::varchar[]) "
            "AS v(id, seq, prev_hash, hash) WHERE e.id = v.id AND e.seq IS NULL",
            [
                [e.pk for e in entries],
                [e.seq for e in entries],
                [e.prev_hash for e in entries],
                [e.hash for e in entries],
            ],
        )
        if cursor.rowcount != len(entries):
            raise RuntimeError(
                f"linked {cursor.rowcount} of {len(entries)} waiting audit entries"
            )  # inside the transaction: the head's update rolls back with it


# No savepoint of its own: inside a caller's transaction a failure here fails that transaction
# (the change and its entry commit or roll back together); alone, it is its own transaction.
@transaction.atomic(savepoint=False)
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
    """Record one entry in the caller's transaction.

    Inside ``audit_appended_last`` the entry is prepared now and linked into the chain when
    that block ends (its ``seq`` and ``hash`` are set then); otherwise it is linked at once.
    """
    entry = _prepare(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        client_ip=client_ip,
    )
    batch = _batch.get()
    if batch is not None and batch.alias == DEFAULT_DB_ALIAS:
        # A marker in the transaction's commit hooks: Django drops it if the savepoint the
        # entry was recorded in is rolled back, and so the entry is dropped too.
        def marker() -> None:
            return None

        transaction.on_commit(marker)
        batch.entries.append((entry, marker))
        return entry
    _append([entry], using=DEFAULT_DB_ALIAS)
    return entry


@contextmanager
def audit_appended_last() -> Iterator[None]:
    """Take the audit chain's lock last: for services that write several rows and entries.

    Use it just inside the service's outermost transaction (``with transaction.atomic(),
    audit_appended_last():``). Entries recorded in the block are prepared as they come (content,
    JSON, client address) and linked into the chain when the block ends (next to each other when
    the head is free; entries left waiting are linked in the order they were stored, which
    concurrent inserts may interleave), so the chain
    head's row lock — the one lock every audited write shares — is held only for one insert,
    one update and the commit, not while the rest of the service runs. The entries still commit
    or roll back with the change; an entry recorded in a savepoint that is rolled back is
    dropped with it. Nested blocks join the outer one.
    """
    if _batch.get() is not None:
        yield
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "audit_appended_last() must run inside transaction.atomic()"
        )
    batch = _Batch(DEFAULT_DB_ALIAS)
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    # Reached only when the block ended without an exception (a rollback writes nothing).
    alive = {id(hook) for _sids, hook, *_rest in connection.run_on_commit}
    entries = [entry for entry, marker in batch.entries if id(marker) in alive]
    if entries:
        _append(entries, using=DEFAULT_DB_ALIAS)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    waiting: int = 0  # entries stored but not linked yet (a few milliseconds after a commit)


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
    linked = AuditEntry.objects.filter(seq__isnull=False)
    last = linked.order_by("-seq").values_list("seq", "hash").first()
    return Anchor(int(last[0] or 0), str(last[1])) if last else Anchor(0, GENESIS_HASH)


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
    for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(2000):
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
    return VerifyResult(True, checked, waiting=AuditEntry.objects.filter(seq__isnull=True).count())
