"""Backup and restore: one archive with the database, every media file and a manifest.

The archive is an uncompressed tar (the database dump is already compressed; media files are
mostly PDFs and images) with these members, in this order:

- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite: the online backup API, a consistent copy while the site runs);
- ``media/<name>`` for every file of Django's default storage, read through the storage API
  (so the same command works when the files live in an S3-compatible store);
- ``manifest.json``: format, engine, creation time, the latest migration of each app, and for
  every part its size and SM3 hash (GB/T 32905, the hash of the audit chain);
- ``manifest.sm3``: the SM3 hash of ``manifest.json``; ``ddt backup create`` prints it, keep it
  apart from the archive to detect a forged manifest, not only a damaged one.

Restore first checks everything (members, sizes, hashes) while copying the parts into a
temporary folder, and only then touches the target, which must be empty: a database without
tables and a media storage without files. A damaged or altered archive is refused with the
target untouched. See docs/operations.md.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

FORMAT = "ddt-backup/1"
MANIFEST = "manifest.json"
MANIFEST_SM3 = "manifest.sm3"
DATABASE_PARTS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that must not go on; the message says why (Chinese / English)."""


class Sm3:
    def __init__(self) -> None:
        self._hash = hashes.Hash(hashes.SM3())

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.finalize().hex()


def sm3_of_bytes(data: bytes) -> str:
    digest = Sm3()
    digest.update(data)
    return digest.hexdigest()


class HashingReader(io.RawIOBase):
    """Reads from ``source`` and hashes what was read (tarfile copies from it)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = Sm3()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.source.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


@dataclass(frozen=True)
class Part:
    name: str
    size: int
    sm3: str


@dataclass(frozen=True)
class Summary:
    archive: Path
    engine: str
    parts: int
    media_files: int
    manifest_sm3: str


# -- storage ------------------------------------------------------------------------------------


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage``, through the storage API only."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # FileSystemStorage before the first upload
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        yield from storage_files(storage, f"{folder}/{sub}" if folder else sub)


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and "\\" not in name
        and all(part not in {"", ".", ".."} for part in path.parts)
    )


# -- database -----------------------------------------------------------------------------------


def _engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_PARTS:
        raise BackupError(f"不支持的数据库 / unsupported database: {connection.vendor}")
    return connection.vendor


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    params = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if params.get(key):
            env[var] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(argv: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {argv[0]} / {argv[0]} is not installed") from exc
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} 失败 / failed: {result.stderr.strip()[-2000:]}")


def dump_database(connection: BaseDatabaseWrapper, target: Path) -> None:
    if _engine(connection) == "postgresql":
        name = str(connection.settings_dict["NAME"])
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                f"--dbname={name}",
            ],
            _pg_env(connection),
        )
        return
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)  # the online backup API
    finally:
        destination.close()


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def table_row_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in table_names(connection):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _latest_migrations(connection: BaseDatabaseWrapper) -> dict[str, str]:
    latest: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            latest[app] = name
    return latest


# -- create -------------------------------------------------------------------------------------


def create_backup(
    archive: Path, *, using: str = "default", storage: Storage | None = None
) -> Summary:
    """Write ``archive`` (refusing to overwrite one); returns what went in."""
    storage = storage or default_storage
    connection = connections[using]
    engine = _engine(connection)
    if archive.exists():
        raise BackupError(f"文件已存在 / the file already exists: {archive}")
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + ".partial")
    parts: list[Part] = []
    media_files = 0
    with tempfile.TemporaryDirectory(prefix="ddt-backup-") as tmp:
        db_name = DATABASE_PARTS[engine]
        db_file = Path(tmp) / db_name
        dump_database(connection, db_file)
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                with db_file.open("rb") as source:
                    parts.append(_add(tar, db_name, source, db_file.stat().st_size))
                for name in storage_files(storage):
                    with storage.open(name, "rb") as source:
                        parts.append(_add(tar, MEDIA_PREFIX + name, source, storage.size(name)))
                    media_files += 1
                manifest = {
                    "format": FORMAT,
                    "engine": engine,
                    "created_at": timezone.now().isoformat(),
                    "migrations": _latest_migrations(connection),
                    "media_files": media_files,
                    "parts": [part.__dict__ for part in parts],
                }
                manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                manifest_sm3 = sm3_of_bytes(manifest_bytes)
                _add_bytes(tar, MANIFEST, manifest_bytes)
                _add_bytes(tar, MANIFEST_SM3, manifest_sm3.encode() + b"\n")
            os.replace(partial, archive)
        finally:
            partial.unlink(missing_ok=True)
    return Summary(archive, engine, len(parts), media_files, manifest_sm3)


def _add(tar: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> Part:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    reader = HashingReader(source)
    tar.addfile(info, reader)
    if reader.size != size:
        raise BackupError(f"文件在备份时改变 / {name} changed while being backed up")
    return Part(name, size, reader.digest.hexdigest())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# -- verify and restore -------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    folder: Path
    manifest: dict[str, Any]
    manifest_sm3: str


def verify_archive(archive: Path, folder: Path, *, expect_sm3: str = "") -> Verified:
    """Copy every member of ``archive`` into ``folder`` while hashing it, then check the
    manifest: its own SM3, the same member set, and each part's size and SM3."""
    seen: dict[str, Part] = {}
    try:
        with tarfile.open(archive, "r:") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not _safe_member_name(name) or name in seen:
                    raise BackupError(f"归档含有不允许的条目 / unexpected archive member: {name!r}")
                target = folder / "parts" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                digest = Sm3()
                size = 0
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[name] = Part(name, size, digest.hexdigest())
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"归档无法读取 / the archive cannot be read: {exc}") from exc
    if MANIFEST not in seen or MANIFEST_SM3 not in seen:
        raise BackupError("归档缺少清单 / the archive has no manifest")
    manifest_bytes = (folder / "parts" / MANIFEST).read_bytes()
    recorded = (folder / "parts" / MANIFEST_SM3).read_text().strip()
    if sm3_of_bytes(manifest_bytes) != recorded:
        raise BackupError("清单哈希不符 / the manifest does not match its SM3 hash")
    if expect_sm3 and expect_sm3.strip().lower() != recorded:
        raise BackupError("清单哈希与预期不符 / the manifest SM3 differs from the expected one")
    try:
        manifest = json.loads(manifest_bytes)
        listed = {p["name"]: Part(p["name"], int(p["size"]), p["sm3"]) for p in manifest["parts"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("清单格式错误 / the manifest is malformed") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式 / unknown backup format: {manifest.get('format')}")
    members = {name: part for name, part in seen.items() if name not in {MANIFEST, MANIFEST_SM3}}
    if set(members) != set(listed):
        raise BackupError("归档内容与清单不符 / the archive's members differ from the manifest")
    for name, part in members.items():
        if part != listed[name]:
            raise BackupError(f"哈希不符 / SM3 hash mismatch: {name}")
    return Verified(folder / "parts", manifest, recorded)


def target_problems(connection: BaseDatabaseWrapper, storage: Storage) -> list[str]:
    problems = []
    tables = table_names(connection)
    if tables:
        problems.append(
            f"目标数据库不为空（{len(tables)} 张表）/ the target database is not empty "
            f"({len(tables)} tables)"
        )
    if next(storage_files(storage), None) is not None:
        problems.append("目标文件存储不为空 / the target media storage is not empty")
    return problems


def restore_backup(
    archive: Path,
    *,
    using: str = "default",
    storage: Storage | None = None,
    expect_sm3: str = "",
) -> Summary:
    """Restore ``archive`` into an empty database and an empty media storage."""
    storage = storage or default_storage
    connection = connections[using]
    engine = _engine(connection)
    with tempfile.TemporaryDirectory(prefix="ddt-restore-") as tmp:
        verified = verify_archive(archive, Path(tmp), expect_sm3=expect_sm3)
        if verified.manifest["engine"] != engine:
            raise BackupError(
                f"备份来自 {verified.manifest['engine']}，目标是 {engine} / the backup is of a "
                f"{verified.manifest['engine']} database, the target is {engine}"
            )
        problems = target_problems(connection, storage)
        if problems:
            raise BackupError("；".join(problems))
        _restore_database(connection, verified.folder / DATABASE_PARTS[engine])
        media = [
            p["name"] for p in verified.manifest["parts"] if p["name"].startswith(MEDIA_PREFIX)
        ]
        for member in media:
            name = member[len(MEDIA_PREFIX) :]
            with (verified.folder / member).open("rb") as source:
                saved = storage.save(name, File(source, name=name))
            if saved != name:
                raise BackupError(f"文件名被存储改变 / the storage renamed {name} to {saved}")
        return Summary(
            archive, engine, len(verified.manifest["parts"]), len(media), verified.manifest_sm3
        )


def _restore_database(connection: BaseDatabaseWrapper, dump: Path) -> None:
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(dump),
            ],
            _pg_env(connection),
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()
