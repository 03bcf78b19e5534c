"""Batch inputs: XML files, folders and .zip archives, read one message file at a time.

Zip safety: entry names with ``..``, absolute paths or drive letters are refused (nothing is ever
extracted to disk anyway), as are nested archives, too many entries, a compression ratio above
the limit (zip bombs) and entries or archives whose real decompressed size passes the limits —
sizes are counted while reading, not trusted from the headers.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings


def _limit(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return int(str(value))


def max_file_bytes() -> int:
    """Largest single message file (XML) accepted."""
    return _limit("DDT_CUSTOMS_MAX_FILE_BYTES", 32 * 1024 * 1024)


def max_zip_bytes() -> int:
    """Largest total decompressed size of one archive."""
    return _limit("DDT_CUSTOMS_MAX_ZIP_BYTES", 4 * 1024 * 1024 * 1024)


def max_zip_ratio() -> int:
    return _limit("DDT_CUSTOMS_MAX_ZIP_RATIO", 200)


def max_zip_entries() -> int:
    return _limit("DDT_CUSTOMS_MAX_ZIP_ENTRIES", 200_000)


class SourceError(Exception):
    """A file or archive that cannot be read; ``str(exc)`` is a Chinese message."""


@dataclass(frozen=True)
class Item:
    """One message file to ingest (possibly inside an archive), or an unreadable input."""

    name: str
    read: Callable[[], bytes]
    # A plain file on this machine: a parse worker may read it itself (``read_path``) instead of
    # being sent its bytes.
    path: str | None = None


def read_path(path: str, name: str, limit: int) -> bytes:
    """A plain file's bytes, refused above ``limit`` (counted while reading)."""
    try:
        with open(path, "rb") as stream:
            return _read_limited(stream, name, limit)
    except OSError as exc:
        raise SourceError(f"{name}：无法读取文件 (cannot read: {exc.strerror})。") from exc


def _read_limited(stream: IO[bytes], name: str, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(1024 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise SourceError(f"{name}：文件超过大小上限 {limit} 字节，已拒绝。")
        chunks.append(chunk)
    return b"".join(chunks)


def _unsafe_name(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or ".." in path.parts
        or (len(name) > 1 and name[1] == ":")
        or "\x00" in name
    )


class ZipBatch:
    """The XML entries of one archive, checked before anything is read."""

    def __init__(self, opener: Callable[[], IO[bytes]], name: str) -> None:
        self.name = name
        self._opener = opener
        self._budget = max_zip_bytes()
        try:
            with opener() as handle, zipfile.ZipFile(handle) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SourceError(f"{name}：不是有效的 zip 压缩包（{exc}）。") from exc
        if len(infos) > max_zip_entries():
            raise SourceError(f"{name}：压缩包条目超过 {max_zip_entries()} 个，已拒绝。")
        declared = 0
        self.entries: list[zipfile.ZipInfo] = []
        for info in infos:
            if _unsafe_name(info.filename):
                raise SourceError(f"{name}：压缩包含有不安全的路径“{info.filename}”，已拒绝。")
            if info.is_dir():
                continue
            lower = info.filename.lower()
            if lower.endswith((".zip", ".gz", ".7z", ".rar", ".tar")):
                raise SourceError(f"{name}：不支持嵌套压缩包（{info.filename}），已拒绝。")
            if info.compress_size and info.file_size / info.compress_size > max_zip_ratio():
                raise SourceError(
                    f"{name}：条目“{info.filename}”压缩比超过 {max_zip_ratio()}，"
                    "疑似压缩炸弹，已拒绝。"
                )
            declared += info.file_size
            if lower.endswith(".xml"):
                self.entries.append(info)
        if declared > self._budget:
            raise SourceError(f"{name}：解压后总大小超过 {self._budget} 字节，已拒绝。")

    def items(self) -> Iterator[Item]:
        handle = self._opener()
        archive = zipfile.ZipFile(handle)
        try:
            for info in self.entries:
                yield Item(f"{self.name}!{info.filename}", self._reader(archive, info))
        finally:
            archive.close()
            handle.close()

    def _reader(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
        def read() -> bytes:
            limit = min(max_file_bytes(), self._budget)
            try:
                with archive.open(info) as stream:
                    data = _read_limited(stream, f"{self.name}!{info.filename}", limit)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise SourceError(f"{self.name}!{info.filename}：无法解压（{exc}）。") from exc
            self._budget -= len(data)
            return data

        return read


@dataclass
class Plan:
    """What a batch holds: counted up front so progress can say ``done/total``."""

    entries: list[
        tuple[str, Any]
    ]  # (kind, payload): ("xml", Item) / ("zip", ZipBatch) / ("error", msg)
    total: int

    def items(self) -> Iterator[Item | SourceError]:
        for kind, payload in self.entries:
            if kind == "xml":
                yield payload
            elif kind == "zip":
                yield from payload.items()
            else:
                yield SourceError(payload)


def _open_binary(path: Path) -> IO[bytes]:
    return path.open("rb")


def _file_item(path: Path) -> Item:
    def read() -> bytes:
        return read_path(str(path), path.name, max_file_bytes())

    return Item(str(path), read, str(path))


def plan_paths(paths: list[Path]) -> Plan:
    """Plan a batch from files and folders on disk (``ddt customs ingest``)."""
    entries: list[tuple[str, Any]] = []
    total = 0
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            lower = path.name.lower()
            if lower.endswith(".zip"):
                try:
                    batch = ZipBatch(partial(_open_binary, path), str(path))
                except SourceError as exc:
                    entries.append(("error", str(exc)))
                    total += 1
                    continue
                entries.append(("zip", batch))
                total += len(batch.entries)
            elif lower.endswith(".xml"):
                entries.append(("xml", _file_item(path)))
                total += 1
            elif path == root:
                entries.append(("error", f"{path}：只接受 .xml 或 .zip 文件。"))
                total += 1
    return Plan(entries, total)


def plan_storage(names: list[str], *, storage: Any) -> Plan:
    """Plan a batch from uploaded files kept in Django storage (web and API uploads)."""
    entries: list[tuple[str, Any]] = []
    total = 0
    for name in names:
        display = PurePosixPath(name).name
        if name.lower().endswith(".zip"):
            try:
                batch = ZipBatch(partial(storage.open, name, "rb"), display)
            except SourceError as exc:
                entries.append(("error", str(exc)))
                total += 1
                continue
            entries.append(("zip", batch))
            total += len(batch.entries)
        else:

            def read(n: str = name, d: str = display) -> bytes:
                with storage.open(n, "rb") as stream:
                    return _read_limited(stream, d, max_file_bytes())

            entries.append(("xml", Item(display, read)))
            total += 1
    return Plan(entries, total)
