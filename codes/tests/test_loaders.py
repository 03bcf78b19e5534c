from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from codes import services
from codes.loaders import DATA_DIR, CodeTableError, LoadResult, load_all, load_table
from codes.models import CodeTableVersion, Country, County, Currency, Holiday, SupervisionMode, Unit

pytestmark = pytest.mark.django_db

EXPECTED_ROWS = {
    "counties": 10,
    "countries": 232,
    "currencies": 25,
    "units": 122,
    "supervision_modes": 6,
    "holidays": 123,
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of codes/data/ that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit_line(path: Path, line_no: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_no - 1], lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def _bump_version(data_dir: Path, table: str, version: str) -> None:
    manifest = data_dir / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    marker = f"  {table}:\n"
    head, tail = text.split(marker, 1)
    old_line = next(line for line in tail.splitlines() if "version:" in line)
    manifest.write_text(
        head + marker + tail.replace(old_line, f'    version: "{version}"', 1), encoding="utf-8"
    )


def test_every_table_loads_from_the_shipped_files() -> None:
    results = load_all()
    assert {r.table: r.rows for r in results} == EXPECTED_ROWS
    assert all(r.status == "loaded" and r.created == r.rows for r in results)
    assert County.objects.count() == 10
    assert Country.objects.count() == 232
    assert Currency.objects.count() == 25
    assert Unit.objects.count() == 122
    assert SupervisionMode.objects.count() == 6
    assert Holiday.objects.count() == 123
    versions = {v.table: v for v in CodeTableVersion.objects.all()}
    assert versions["holidays"].version == "2026.1"
    assert versions["countries"].rows == 232 and len(versions["countries"].sha256) == 64


def test_second_run_changes_nothing(code_tables: list[LoadResult]) -> None:
    audit_before = AuditEntry.objects.count()
    stamps = dict(CodeTableVersion.objects.values_list("table", "loaded_at"))
    again = load_all()
    assert [r.status for r in again] == ["unchanged"] * 6
    assert all(r.created == 0 and r.updated == 0 for r in again)
    assert AuditEntry.objects.count() == audit_before
    assert dict(CodeTableVersion.objects.values_list("table", "loaded_at")) == stamps


def test_forced_run_of_an_unchanged_file_writes_nothing(code_tables: list[LoadResult]) -> None:
    audit_before = AuditEntry.objects.count()
    result = load_table("countries", force=True)
    assert (result.status, result.created, result.updated) == ("unchanged", 0, 0)
    assert AuditEntry.objects.count() == audit_before


def test_one_audit_entry_per_table_load(code_tables: list[LoadResult]) -> None:
    entries = AuditEntry.objects.filter(action="codes.load")
    assert entries.count() == 6
    entry = entries.get(object_type="codes.countries")
    assert entry.after is not None
    assert entry.actor_id is None
    assert entry.after["version"] == "2024.1"
    assert (entry.after["created"], entry.after["updated"]) == (232, 0)
    # no entry per row
    assert (
        not AuditEntry.objects.exclude(action="codes.load")
        .filter(object_type__startswith="codes.")
        .exists()
    )


def test_malformed_row_names_file_line_and_column_and_changes_nothing(data_dir: Path) -> None:
    _edit_line(data_dir / "countries.csv", 5, ",064,", ",0X4,")  # 104 Bhutan
    with pytest.raises(CodeTableError) as caught:
        load_all(data_dir=data_dir)
    err = caught.value
    assert (err.file, err.line, err.column) == ("countries.csv", 5, "iso_numeric")
    assert "countries.csv" in str(err) and "第 5 行" in str(err) and "iso_numeric" in str(err)
    # every file is validated before anything is written: not even counties were loaded
    assert County.objects.count() == 0
    assert Country.objects.count() == 0
    assert not CodeTableVersion.objects.exists()
    assert not AuditEntry.objects.exists()


def test_bad_row_in_a_new_version_keeps_the_loaded_data(
    code_tables: list[LoadResult], data_dir: Path
) -> None:
    _edit_line(data_dir / "counties.csv", 2, "Lianyun District", "Lianyun Qu")
    _edit_line(data_dir / "counties.csv", 7, "county,true", "prefecture,true")
    _bump_version(data_dir, "counties", "2024.2")
    with pytest.raises(CodeTableError) as caught:
        load_table("counties", data_dir=data_dir)
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        "counties.csv",
        7,
        "kind",
    )
    assert County.objects.get(code="320703").name_en == "Lianyun District"
    assert CodeTableVersion.objects.get(table="counties").version == "2024.1"


@pytest.mark.parametrize(
    ("file", "line", "old", "new", "column", "fragment"),
    [
        ("holidays.csv", 3, "2024-02-04", "2024-02-30", "date", "不是日期"),
        ("holidays.csv", 3, "false", "maybe", "provisional", "布尔"),
        ("currencies.csv", 13, ",156,", ",142,", "iso_numeric", "156"),
        ("counties.csv", 10, "3207X1", "3207Y1", "code", "3207X"),
        ("units.csv", 2, "001", "1", "code", "3 位数字"),
        ("supervision_modes.csv", 3, "1210,保税电商,", "1210,,", "short_name", "必填"),
    ],
)
def test_value_errors_are_located(
    data_dir: Path, file: str, line: int, old: str, new: str, column: str, fragment: str
) -> None:
    _edit_line(data_dir / file, line, old, new)
    table = file.removesuffix(".csv")
    with pytest.raises(CodeTableError) as caught:
        load_table(table, data_dir=data_dir)
    assert (caught.value.file, caught.value.line, caught.value.column) == (file, line, column)
    assert fragment in caught.value.message
    assert not CodeTableVersion.objects.exists()


def test_duplicate_key_is_refused(data_dir: Path) -> None:
    path = data_dir / "units.csv"
    path.write_text(path.read_text(encoding="utf-8") + "001,台,Duplicate\n", encoding="utf-8")
    with pytest.raises(CodeTableError) as caught:
        load_table("units", data_dir=data_dir)
    assert caught.value.column == "code" and "重复" in caught.value.message
    assert caught.value.line == 124
    assert Unit.objects.count() == 0


def test_missing_and_unknown_columns_are_refused(data_dir: Path) -> None:
    _edit_line(data_dir / "units.csv", 1, "name_en", "english")
    with pytest.raises(CodeTableError) as caught:
        load_table("units", data_dir=data_dir)
    assert (caught.value.line, caught.value.column) == (1, "name_en")


def test_short_row_is_refused(data_dir: Path) -> None:
    _edit_line(data_dir / "units.csv", 4, ",Vehicle", "")
    with pytest.raises(CodeTableError) as caught:
        load_table("units", data_dir=data_dir)
    assert caught.value.line == 4 and "列数" in caught.value.message


def test_unknown_table_is_refused() -> None:
    with pytest.raises(ValueError, match="未知代码表"):
        load_table("ports")


def test_new_version_upserts_and_never_deletes(
    code_tables: list[LoadResult], data_dir: Path, users: dict[str, Any]
) -> None:
    services.code_create(
        actor=users["administrator"],
        table="units",
        values={"code": "164", "name": "亿株", "name_en": "Hundred million plants"},
    )
    _edit_line(data_dir / "units.csv", 2, "Unit (machine)", "Set (machine)")
    _bump_version(data_dir, "units", "2025.1")
    result = load_table("units", data_dir=data_dir)
    assert (result.status, result.created, result.updated, result.kept) == ("updated", 0, 1, 1)
    assert Unit.objects.get(code="001").name_en == "Set (machine)"
    assert Unit.objects.filter(code="164").exists()  # the administrator's row stays
    entry = (
        AuditEntry.objects.filter(action="codes.load", object_type="codes.units")
        .order_by("seq")
        .last()
    )
    assert entry is not None and entry.before is not None
    assert entry.before["version"] == "2024.1"
    assert entry.after == {
        "version": "2025.1",
        "created": 0,
        "updated": 1,
        "rows": 122,
        "sha256": result.sha256,
    }


def test_unchanged_file_keeps_an_administrators_correction(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    services.code_update(
        actor=users["administrator"],
        table="counties",
        key="3207X2",
        values={"name_en": "Yuntai Mountain Scenic Area"},
    )
    assert load_table("counties").status == "unchanged"
    assert County.objects.get(code="3207X2").name_en == "Yuntai Mountain Scenic Area"


def test_stale_provisional_holiday_is_reported(
    code_tables: list[LoadResult], data_dir: Path
) -> None:
    path = data_dir / "holidays.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "2027-06-09" not in line), encoding="utf-8")
    _bump_version(data_dir, "holidays", "2026.2")
    result = load_table("holidays", data_dir=data_dir)
    assert result.status == "updated"
    assert len(result.warnings) == 1 and "2027-06-09" in result.warnings[0]
    assert Holiday.objects.filter(date="2027-06-09").exists()  # reported, not deleted


def test_command_prints_a_summary_and_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("codes_load")
    first = capsys.readouterr().out
    assert "已载入 loaded" in first and "countries" in first and "232" in first
    call_command("codes_load", "holidays", "counties")
    second = capsys.readouterr().out
    assert "未变 unchanged" in second and "countries" not in second
    assert "0 张表有变化" in second


def test_command_rejects_unknown_tables() -> None:
    with pytest.raises(CommandError, match="ports"):
        call_command("codes_load", "ports")
    assert not CodeTableVersion.objects.exists()
