"""Zip batches: safety limits and path traversal; the ingest command's exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from customs.ingestion.building import build_inventories
from customs.models import Declaration
from customs.services import ingest_paths

from .conftest import inventory


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_zip_batch_is_ingested(world: Any, tmp_path: Path) -> None:
    data = build_inventories("export", [inventory("Z1"), inventory("Z2")])
    path = _zip(tmp_path / "batch.zip", {"a/1.xml": data, "readme.txt": b"x"})
    run = ingest_paths(actor=None, paths=[path])
    assert (run.files_total, run.new, run.files_rejected) == (1, 2, 0)


def test_zip_with_path_traversal_is_refused(world: Any, tmp_path: Path) -> None:
    data = build_inventories("export", [inventory("Z1")])
    path = _zip(tmp_path / "evil.zip", {"../../etc/x.xml": data})
    run = ingest_paths(actor=None, paths=[path])
    assert run.files_rejected == 1 and "不安全的路径" in run.errors[0]["error"]
    assert Declaration.objects.count() == 0


def test_zip_bomb_ratio_is_refused(world: Any, tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.zip", {"big.xml": b"<a>" + b" " * 5_000_000 + b"</a>"})
    run = ingest_paths(actor=None, paths=[path])
    assert run.files_rejected == 1 and "压缩炸弹" in run.errors[0]["error"]


def test_zip_entry_over_size_limit_is_refused(world: Any, tmp_path: Path, settings: Any) -> None:
    settings.DDT_CUSTOMS_MAX_FILE_BYTES = 1000
    data = build_inventories("export", [inventory("Z1")])
    path = _zip(tmp_path / "big.zip", {"a.xml": data})
    run = ingest_paths(actor=None, paths=[path])
    assert run.files_rejected == 1 and "大小上限" in run.errors[0]["error"]
    assert Declaration.objects.count() == 0


def test_nested_zip_and_garbage_zip_are_refused(world: Any, tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a.xml", b"<a/>")
    nested = _zip(tmp_path / "nested.zip", {"inner.zip": inner.getvalue()})
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip at all")
    run = ingest_paths(actor=None, paths=[nested, garbage])
    assert run.files_rejected == 2
    assert any("嵌套" in e["error"] for e in run.errors)
    assert any("不是有效的 zip" in e["error"] for e in run.errors)


def test_ingest_command_reports_and_exits_zero_with_rejected_files(world: Any, write: Any) -> None:
    write("c/good.xml", inventories=[inventory("C1")])
    folder = write("c/bad.xml", b"<nope").parent
    out = io.StringIO()
    err = io.StringIO()
    call_command("customs_ingest", str(folder), stdout=out, stderr=err)
    text = out.getvalue()
    assert "新增 new: 1" in text and "bad.xml" in text
    assert Declaration.objects.filter(cop_no="C1").exists()


def test_ingest_command_missing_path_is_a_usage_error(db: Any) -> None:
    with pytest.raises(CommandError) as info:
        call_command("customs_ingest", "/no/such/path.xml")
    assert info.value.returncode == 2


def test_cli_exit_codes(tmp_path: Path) -> None:
    """The real `ddt` entry point: 2 on usage errors (missing path, no argument)."""
    ddt = Path(sys.executable).with_name("ddt")
    env = {"DDT_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "PATH": "/usr/bin:/bin"}
    missing = subprocess.run(
        [str(ddt), "customs", "ingest", "/no/such.xml"], env=env, capture_output=True, check=False
    )
    assert missing.returncode == 2
    none = subprocess.run(
        [str(ddt), "customs", "ingest"], env=env, capture_output=True, check=False
    )
    assert none.returncode == 2
