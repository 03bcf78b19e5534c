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
