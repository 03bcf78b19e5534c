"""Pages and API: upload → background task → progress; scopes with denial tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customs.ingestion.building import build_inventories, build_receipts
from customs.models import (
    CustomsCodeMapping,
    Declaration,
    IngestRun,
    LedgerAggregate,
    LedgerLine,
    RunStatus,
)
from customs.services import customs_code_map, ingest_paths

from .conftest import CODE_A, CODE_B, inventory, login_client, receipt
from .urls import API

pytestmark = pytest.mark.urls("customs.tests.urls")


def _seed(write: Any) -> None:
    write(
        "v/d.xml",
        inventories=[
            inventory("A1"),
            inventory("B1", code=CODE_B),
            inventory("U1", code="3207999999"),
        ],
    )
    ingest_paths(
        actor=None,
        paths=[write("v/r.xml", receipts=[receipt("A1"), receipt("B1", code=CODE_B)]).parent],
    )


def _xml() -> bytes:
    return build_inventories("export", [inventory("W1"), inventory("W2")])


def test_upload_runs_background_task_and_shows_progress(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login_client(world.user_a)
    upload = SimpleUploadedFile("batch.xml", _xml(), content_type="text/xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/customs/upload/", {"batch": [upload]})
    assert response.status_code == 302
    run = IngestRun.objects.get()
    assert response["Location"].endswith(f"/customs/runs/{run.pk}/")
    assert run.status == RunStatus.DONE and run.new == 2 and run.enterprise == world.a
    page = client.get(f"/customs/runs/{run.pk}/progress/")
    assert page.status_code == 200
    assert 'hx-trigger="every 2s"' not in page.content.decode()  # finished: polling stops
    assert Declaration.objects.filter(cop_no="W1", enterprise=world.a).exists()


def test_progress_fragment_polls_while_queued(world: Any) -> None:
    run = IngestRun.objects.create(
        source="web", actor=world.user_a, enterprise=world.a, status=RunStatus.QUEUED
    )
    html = login_client(world.user_a).get(f"/customs/runs/{run.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in html and f"/customs/runs/{run.pk}/progress/" in html
    assert "<script" not in html


def test_upload_rejects_other_file_types_and_changes_nothing(world: Any) -> None:
    client = login_client(world.user_a)
    upload = SimpleUploadedFile("evil.exe", b"MZ", content_type="application/octet-stream")
    response = client.post("/customs/upload/", {"batch": [upload]})
    assert response.status_code == 400
    assert "只接受 .xml 或 .zip" in response.content.decode()
    assert IngestRun.objects.count() == 0


@pytest.mark.parametrize("who", ["partner", "anonymous"])
def test_upload_denied_to_partner_and_anonymous(world: Any, who: str) -> None:
    from django.test import Client

    client = login_client(world.partner) if who == "partner" else Client()
    upload = SimpleUploadedFile("batch.xml", _xml(), content_type="text/xml")
    response = client.post("/customs/upload/", {"batch": [upload]})
    assert response.status_code in {302, 403}
    assert IngestRun.objects.count() == 0 and Declaration.objects.count() == 0


def test_enterprise_sees_only_its_own_declarations(world: Any, write: Any) -> None:
    _seed(write)
    a1 = Declaration.objects.get(cop_no="A1")
    b1 = Declaration.objects.get(cop_no="B1")
    client = login_client(world.user_b)
    listing = client.get("/customs/declarations/").content.decode()
    # match the cop_no cell, not any "A1" that a random CSRF token may contain
    assert "<td>B1</td>" in listing and "<td>A1</td>" not in listing
    assert client.get(f"/customs/declarations/{a1.pk}/").status_code == 404
    assert client.get(f"/customs/declarations/{b1.pk}/").status_code == 200
    assert client.get(f"/customs/ledger/{world.a.pk}/export/").status_code == 404
    export = client.get(f"/customs/ledger/{world.b.pk}/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )


def test_ledger_export_has_the_six_fields(world: Any, write: Any) -> None:
    import io

    from openpyxl import load_workbook

    _seed(write)
    response = login_client(world.user_a).get(f"/customs/ledger/{world.a.pk}/export/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:6] == ("日期", "商品名称", "计量单位", "数量", "单价", "金额")
    assert len(rows) == 3  # title, header, the one released line of A
    assert rows[2][1] == "水晶手链"


def test_ledger_export_keeps_hostile_goods_names_as_text(world: Any, write: Any) -> None:
    from core.tests.excel_checks import HOSTILE, assert_safe_export

    _seed(write)
    LedgerLine.objects.update(goods_name=HOSTILE)
    response = login_client(world.user_a).get(f"/customs/ledger/{world.a.pk}/export/")
    assert_safe_export(response, expect=HOSTILE)


def test_stats_workbook_quotes_hostile_names() -> None:
    import io

    from openpyxl import load_workbook

    from customs.excel import stats_workbook

    data = {"year": 2026, "total_cny": "1.00"}
    for key in ("by_mode", "by_direction", "by_month", "by_county", "by_enterprise", "by_country"):
        data[key] = {"=1+1": "1.00"}
    wb = load_workbook(io.BytesIO(stats_workbook(data)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert "'=1+1" in [c.value for c in cells]


def test_county_officer_scope(world: Any, write: Any) -> None:
    _seed(write)
    a1 = Declaration.objects.get(cop_no="A1")
    ganyu = login_client(world.ganyu_officer)
    assert ganyu.get(f"/customs/declarations/{a1.pk}/").status_code == 404
    assert ganyu.get(f"/customs/ledger/{world.a.pk}/export/").status_code == 404
    donghai = login_client(world.donghai_officer)
    assert donghai.get(f"/customs/declarations/{a1.pk}/").status_code == 200
    assert "A1" in login_client(world.reviewer).get("/customs/declarations/").content.decode()


def test_enterprise_b_cannot_see_runs_of_a(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        login_client(world.user_a).post(
            "/customs/upload/", {"batch": [SimpleUploadedFile("a.xml", _xml())]}
        )
    run = IngestRun.objects.get()
    client_b = login_client(world.user_b)
    assert client_b.get(f"/customs/runs/{run.pk}/").status_code == 404
    assert client_b.get(f"/customs/runs/{run.pk}/progress/").status_code == 404
    assert f"#{run.pk}" not in client_b.get("/customs/runs/").content.decode()
    assert login_client(world.user_a).get(f"/customs/runs/{run.pk}/").status_code == 200


def test_unknown_codes_page_and_mapping(world: Any, write: Any) -> None:
    _seed(write)
    officer = login_client(world.reviewer)
    page = officer.get("/customs/unknown-codes/").content.decode()
    assert "3207999999" in page
    response = officer.post(
        "/customs/unknown-codes/map/", {"code": "3207999999", "uscc": world.b.uscc}
    )
    assert response.status_code == 302
    assert Declaration.objects.get(cop_no="U1").enterprise == world.b
    assert CustomsCodeMapping.objects.get(code="3207999999").enterprise == world.b
    assert "3207999999" not in officer.get("/customs/unknown-codes/").content.decode()


def test_mapping_denied_to_enterprise_and_other_county(world: Any, write: Any) -> None:
    from django.core.exceptions import PermissionDenied

    _seed(write)
    response = login_client(world.user_a).post(
        "/customs/unknown-codes/map/", {"code": "3207999999", "uscc": world.a.uscc}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        customs_code_map(actor=world.ganyu_officer, code="3207999999", enterprise=world.a)
    assert not CustomsCodeMapping.objects.exists()
    assert Declaration.objects.get(cop_no="U1").enterprise is None
    assert login_client(world.user_a).get("/customs/unknown-codes/").status_code == 403


def test_mapping_moves_aggregate_to_the_enterprise(world: Any, write: Any) -> None:
    write("m/d.xml", inventories=[inventory("U1", code="3207999999")])
    ingest_paths(
        actor=None, paths=[write("m/r.xml", receipts=[receipt("U1", code="3207999999")]).parent]
    )
    customs_code_map(actor=world.donghai_officer, code="3207999999", enterprise=world.a)
    row = LedgerAggregate.objects.get()
    assert row.enterprise == world.a and row.county == world.a.county
    line = LedgerLine.objects.get()  # found through its declaration's code
    assert (line.enterprise, line.county) == (world.a, world.a.county)
    # Later messages with the code go straight to the enterprise.
    write("m2/d.xml", inventories=[inventory("U2", code="3207999999")])
    ingest_paths(
        actor=None, paths=[write("m2/d.xml", inventories=[inventory("U2", code="3207999999")])]
    )
    assert Declaration.objects.get(cop_no="U2").enterprise == world.a


def test_retail_breaches_page_for_officers_only(world: Any, write: Any) -> None:
    spec = inventory(
        "I1",
        mode="1210",
        country="142",
        buyer="320706199001011234",
        lines=[
            __import__("customs.tests.conftest", fromlist=["line"]).line(
                "1", "6000", currency="142"
            )
        ],
    )
    ingest_paths(actor=None, paths=[write("i.xml", direction="import", inventories=[spec])])
    assert (
        "财关税〔2018〕49号"
        in login_client(world.reviewer).get("/customs/retail-breaches/").content.decode()
    )
    assert login_client(world.user_a).get("/customs/retail-breaches/").status_code == 403
    assert (
        "6000.00"
        not in login_client(world.ganyu_officer).get("/customs/retail-breaches/").content.decode()
    )


def test_stats_page_county_officer_sees_own_county_only(world: Any, write: Any) -> None:
    _seed(write)
    html = (
        login_client(world.ganyu_officer)
        .get("/customs/stats/?year=2025&county=320722")
        .content.decode()
    )
    assert "<dt>320722</dt>" not in html and "<dt>320707</dt>" in html
    assert login_client(world.user_a).get("/customs/stats/?year=2025").status_code == 403


# -- API -------------------------------------------------------------------------------------


def test_api_upload_status_and_declarations(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login_client(world.user_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/uploads", {"files": [SimpleUploadedFile("a.xml", _xml())]})
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    status = client.get(f"{API}/runs/{run_id}").json()
    assert status["status"] == "done" and status["new"] == 2
    listing = client.get(f"{API}/declarations").json()
    assert listing["count"] == 2
    detail = client.get(f"{API}/declarations/{listing['items'][0]['id']}").json()
    assert detail["history"][0]["label"] == "申报" and detail["lines"]
    denied = login_client(world.user_b)
    assert denied.get(f"{API}/runs/{run_id}").status_code == 404
    assert denied.get(f"{API}/declarations").json()["count"] == 0
    assert denied.get(f"{API}/declarations/{listing['items'][0]['id']}").status_code == 404


def test_api_stats(world: Any, write: Any) -> None:
    _seed(write)
    data = login_client(world.reviewer).get(f"{API}/stats?year=2025").json()
    assert data["year"] == 2025 and data["by_enterprise"][world.a.uscc]
    denied = login_client(world.user_a).get(f"{API}/stats?year=2025")
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    scoped = login_client(world.ganyu_officer).get(f"{API}/stats?year=2025").json()
    assert list(scoped["by_county"]) == ["320707"]


def test_api_upload_denied_to_partner(world: Any) -> None:
    response = login_client(world.partner).post(
        f"{API}/uploads", {"files": [SimpleUploadedFile("a.xml", _xml())]}
    )
    assert response.status_code == 403
    assert IngestRun.objects.count() == 0


def test_receipts_xml_builder_roundtrip() -> None:
    data = build_receipts("import", [receipt("X1", at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))])
    assert b"CEB622Message" in data and CODE_A.encode() in data
