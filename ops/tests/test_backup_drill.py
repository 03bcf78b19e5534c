"""Backup drill on the database the suite runs on (SQLite pass and PostgreSQL pass):
demo-like data → ``create_backup`` → ``ddt backup restore`` into another, empty database and
media folder (a separate process, as on a new server) → every table's row count equal, every
media file equal, the audit chain verifies; a non-empty target and a one-byte change are
refused with the target untouched."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from ops.backup import create_backup, storage_files, table_row_counts

DDT = str(Path(sys.executable).parent / "ddt")
MEDIA = {
    "private/evidence/2026/3/合同 扫描件.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    "private/evidence/2026/3/发票.png": b"\x89PNG\r\n\x1a\n" + os.urandom(5000),
    "reports/2026-11.pdf": b"%PDF-1.4 report",
}


def _count(db: Any, table: str) -> int:
    row = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()  # noqa: S608 - catalogue names
    return int(row[0])


@dataclass
class Target:
    url: str
    media: Path

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "diandiantong.settings.base",
            "DDT_DATABASE_URL": self.url,
            "DDT_MEDIA_ROOT": str(self.media),
        }

    def ddt(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [DDT, *args], env=self.env(), capture_output=True, text=True, timeout=300
        )

    def counts(self) -> dict[str, int]:
        if self.url.startswith("sqlite"):
            path = urlsplit(self.url).path
            if not Path(path).exists():
                return {}
            with sqlite3.connect(path) as db:
                tables = [
                    r[0]
                    for r in db.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {t: _count(db, t) for t in tables}
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as db:
            # Partitions (the customs ledger's months) are counted in their parent table, as
            # Django's table_names() on the source side does.
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT c.relname FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                    "AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                ).fetchall()
            ]
            return {t: _count(db, t) for t in tables}

    def files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.media).as_posix(): p.read_bytes()
            for p in self.media.rglob("*")
            if p.is_file()
        }


@pytest.fixture
def make_target(tmp_path: Path) -> Iterator[Any]:
    created: list[str] = []
    admin_url = ""

    def make(name: str) -> Target:
        nonlocal admin_url
        media = tmp_path / f"{name}-media"
        media.mkdir()
        if connection.vendor == "sqlite":
            return Target(f"sqlite:///{tmp_path / f'{name}.sqlite3'}", media)
        import psycopg

        params = connection.settings_dict
        base = f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}"
        admin_url = f"{base}/postgres"
        db_name = f"{params['NAME']}_{name}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1)) as admin:
            admin.autocommit = True
            admin.execute(f'CREATE DATABASE "{db_name}"')
        created.append(db_name)
        return Target(urlunsplit(urlsplit(base)._replace(path=f"/{db_name}")), media)

    yield make
    if created:
        import psycopg

        with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1)) as admin:
            admin.autocommit = True
            for db_name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


@pytest.fixture
def source(
    transactional_db: Any, users: dict[str, Any], settings: Any, tmp_path: Path
) -> Iterator[dict[str, bytes]]:
    """Committed demo-like data: code tables, one user of every role with its audit entries,
    an enterprise, uploaded files (through the storage API, into a storage of this test's own:
    the suite's in-memory storage keeps what earlier tests of the process saved)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "source-media")},
        },
    }
    call_command("codes_load", verbosity=0)
    for name, data in MEDIA.items():
        assert default_storage.save(name, ContentFile(data)) == name
    yield MEDIA
    for name in list(storage_files(default_storage)):
        default_storage.delete(name)


def flip_one_byte(archive: Path, copy: Path, member: str) -> None:
    with tarfile.open(archive) as tar:
        info = tar.getmember(member)
        offset = info.offset_data + info.size // 2
    data = bytearray(archive.read_bytes())
    data[offset] ^= 0x01
    copy.write_bytes(bytes(data))


def test_backup_drill(source: dict[str, bytes], make_target: Any, tmp_path: Path) -> None:
    archive = tmp_path / "ddt-backup.tar"
    summary = create_backup(archive)
    assert summary.media_files == len(MEDIA)
    source_counts = table_row_counts(connection)
    assert source_counts["audit_auditentry"] >= 6 and source_counts["codes_country"] > 100

    target = make_target("restored")
    restored = target.ddt("backup", "restore", str(archive), "--expect-sm3", summary.manifest_sm3)
    assert restored.returncode == 0, restored.stderr
    assert "audit chain intact" in restored.stdout
    assert target.counts() == source_counts  # every table, every row count
    assert target.files() == MEDIA
    verify = target.ddt("audit", "verify")
    assert verify.returncode == 0, verify.stderr

    # A non-empty target is refused and left as it was.
    again = target.ddt("backup", "restore", str(archive))
    assert again.returncode != 0 and "not empty" in again.stderr
    assert target.counts() == source_counts and target.files() == MEDIA


@pytest.mark.parametrize("member", ["database", "media", "manifest.json"])
def test_a_one_byte_change_is_refused(
    source: dict[str, bytes], make_target: Any, tmp_path: Path, member: str
) -> None:
    archive = tmp_path / "ddt-backup.tar"
    create_backup(archive)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    chosen = next(n for n in names if n.startswith(member))
    damaged = tmp_path / "damaged.tar"
    flip_one_byte(archive, damaged, chosen)

    target = make_target("damaged")
    result = target.ddt("backup", "restore", str(damaged))
    assert result.returncode != 0
    assert "SM3" in result.stderr or "malformed" in result.stderr
    assert target.counts() == {} and target.files() == {}  # untouched
