from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def _append(n: int) -> None:
    for i in range(n):
        audit_record(actor=None, action="test.step", after={"i": i})


def test_verify_passes_on_intact_chain() -> None:
    _append(3)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "3" in out.getvalue() and "intact" in out.getvalue()


@pytest.mark.parametrize(
    ("tamper", "broken"),
    [
        (lambda: AuditEntry.objects.filter(seq=2).update(after={"i": 42}), 2),
        (lambda: AuditEntry.objects.filter(seq=2).delete(), 2),
        (lambda: AuditEntry.objects.filter(seq=3).delete(), 3),
    ],
    ids=["edited", "middle-deleted", "tail-truncated"],
)
def test_verify_fails_naming_the_first_broken_entry(tamper: Any, broken: int) -> None:
    _append(3)
    tamper()
    with pytest.raises(CommandError, match=f"entry {broken}:"):
        call_command("audit_verify")


BIN = Path(sys.executable).parent


@pytest.mark.django_db(transaction=False)
def test_ddt_audit_verify_exit_status_on_a_file_database(tmp_path: Path) -> None:
    """The real command line: exit 0 on an intact chain, 1 (with the entry) once tampered."""
    import sqlite3

    db = tmp_path / "ddt.sqlite3"
    env = {
        **os.environ,
        "DDT_DATABASE_URL": f"sqlite:///{db}",
        "DDT_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "diandiantong.settings.test",
    }
    ddt = str(BIN / "ddt")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ddt, *args], env=env, capture_output=True, text=True, timeout=180, check=False
        )

    assert run("migrate", "--noinput").returncode == 0
    code = (
        "from audit.services import audit_record\n"
        "for i in range(3): audit_record(actor=None, action='test.cli', after={'i': i})\n"
    )
    assert run("shell", "-c", code).returncode == 0
    ok = run("audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "3" in ok.stdout

    with sqlite3.connect(db) as conn:
        conn.execute("""UPDATE audit_auditentry SET after = '{"i": 7}' WHERE seq = 2""")
    broken = run("audit", "verify")
    assert broken.returncode == 1
    assert "entry 2" in broken.stderr


def _head() -> str:
    out = StringIO()
    call_command("audit_head", stdout=out)
    return out.getvalue().strip()


def test_head_prints_position_and_hash_and_verify_accepts_it_and_later_entries() -> None:
    _append(3)
    head = _head()
    last = AuditEntry.objects.get(seq=3)
    assert head == f"3:{last.hash}"
    _append(2)  # the log goes on after the anchor was taken
    out = StringIO()
    call_command("audit_verify", "--head", head, stdout=out)
    assert "5" in out.getvalue() and "anchored head 3" in out.getvalue()


def _rechain(from_seq: int) -> None:
    """The attacker of issue 13: edits an entry and recomputes every hash after it, and the head."""
    import datetime as dt

    from audit.chain import entry_hash
    from audit.models import GENESIS_HASH, ChainHead

    prev = GENESIS_HASH
    for entry in AuditEntry.objects.order_by("seq"):
        assert entry.seq is not None
        if entry.seq == from_seq:
            entry.after = {"i": "forged"}
        entry.prev_hash = prev
        entry.hash = entry_hash(
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
        entry.save()
        prev = entry.hash
    ChainHead.objects.filter(pk=1).update(last_hash=prev)


def _cut_tail(keep: int) -> None:
    from audit.models import ChainHead

    AuditEntry.objects.filter(seq__gt=keep).delete()
    ChainHead.objects.filter(pk=1).update(
        last_seq=keep, last_hash=AuditEntry.objects.get(seq=keep).hash
    )


@pytest.mark.parametrize(
    ("attack", "broken"),
    [(lambda: _rechain(2), 3), (lambda: _cut_tail(2), 3)],
    ids=["recomputed-chain", "cut-tail-with-fixed-head"],
)
def test_verify_with_head_detects_what_the_chain_alone_cannot(attack: Any, broken: int) -> None:
    _append(3)
    head = _head()
    attack()
    call_command("audit_verify", stdout=StringIO())  # the chain alone still says "intact"
    with pytest.raises(CommandError, match=f"entry {broken}:"):
        call_command("audit_verify", "--head", head)


def test_verify_refuses_a_malformed_head_and_head_refuses_a_broken_chain() -> None:
    _append(2)
    with pytest.raises(CommandError, match="64 hex"):
        call_command("audit_verify", "--head", "2:xyz")
    AuditEntry.objects.filter(seq=1).update(after={"i": 9})
    with pytest.raises(CommandError, match="broken at entry 1"):
        _head()
