from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enterprises.demo import generate_uscc
from enterprises.excel import COLUMNS
from enterprises.models import Enterprise
from enterprises.tests.conftest import login_client

HEADERS = [label for _n, label, _r in COLUMNS]


def _xlsx(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _row(
    uscc: str, name: str, county: str = "东海县", kind: str = "生产制造企业", **extra: object
) -> list[object]:
    row: list[object] = [uscc, name, county, kind, "", "", "", 2023, "", "", "", "", ""]
    for key, value in extra.items():
        row[[n for n, _l, _r in COLUMNS].index(key)] = value
    return row


def _upload(client, content: bytes, name: str = "e.xlsx"):
    return client.post(
        reverse("enterprises:import"),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


def test_template_download_opens_with_openpyxl(world) -> None:
    response = login_client(world.reviewer).get(reverse("enterprises:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["企业", "填写说明"]
    header = [c.value for c in wb["企业"][1]]
    assert header[0] == "统一社会信用代码*" and "海关注册编码" in header
    notes = [row[0] for row in wb["填写说明"].iter_rows(values_only=True)]
    assert "320722" in notes and "manufacturer" in notes


def test_template_and_import_denied_to_county_officer(world) -> None:
    client = login_client(world.donghai_officer)
    assert client.get(reverse("enterprises:import_template")).status_code == 403
    content = _xlsx([_row(generate_uscc(random.Random(1)), "新企业")])
    assert _upload(client, content).status_code == 403
    assert Enterprise.objects.count() == 2


def test_import_happy_path(world) -> None:
    rng = random.Random(5)
    rows = [
        _row(generate_uscc(rng), "导入一号", county="320722", customs_code="3207961Q43"),
        _row(
            generate_uscc(rng), "导入二号", county="赣榆区", kind="trader", contact_email="a@b.cn"
        ),
    ]
    response = _upload(login_client(world.reviewer), _xlsx(rows))
    assert response.status_code == 302
    one = Enterprise.objects.get(name="导入一号")
    assert one.county.code == "320722" and one.customs_code == "3207961Q43"
    assert one.first_cbec_year == 2023 and one.status == "active"
    assert Enterprise.objects.get(name="导入二号").kind == "trader"


def test_import_with_one_bad_row_imports_nothing(world) -> None:
    rng = random.Random(6)
    good = generate_uscc(rng)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        _row(generate_uscc(rng), "好企业"),
        _row(bad, "坏企业"),
        _row(generate_uscc(rng), "县区错", county="火星区"),
        _row(world.a.uscc, "已登记企业"),
        _row(good, "重复一"),
        _row(good, "重复二"),
    ]
    response = _upload(login_client(world.reviewer), _xlsx(rows))
    assert response.status_code == 400
    html = response.content.decode()
    assert Enterprise.objects.count() == 2
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert (3, "统一社会信用代码") in errors
    assert (4, "所属县区") in errors
    assert (5, "统一社会信用代码") in errors
    assert (7, "统一社会信用代码") in errors
    assert "校验码错误" in html and "火星区" in html and "与第6行重复" in html


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not an excel file", "x.xlsx", "不是有效的 Excel"),
        (b"PK\x03\x04broken zip", "x.xlsx", "已损坏"),
        (b"a,b\n", "x.csv", "只能导入 .xlsx"),
    ],
)
def test_import_rejects_bad_files(world, content: bytes, name: str, message: str) -> None:
    response = _upload(login_client(world.reviewer), content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Enterprise.objects.count() == 2


def test_import_limits(world, settings) -> None:
    settings.DDT_EXCEL_MAX_ROWS = 2
    rng = random.Random(8)
    rows = [_row(generate_uscc(rng), f"企业{i}") for i in range(3)]
    response = _upload(login_client(world.reviewer), _xlsx(rows))
    assert "行数超过上限" in response.content.decode()
    settings.DDT_EXCEL_MAX_BYTES = 100
    response = _upload(login_client(world.reviewer), _xlsx(rows[:1]))
    assert "大小上限" in response.content.decode()
    assert Enterprise.objects.count() == 2


def test_import_missing_required_column(world) -> None:
    content = _xlsx([["x"]], headers=["企业名称"])
    response = _upload(login_client(world.reviewer), content)
    assert "缺少必填列" in response.content.decode()


def test_export_contains_only_filtered_rows_in_scope(world, make_enterprise) -> None:
    make_enterprise("丙平台公司", "donghai", kind="platform", tags=["=cmd"], address="=1+1")
    client = login_client(world.donghai_officer)
    response = client.get(reverse("enterprises:export"), {"kind": "platform"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码"
    assert [r[1] for r in rows[1:]] == ["丙平台公司"]
    assert rows[1][9] == "'=1+1"  # quoted text (core.excel.safe_cell), not a formula
    # Without filters the county officer still gets only their county.
    response = client.get(reverse("enterprises:export"))
    names = {
        r[1]
        for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    }
    assert names == {world.a.name, "丙平台公司"}
    # And enterprise users cannot export at all.
    assert login_client(world.user_a).get(reverse("enterprises:export")).status_code == 403


def test_export_and_template_write_no_formula(world, make_enterprise) -> None:
    from core.tests.excel_checks import HOSTILE, assert_safe_export
    from enterprises.models import IndustryBelt

    make_enterprise(HOSTILE, "donghai", address="+1+1", contact_name="@cmd")
    IndustryBelt.objects.create(name="=1+1 产业带", county=world.a.county, recognised_year=2025)
    values = assert_safe_export(
        login_client(world.reviewer).get(reverse("enterprises:export")), expect=HOSTILE
    )
    assert "'+1+1" in values and "'@cmd" in values
    template = login_client(world.reviewer).get(reverse("enterprises:import_template"))
    assert "'=1+1 产业带" in assert_safe_export(template)


def test_list_export_link_keeps_filters(world) -> None:
    html = (
        login_client(world.reviewer)
        .get(reverse("enterprises:list"), {"q": "水晶", "page": "1"})
        .content.decode()
    )
    assert 'href="/enterprises/export/?q=%E6%B0%B4%E6%99%B6"' in html


def test_import_command(world, tmp_path: Path) -> None:
    rng = random.Random(9)
    good = tmp_path / "good.xlsx"
    good.write_bytes(_xlsx([_row(generate_uscc(rng), "命令导入")]))
    call_command("enterprises_import", str(good), actor="reviewer")
    assert Enterprise.objects.filter(name="命令导入").exists()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([_row("123", "命令坏行"), _row(generate_uscc(rng), "命令好行")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("enterprises_import", str(bad), actor="reviewer", stderr=err)
    assert info.value.returncode == 1
    assert "第2行 [统一社会信用代码]" in err.getvalue()
    assert not Enterprise.objects.filter(name__startswith="命令好行").exists()

    with pytest.raises(CommandError):
        call_command("enterprises_import", str(good), actor="officer_dh")


def test_ddt_command_exit_code(tmp_path: Path) -> None:
    """`ddt enterprises import` really exits 1 (run as a process against a throwaway SQLite)."""
    db = tmp_path / "cli.sqlite3"
    env = {"DDT_DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"}
    ddt = str(Path(sys.executable).with_name("ddt"))
    subprocess.run([ddt, "migrate", "-v0"], check=True, env=env, timeout=300)
    missing = subprocess.run(
        [ddt, "enterprises", "import", str(tmp_path / "none.xlsx"), "--actor", "nobody"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 1
    assert "不存在" in missing.stderr
