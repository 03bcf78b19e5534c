"""Load the shipped code tables (``codes/data/*.csv`` listed in ``codes/data/manifest.yaml``).

Rules:

* Every row is validated first (``codes.tables``); the first bad value stops the load with an error
  naming the file, line and column, and nothing is written.
* A table is written in one transaction: rows are upserted by their natural key and **never
  deleted** (rows an administrator added stay; the report counts them as ``kept``).
* A file whose SHA-256 equals the one recorded in ``CodeTableVersion`` is skipped ("unchanged"),
  so an administrator's corrections in the admin survive redeploys. ``force=True`` re-applies the
  file (still writing only rows whose values differ).
* One audit entry per table that changed (action ``codes.load``), none per row.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from codes.models import CodeTableVersion, Holiday
from codes.tables import TABLES, RowError, TableSpec, clean_row, parse_text, spec_for

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST_NAME = "manifest.yaml"


class CodeTableError(ValueError):
    """A data file or manifest problem, located as precisely as possible."""

    def __init__(
        self, file: str, message: str, *, line: int | None = None, column: str = ""
    ) -> None:
        self.file, self.line, self.column, self.message = file, line, column, message
        where = file
        if line is not None:
            where += _(" 第 %(n)d 行") % {"n": line}
        if column:
            where += _("，列“%(c)s”") % {"c": column}
        super().__init__(f"{where}：{message}")


@dataclass(frozen=True)
class ManifestEntry:
    table: str
    file: str
    version: str
    source: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ParsedTable:
    spec: TableSpec
    entry: ManifestEntry
    sha256: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class LoadResult:
    table: str
    version: str
    status: str  # "loaded" (first time) | "updated" | "unchanged"
    rows: int
    created: int = 0
    updated: int = 0
    kept: int = 0  # rows in the database that the file does not list (never deleted)
    sha256: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"


def read_manifest(data_dir: Path | None = None) -> dict[str, ManifestEntry]:
    path = (data_dir or DATA_DIR) / MANIFEST_NAME
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodeTableError(MANIFEST_NAME, _("清单文件不存在。")) from None
    except yaml.YAMLError as exc:
        raise CodeTableError(MANIFEST_NAME, _("YAML 格式错误：%(e)s") % {"e": exc}) from None
    tables = (doc or {}).get("tables")
    if not isinstance(tables, dict):
        raise CodeTableError(MANIFEST_NAME, _("缺少 tables 段。"))
    entries: dict[str, ManifestEntry] = {}
    for name, item in tables.items():
        if name not in TABLES:
            raise CodeTableError(MANIFEST_NAME, _("未知代码表：%(t)s") % {"t": name})
        if not isinstance(item, dict) or not item.get("file") or not item.get("version"):
            raise CodeTableError(
                MANIFEST_NAME, _("代码表 %(t)s 必须写明 file 和 version。") % {"t": name}
            )
        entries[name] = ManifestEntry(
            table=name,
            file=str(item["file"]),
            version=str(item["version"]),
            source=str(item.get("source", "")),
            notes=str(item.get("notes", "")),
        )
    return entries


def parse_table(name: str, *, data_dir: Path | None = None) -> ParsedTable:
    """Read and validate one table's file; raise ``CodeTableError`` on the first bad value."""
    spec = spec_for(name)
    entry = read_manifest(data_dir).get(name)
    if entry is None:
        raise CodeTableError(MANIFEST_NAME, _("清单中没有代码表 %(t)s。") % {"t": name})
    path = (data_dir or DATA_DIR) / entry.file
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CodeTableError(entry.file, _("文件不存在。")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodeTableError(entry.file, _("不是 UTF-8 编码（%(e)s）。") % {"e": exc}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = reader.fieldnames or []
    missing = [c for c in spec.columns if c not in header]
    if missing:
        raise CodeTableError(
            entry.file, _("缺少列：%(c)s") % {"c": ", ".join(missing)}, line=1, column=missing[0]
        )
    extra = [c for c in header if c not in spec.columns]
    if extra:
        raise CodeTableError(
            entry.file, _("未知列：%(c)s") % {"c": ", ".join(extra)}, line=1, column=extra[0]
        )
    rows: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if None in record or any(v is None for v in record.values()):
                raise CodeTableError(
                    entry.file,
                    _("列数与表头不一致（表头 %(n)d 列）。") % {"n": len(header)},
                    line=line,
                )
            try:
                typed = {c: parse_text(spec, c, record[c]) for c in spec.columns}
                row = clean_row(spec, typed)
            except RowError as exc:
                raise CodeTableError(
                    entry.file, exc.message, line=line, column=exc.column
                ) from None
            key = row[spec.key]
            if key in seen:
                raise CodeTableError(
                    entry.file,
                    _("“%(k)s”与第 %(n)d 行重复。") % {"k": key, "n": seen[key]},
                    line=line,
                    column=spec.key,
                )
            seen[key] = line
            rows.append(row)
    except csv.Error as exc:
        raise CodeTableError(entry.file, str(exc), line=reader.line_num) from None
    return ParsedTable(spec=spec, entry=entry, sha256=hashlib.sha256(raw).hexdigest(), rows=rows)


def _stale_provisional(parsed: ParsedTable) -> tuple[str, ...]:
    """Provisional holidays in the database that a newer file no longer lists."""
    if parsed.spec.name != "holidays":
        return ()
    in_file = {r["date"] for r in parsed.rows}
    years = {d.year for d in in_file}
    stale = Holiday.objects.filter(provisional=True, date__year__in=years).exclude(date__in=in_file)
    return tuple(
        _("暂定节假日 %(d)s %(n)s 不在新文件中，请管理员核对后删除。") % {"d": h.date, "n": h.name}
        for h in stale
    )


@transaction.atomic
def _write(parsed: ParsedTable, *, force: bool) -> LoadResult:
    spec, entry = parsed.spec, parsed.entry
    previous = CodeTableVersion.objects.select_for_update().filter(table=spec.name).first()
    same_file = (
        previous is not None
        and previous.sha256 == parsed.sha256
        and previous.version == entry.version
    )
    if same_file and not force:
        rows = previous.rows if previous is not None else len(parsed.rows)
        return LoadResult(spec.name, entry.version, "unchanged", rows=rows, sha256=parsed.sha256)
    model = spec.model
    existing = {getattr(obj, spec.key): obj for obj in model._default_manager.all()}
    to_create, created, updated = [], 0, 0
    for row in parsed.rows:
        obj = existing.get(row[spec.key])
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = [c for c in spec.editable_columns if getattr(obj, c) != row[c]]
        if changed:
            for c in changed:
                setattr(obj, c, row[c])
            obj.save(update_fields=changed)
            updated += 1
    if to_create:
        model._default_manager.bulk_create(to_create)
        created = len(to_create)
    in_file = {row[spec.key] for row in parsed.rows}
    kept = sum(1 for k in existing if k not in in_file)
    if same_file and not (created or updated):
        return LoadResult(
            spec.name,
            entry.version,
            "unchanged",
            rows=len(parsed.rows),
            kept=kept,
            sha256=parsed.sha256,
        )
    status = "loaded" if previous is None else "updated"
    CodeTableVersion.objects.update_or_create(
        table=spec.name,
        defaults={"version": entry.version, "sha256": parsed.sha256, "rows": len(parsed.rows)},
    )
    audit_record(
        actor=None,
        action="codes.load",
        object_type=f"codes.{spec.name}",
        object_id=entry.version,
        object_repr=f"{spec.name} {entry.version}",
        before=(
            {"version": previous.version, "sha256": previous.sha256, "rows": previous.rows}
            if previous is not None
            else None
        ),
        after={
            "version": entry.version,
            "created": created,
            "updated": updated,
            "rows": len(parsed.rows),
            "sha256": parsed.sha256,
        },
    )
    if spec.name == "holidays":
        from codes.workdays import clear_cache

        clear_cache()
        transaction.on_commit(clear_cache)
    return LoadResult(
        spec.name,
        entry.version,
        status,
        rows=len(parsed.rows),
        created=created,
        updated=updated,
        kept=kept,
        sha256=parsed.sha256,
        warnings=_stale_provisional(parsed),
    )


def load_table(name: str, *, force: bool = False, data_dir: Path | None = None) -> LoadResult:
    """Validate and load one table (see the module docstring for the rules)."""
    return _write(parse_table(name, data_dir=data_dir), force=force)


def load_all(
    names: Iterable[str] | None = None, *, force: bool = False, data_dir: Path | None = None
) -> list[LoadResult]:
    """Load several tables (default: every table in the manifest, in manifest order).

    All files are validated before anything is written, so one bad file stops the whole run
    with nothing changed. Each table is then written in its own transaction.
    """
    selected = list(names) if names else list(read_manifest(data_dir))
    parsed = [parse_table(name, data_dir=data_dir) for name in selected]
    return [_write(p, force=force) for p in parsed]
