"""``audit_appended_last``: entries prepared during a service, linked into the chain at its end."""

from __future__ import annotations

import itertools
import threading
import time
from io import StringIO

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import GENESIS_HASH, AuditEntry, ChainHead
from audit.services import audit_appended_last, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _record(n: int) -> AuditEntry:
    return audit_record(actor=None, action="test.batch", object_type="test.Thing", after={"n": n})


def test_entries_are_linked_together_when_the_block_ends() -> None:
    first = _record(0)  # outside a block: linked at once
    with transaction.atomic(), audit_appended_last():
        a, b = _record(1), _record(2)
        assert (a.seq, b.seq) == (None, None)
        assert AuditEntry.objects.count() == 1  # nothing written yet
    assert (a.seq, b.seq) == (2, 3)
    assert a.prev_hash == first.hash and b.prev_hash == a.hash
    head = ChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (3, b.hash)
    assert list(AuditEntry.objects.order_by("seq").values_list("after", flat=True)) == [
        {"n": 0},
        {"n": 1},
        {"n": 2},
    ]
    assert audit_verify().ok and audit_verify().checked == 3


def test_the_chain_lock_is_taken_last_and_once() -> None:
    _record(0)
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), audit_appended_last():
        _record(1)
        AuditEntry.objects.filter(seq=1).exists()  # the service's other work
        _record(2)
        AuditEntry.objects.filter(seq=1).exists()
    sql = [q["sql"] for q in queries.captured_queries]
    locks = [i for i, s in enumerate(sql) if "audit_chainhead" in s and "FOR UPDATE" in s]
    if connection.features.has_select_for_update:
        assert len(locks) == 1
        # after the lock: one insert of both entries, the head's update (and the commit)
        rest = [s for s in sql[locks[0] + 1 :] if not s.upper().startswith(("RELEASE", "COMMIT"))]
        assert len(rest) == 2
        assert rest[0].startswith('INSERT INTO "audit_auditentry"')
        assert rest[1].startswith('UPDATE "audit_chainhead"')
    assert audit_verify().ok and audit_verify().checked == 3


def test_an_entry_of_a_rolled_back_savepoint_is_dropped() -> None:
    with transaction.atomic(), audit_appended_last():
        kept = _record(1)
        try:
            with transaction.atomic():
                _record(2)
                raise ValueError("the inner step fails and the service carries on")
        except ValueError:
            pass
        also_kept = _record(3)
    assert [e.after for e in AuditEntry.objects.order_by("seq")] == [{"n": 1}, {"n": 3}]
    assert (kept.seq, also_kept.seq) == (1, 2)
    assert audit_verify().ok and audit_verify().checked == 2


def test_a_failing_block_writes_nothing() -> None:
    _record(0)
    with pytest.raises(RuntimeError), transaction.atomic(), audit_appended_last():
        _record(1)
        raise RuntimeError("the service fails")
    assert AuditEntry.objects.count() == 1
    assert ChainHead.objects.get(pk=1).last_seq == 1
    assert audit_verify().ok


def test_nested_blocks_join_the_outer_one() -> None:
    with transaction.atomic(), audit_appended_last():
        _record(1)
        with transaction.atomic(), audit_appended_last():
            inner = _record(2)
        assert inner.seq is None  # still waiting for the outer block
    assert inner.seq == 2 and audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_block_needs_a_transaction() -> None:
    assert not connection.in_atomic_block
    with pytest.raises(transaction.TransactionManagementError), audit_appended_last():
        pass  # pragma: no cover


def test_an_empty_block_takes_no_lock() -> None:
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), audit_appended_last():
        pass
    assert not any("audit_chainhead" in q["sql"] for q in queries.captured_queries)
    assert ChainHead.objects.get(pk=1).last_hash == GENESIS_HASH


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_blocks_and_single_appends_keep_the_chain_linear() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared between threads (PostgreSQL)")
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(8):
                if k % 2:
                    with transaction.atomic(), audit_appended_last():
                        _record(k * 100 + i)
                        _record(k * 100 + i + 50)
                else:
                    _record(k * 100 + i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 8 * 2 + 8 * 2 * 2 + 1)
    )
    # the two entries of one block keep their order in the chain (they are neighbours when the
    # head was free; entries stored while another transaction held it are linked in the order
    # they were stored, and concurrent inserts may interleave their ids)
    seq_of = {
        after["n"]: seq
        for seq, after in AuditEntry.objects.values_list("seq", "after")
        if isinstance(after, dict) and seq is not None
    }
    for n, seq in seq_of.items():
        if (n // 100) % 2 and n % 100 < 50:
            assert seq < seq_of[n + 50]
    assert audit_verify().ok


def test_verify_links_an_entry_left_waiting_and_it_then_verifies() -> None:
    from django.core.management import call_command

    _record(1)
    # a process stopped between its commit and the linking: the entry is stored, not linked
    waiting = _record(2)
    AuditEntry.objects.filter(pk=waiting.pk).update(seq=None, hash=None, prev_hash="")
    ChainHead.objects.filter(pk=1).update(last_seq=1, last_hash=AuditEntry.objects.get(seq=1).hash)
    result = audit_verify()
    assert result.ok and result.checked == 1 and result.waiting == 1
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "1 waiting entries linked first" in out.getvalue()
    linked = AuditEntry.objects.get(pk=waiting.pk)
    assert linked.seq == 2 and linked.prev_hash == AuditEntry.objects.get(seq=1).hash
    result = audit_verify()
    assert result.ok and result.checked == 2 and result.waiting == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_append_does_not_wait_for_the_chain_head_and_is_linked_after_the_holder_commits() -> (
    None
):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared between threads (PostgreSQL)")
    ChainHead.objects.get_or_create(pk=1)  # as migrated (an earlier test's flush removed it)
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                _record(1)  # takes the chain head's lock until this transaction commits
                holding.set()
                release.wait(20)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(20)
    started = time.monotonic()
    entry = _record(2)  # its own transaction, committed: the head was taken, so not linked
    assert time.monotonic() - started < 5, "the append waited for the chain head"
    entry.refresh_from_db()
    assert (entry.seq, entry.hash) == (None, None)
    assert audit_verify().waiting == 1
    release.set()
    thread.join()
    assert not errors
    entry.refresh_from_db()  # linked by the holder right after its commit
    assert entry.seq == 2 and entry.prev_hash == AuditEntry.objects.get(seq=1).hash
    result = audit_verify()
    assert result.ok and result.checked == 2 and result.waiting == 0


def test_several_waiting_entries_are_linked_in_the_order_they_were_stored() -> None:
    from audit.services import audit_link_waiting

    first = _record(0)
    waiting = [_record(n) for n in range(1, 5)]
    AuditEntry.objects.filter(pk__in=[e.pk for e in waiting]).update(
        seq=None, hash=None, prev_hash=""
    )
    ChainHead.objects.filter(pk=1).update(last_seq=1, last_hash=first.hash)
    assert audit_link_waiting(wait=True) == 4
    linked = list(AuditEntry.objects.order_by("seq"))
    assert [e.pk for e in linked] == [first.pk, *(e.pk for e in waiting)]
    assert [e.seq for e in linked] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(linked))
    assert audit_verify().ok and audit_verify().checked == 5
    assert audit_link_waiting(wait=True) == 0  # nothing is linked twice
