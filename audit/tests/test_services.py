from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from audit.chain import entry_hash
from audit.models import GENESIS_HASH, AuditEntry, ChainHead
from audit.services import audit_record, audit_verify, jsonable

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEntry]:
    return [
        audit_record(actor=None, action="test.step", object_type="test.Thing", after={"n": i})
        for i in range(1, n + 1)
    ]


def test_audit_record_builds_a_chain() -> None:
    first, second, third = _append(3)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    head = ChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (3, third.hash)
    assert audit_verify().ok and audit_verify().checked == 3


def test_hash_covers_content() -> None:
    (entry,) = _append(1)
    fields: dict[str, Any] = {
        "seq": entry.seq,
        "at": entry.at,
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "client_ip": entry.client_ip,
        "prev_hash": entry.prev_hash,
    }
    assert entry_hash(**fields) == entry.hash
    assert entry_hash(**{**fields, "after": {"n": 2}}) != entry.hash


def test_edited_after_field_breaks_the_chain_at_that_entry() -> None:
    _append(4)
    AuditEntry.objects.filter(seq=2).update(after={"n": 99})
    result = audit_verify()
    assert not result.ok and result.broken_seq == 2 and result.checked == 1
    assert "hash" in result.reason


def test_edited_row_with_recomputed_hash_breaks_the_next_link() -> None:
    _append(3)
    entry = AuditEntry.objects.get(seq=2)
    forged = entry_hash(
        seq=2,
        at=entry.at.astimezone(dt.UTC),
        actor_id=None,
        actor_repr=entry.actor_repr,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        before=None,
        after={"n": 99},
        client_ip=entry.client_ip,
        prev_hash=entry.prev_hash,
    )
    AuditEntry.objects.filter(seq=2).update(after={"n": 99}, hash=forged)
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3


def test_deleted_middle_row_is_detected() -> None:
    _append(4)
    AuditEntry.objects.filter(seq=2).delete()
    result = audit_verify()
    assert not result.ok and result.broken_seq == 2 and "missing" in result.reason


def test_deleted_last_row_is_detected_through_chain_head() -> None:
    _append(3)
    AuditEntry.objects.filter(seq=3).delete()
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3 and "tail" in result.reason


def test_empty_chain_is_intact() -> None:
    result = audit_verify()
    assert result.ok and result.checked == 0


def test_decimal_and_date_values_round_trip_and_verify() -> None:
    before = {"amount": Decimal("100000.00"), "day": dt.date(2026, 11, 26)}
    after = {
        "zz_last": "z",
        "amount": Decimal("123456.78"),
        "day": dt.date(2027, 12, 31),
        "at": dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC),
        "nested": {"b": [Decimal("0.02"), 1], "a": {"y": 1, "x": None}},
        "rate": 0.3,
        "a": True,
    }
    entry = audit_record(actor=None, action="test.money", before=before, after=after)
    entry.refresh_from_db()
    assert entry.before == {"amount": "100000.00", "day": "2026-11-26"}
    assert isinstance(entry.after, dict)
    assert entry.after["amount"] == "123456.78"
    assert entry.after["nested"] == {"b": ["0.02", 1], "a": {"y": 1, "x": None}}
    assert entry.after == jsonable(after)
    if connection.vendor == "postgresql":
        # jsonb stores keys in its own order (shorter keys first), not ours; the canonical
        # form sorts keys, so verification must not depend on that order.
        assert list(entry.after) != list(jsonable(after))
    assert audit_verify().ok


def test_client_ip_and_actor_are_recorded(make_user: Any) -> None:
    user = make_user("alice", "city_reviewer")
    entry = audit_record(actor=user, action="test.x", client_ip="192.0.2.1")
    assert (entry.actor_id, entry.actor_repr, entry.client_ip) == (user.pk, "alice", "192.0.2.1")
    anonymous = audit_record(actor=None, action="test.y")
    assert (anonymous.actor_id, anonymous.actor_repr) == (None, "system")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_linear() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared between threads (PostgreSQL)")
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(10):
                audit_record(actor=None, action="test.concurrent", after={"k": k, "i": i})
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
        range(1, 41)
    )
    assert audit_verify().ok
