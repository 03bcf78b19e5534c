"""Trust in the customs ledger: only the customs channel releases; uploads only for the
uploader's own enterprises; the run's audit names enterprises and amounts; killed runs; encoding.

Each test fails on the code before the trust model (uploads released trade, foreign codes were
stored, the audit held counts only, a killed run stayed running, ISO-8859-1 was stored garbled).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEntry
from customs.ingestion.building import build_inventories, build_receipts
from customs.models import (
    Declaration,
    IngestRun,
    LedgerAggregate,
    LedgerLine,
    MessageOrigin,
    Receipt,
    RunSource,
    RunStatus,
)
from customs.services import (
    fail_abandoned_runs,
    ingest_paths,
    ingest_resume,
    ingest_stored_run,
    ingest_upload,
)
from customs.stats import cbec_trade, customs_stats

from .conftest import CODE_A, CODE_B, inventory, line, login_client, receipt
from .urls import API

pytestmark = pytest.mark.urls("customs.tests.urls")


def _upload(user: Any, name: str, data: bytes, *, channel: bool = False) -> IngestRun:
    """Upload one file as ``user`` and run the background task body (no worker in tests)."""
    run = ingest_upload(
        actor=user, files=[SimpleUploadedFile(name, data, content_type="text/xml")], channel=channel
    )
    return ingest_stored_run(run_id=run.pk)


def _stored() -> tuple[int, int, int, int]:
    return (
        Declaration.objects.count(),
        Receipt.objects.count(),
        LedgerLine.objects.count(),
        LedgerAggregate.objects.count(),
    )


def _released_receipt(cop: str, code: str = CODE_A) -> bytes:
    return build_receipts("export", [receipt(cop, "800", code=code)])


# -- who may upload what ----------------------------------------------------------------------


def test_enterprise_upload_naming_another_enterprise_is_refused_whole(world: Any) -> None:
    data = build_inventories(
        "export", [inventory("OWN1"), inventory("B-INVENTED", code=CODE_B, lines=[line("9", "99")])]
    )
    run = _upload(world.user_a, "mixed.xml", data)
    assert run.status == RunStatus.DONE
    assert (run.files_rejected, run.new) == (1, 0)
    error = run.errors[0]
    assert error["file"] == "mixed.xml"
    assert CODE_B in error["error"] and "其他企业的海关代码" in error["error"]
    assert _stored() == (0, 0, 0, 0)  # not even its own inventory of the same file


def test_enterprise_upload_of_an_unknown_code_is_refused(world: Any) -> None:
    run = _upload(world.user_a, "u.xml", build_inventories("export", [inventory("U1", code="X1")]))
    assert run.files_rejected == 1 and "X1" in run.errors[0]["error"]
    assert _stored() == (0, 0, 0, 0)


def test_enterprise_upload_of_its_own_declarations_is_stored_as_self_declared(world: Any) -> None:
    run = _upload(world.user_a, "own.xml", build_inventories("export", [inventory("OWN1")]))
    assert (run.files_rejected, run.new, run.origin) == (0, 1, MessageOrigin.ENTERPRISE)
    declaration = Declaration.objects.get(cop_no="OWN1")
    assert declaration.enterprise == world.a and declaration.origin == MessageOrigin.ENTERPRISE
    assert not declaration.released and not declaration.is_confirmed


def test_enterprise_uploaded_release_receipt_does_not_release_or_count(
    world: Any, write: Any
) -> None:
    _upload(world.user_a, "own.xml", build_inventories("export", [inventory("OWN1")]))
    run = _upload(world.user_a, "r.xml", _released_receipt("OWN1"))
    assert run.files_rejected == 1 and run.released == 0
    assert "回执只能经海关数据通道导入" in run.errors[0]["error"]
    assert Receipt.objects.count() == 0
    declaration = Declaration.objects.get(cop_no="OWN1")
    assert not declaration.released and declaration.status == ""
    assert cbec_trade(world.a, 2025) == Decimal("0.00")
    assert customs_stats(year=2025)["total_cny"] == "0.00"
    assert LedgerAggregate.objects.count() == 0
    # Nor in the engine fact, the targets' source or the open data's.
    from funds.inputs import trade_fact
    from stats import sources

    assert trade_fact(world.a, 2025) == Decimal("0.00")
    assert sources.cbec_trade(year=2025).value == Decimal("0.00")
    assert sources.enterprise_trade(enterprise_id=world.a.pk, year=2025) == Decimal("0.00")

    # The same receipt through the customs channel releases it and counts.
    channel = ingest_paths(actor=None, paths=[write("r.xml", _released_receipt("OWN1"))])
    assert channel.released == 1
    declaration.refresh_from_db()
    assert declaration.released and declaration.is_confirmed
    assert cbec_trade(world.a, 2025) == declaration.total_cny > 0
    assert trade_fact(world.a, 2025) == declaration.total_cny
    assert sources.cbec_trade(year=2025).value == declaration.total_cny
    assert Receipt.objects.get().origin == MessageOrigin.CHANNEL


def test_uploaded_receipt_cannot_release_another_enterprises_pending_declaration(
    world: Any, write: Any
) -> None:
    ingest_paths(
        actor=None,
        paths=[write("d.xml", inventories=[inventory("B1", code=CODE_B)])],
    )
    ingest_paths(actor=None, paths=[write("r.xml", receipts=[receipt("B1", "120", code=CODE_B)])])
    before = (_stored(), Declaration.objects.get(cop_no="B1").status)
    for user in (world.user_a, world.ganyu_officer, world.donghai_officer, world.reviewer):
        run = _upload(user, "r800.xml", _released_receipt("B1", CODE_B))
        assert run.files_rejected == 1 and run.released == 0, user
    declaration = Declaration.objects.get(cop_no="B1")
    assert (_stored(), declaration.status) == before == ((1, 1, 1, 0), "120")
    assert not declaration.released and cbec_trade(world.b, 2025) == Decimal("0.00")


def test_county_officer_uploads_only_for_its_county(world: Any) -> None:
    other = _upload(
        world.donghai_officer, "gy.xml", build_inventories("export", [inventory("B1", code=CODE_B)])
    )
    assert other.files_rejected == 1 and CODE_B in other.errors[0]["error"]
    assert _stored() == (0, 0, 0, 0)
    own = _upload(world.donghai_officer, "dh.xml", build_inventories("export", [inventory("A1")]))
    assert own.new == 1 and own.origin == MessageOrigin.COUNTY
    assert Declaration.objects.get().enterprise == world.a


def test_city_upload_without_the_channel_flag_stores_declarations_but_no_receipts(
    world: Any,
) -> None:
    run = _upload(
        world.reviewer, "d.xml", build_inventories("export", [inventory("B1", code=CODE_B)])
    )
    assert run.new == 1 and run.origin == MessageOrigin.CITY
    refused = _upload(world.reviewer, "r.xml", _released_receipt("B1", CODE_B))
    assert refused.files_rejected == 1 and not Declaration.objects.get().released


def test_city_channel_upload_releases(world: Any) -> None:
    _upload(world.user_b, "d.xml", build_inventories("export", [inventory("B1", code=CODE_B)]))
    run = _upload(world.reviewer, "r.xml", _released_receipt("B1", CODE_B), channel=True)
    assert run.origin == MessageOrigin.CHANNEL and run.released == 1
    assert cbec_trade(world.b, 2025) == Declaration.objects.get().total_cny > 0


@pytest.mark.parametrize("who", ["user_a", "donghai_officer"])
def test_only_city_may_upload_as_the_channel(world: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        ingest_upload(
            actor=getattr(world, who),
            files=[SimpleUploadedFile("r.xml", _released_receipt("A1"))],
            channel=True,
        )
    assert IngestRun.objects.count() == 0


def test_api_channel_flag_denied_to_enterprise(world: Any) -> None:
    client = login_client(world.user_a)
    response = client.post(
        f"{API}/uploads",
        {"files": [SimpleUploadedFile("r.xml", _released_receipt("A1"))], "channel": "true"},
    )
    assert response.status_code == 403
    assert IngestRun.objects.count() == 0 and _stored() == (0, 0, 0, 0)


def test_web_form_ignores_the_channel_flag_of_an_enterprise(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login_client(world.user_a)
    assert "channel" not in client.get("/customs/upload/").content.decode()
    upload = SimpleUploadedFile("r.xml", _released_receipt("A1"), content_type="text/xml")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/customs/upload/", {"batch": [upload], "channel": "on"})
    run = IngestRun.objects.get()
    assert run.origin == MessageOrigin.ENTERPRISE and run.files_rejected == 1
    assert Receipt.objects.count() == 0
    assert 'name="channel"' in login_client(world.reviewer).get("/customs/upload/").content.decode()


# -- the run's audit entry ----------------------------------------------------------------------


def test_run_audit_names_enterprises_and_amounts(world: Any, write: Any) -> None:
    write(
        "b/d.xml",
        inventories=[
            inventory("A1", lines=[line("3", "100")]),
            inventory("B1", code=CODE_B),
            inventory("U1", code="X9"),
        ],
    )
    folder = write("b/r.xml", receipts=[receipt("A1"), receipt("B1", "120", code=CODE_B)]).parent
    run = ingest_paths(actor=None, paths=[folder])
    after = AuditEntry.objects.filter(action="customs.ingest", object_id=str(run.pk)).get().after
    assert after is not None
    listed = {(e["uscc"] or e["code"]): e for e in after["enterprises"]}
    a = listed[world.a.uscc]
    assert (a["enterprise"], a["name"], a["declarations"], a["released"]) == (
        world.a.pk,
        world.a.name,
        1,
        1,
    )
    assert Decimal(a["released_cny"]) == Declaration.objects.get(cop_no="A1").total_cny > 0
    b = listed[world.b.uscc]
    assert (b["declarations"], b["released"], b["released_cny"]) == (1, 0, "0.00")
    assert listed["X9"]["enterprise"] is None and listed["X9"]["declarations"] == 1
    assert after["origin"] == MessageOrigin.CHANNEL
    assert IngestRun.objects.get(pk=run.pk).touched == after["enterprises"]


# -- pages show confirmed and self-declared apart ----------------------------------------------


def test_pages_show_confirmed_and_self_declared_apart(world: Any, write: Any) -> None:
    day = timezone.localdate().replace(month=1, day=15)  # the page shows this year
    cny = [line("2", "10.00", currency="142")]  # CNY: no exchange rate needed in any year
    _upload(
        world.user_a, "d.xml", build_inventories("export", [inventory("S1", day=day, lines=cny)])
    )
    ingest_paths(
        actor=None, paths=[write("c.xml", inventories=[inventory("C1", day=day, lines=cny * 2)])]
    )
    ingest_paths(
        actor=None,
        paths=[
            write(
                "r.xml",
                receipts=[receipt("C1", at=dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))],
            )
        ],
    )
    client = login_client(world.user_a)
    html = client.get("/customs/").content.decode()
    confirmed = Declaration.objects.get(cop_no="C1").total_cny
    declared = Declaration.objects.get(cop_no="S1").total_cny
    assert f'data-testid="trade-confirmed">{confirmed}<' in html
    assert f'data-testid="trade-declared">{declared}<' in html
    listing = client.get("/customs/declarations/").content.decode()
    assert listing.count('data-confirmed="yes"') == 1 and listing.count('data-confirmed="no"') == 1
    detail = client.get(f"/customs/declarations/{Declaration.objects.get(cop_no='S1').pk}/")
    assert "企业自报（未确认）" in detail.content.decode()
    api = client.get(f"{API}/declarations").json()["items"]
    assert {d["cop_no"]: (d["confirmed"], d["origin"]) for d in api} == {
        "C1": (True, "customs"),
        "S1": (False, "enterprise"),
    }


# -- encoding and signatures ---------------------------------------------------------------------


def test_a_file_declaring_iso_8859_1_is_refused(world: Any, write: Any) -> None:
    # UTF-8 bytes declared ISO-8859-1: read as declared, the Chinese would be stored garbled.
    text = build_inventories("export", [inventory("L1")]).decode("utf-8")
    latin = text.replace("UTF-8", "ISO-8859-1", 1).encode("utf-8")
    run = ingest_paths(actor=None, paths=[write("latin.xml", latin)])
    assert run.files_rejected == 1
    assert "ISO-8859-1" in run.errors[0]["error"] and "UTF-8" in run.errors[0]["error"]
    assert _stored() == (0, 0, 0, 0)


def test_channel_files_are_signature_checked_when_a_verifier_is_configured(
    world: Any, write: Any, settings: Any, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from ceb.signature import EcdsaTestSigner, sign

    signer = EcdsaTestSigner()
    key = tmp_path / "channel.pem"
    key.write_bytes(
        signer.private_key.public_key().public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        )
    )
    settings.DDT_CUSTOMS_CHANNEL_PUBLIC_KEY = str(key)
    data = build_inventories("export", [inventory("S1")])
    unsigned = ingest_paths(actor=None, paths=[write("u.xml", data)])
    assert unsigned.files_rejected == 1 and "签名" in unsigned.errors[0]["error"]
    tampered = sign(data, signer).replace(b"S1", b"S2")
    assert ingest_paths(actor=None, paths=[write("t.xml", tampered)]).files_rejected == 1
    assert _stored() == (0, 0, 0, 0)
    signed = ingest_paths(actor=None, paths=[write("s.xml", sign(data, signer))])
    assert signed.new == 1 and signed.files_rejected == 0


# -- killed runs ----------------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_whose_process_is_gone_is_marked_failed_and_can_be_resumed(
    world: Any, write: Any
) -> None:
    import socket

    folder = write("k/a.xml", inventories=[inventory("K1"), inventory("K2")]).parent
    write("k/r.xml", receipts=[receipt("K1")])
    # The killed run had committed its first file's chunk (the declarations) and then died.
    killed = ingest_paths(actor=None, paths=[folder / "a.xml"])
    IngestRun.objects.filter(pk=killed.pk).update(
        status=RunStatus.RUNNING,
        uploads=[str(folder)],
        host=socket.gethostname()[:100],
        pid=_dead_pid(),
        heartbeat_at=dt.datetime.now(dt.UTC),
        finished_at=None,
    )
    alive = IngestRun.objects.create(
        source=RunSource.CLI,
        status=RunStatus.RUNNING,
        host=socket.gethostname()[:100],
        pid=os.getpid(),
        heartbeat_at=dt.datetime.now(dt.UTC),
    )
    elsewhere = IngestRun.objects.create(
        source=RunSource.CLI,
        status=RunStatus.RUNNING,
        host="another-host",
        pid=1,
        heartbeat_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    assert sorted(fail_abandoned_runs()) == sorted([killed.pk, elsewhere.pk])
    killed.refresh_from_db()
    assert killed.status == RunStatus.FAILED and "中断" in killed.errors[-1]["error"]
    assert IngestRun.objects.get(pk=alive.pk).status == RunStatus.RUNNING

    resumed = ingest_resume(actor=None, run=killed)
    assert resumed.resumed_from_id == killed.pk and resumed.status == RunStatus.DONE
    assert (resumed.new, resumed.duplicates, resumed.released) == (1, 2, 1)
    assert Declaration.objects.filter(released=True).count() == 1


def test_a_new_run_marks_an_abandoned_one_failed(world: Any, write: Any) -> None:
    import socket

    stuck = IngestRun.objects.create(
        source=RunSource.CLI,
        status=RunStatus.RUNNING,
        host=socket.gethostname()[:100],
        pid=_dead_pid(),
    )
    ingest_paths(actor=None, paths=[write("a.xml", inventories=[inventory("N1")])])
    assert IngestRun.objects.get(pk=stuck.pk).status == RunStatus.FAILED


def test_resume_denied_to_another_enterprise(world: Any) -> None:
    run = _upload(world.user_a, "own.xml", build_inventories("export", [inventory("OWN1")]))
    IngestRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    count = IngestRun.objects.count()
    response = login_client(world.user_b).post(f"/customs/runs/{run.pk}/resume/")
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        ingest_resume(actor=world.user_b, run=run)
    assert IngestRun.objects.count() == count


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process checks are Linux's")
def test_parse_workers_die_with_the_ingesting_process(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import multiprocessing, os, sys, time
        from concurrent.futures import ProcessPoolExecutor
        from customs import prepare
        from customs.prepare import Lookups

        if __name__ == "__main__":
            pool = ProcessPoolExecutor(
                max_workers=2,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=prepare.init_worker,
                initargs=(Lookups(rates={}, enterprises={}), 0, os.getpid()),
            )
            pids = {pool.submit(os.getpid).result() for _ in range(8)}
            print(" ".join(map(str, pids)), flush=True)
            time.sleep(60)
        """
    )
    path = tmp_path / "parent.py"
    path.write_text(script)
    parent = subprocess.Popen(
        [sys.executable, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
        parent.kill()  # kill -9: no cleanup runs in the parent
        parent.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers)
    finally:
        if parent.poll() is None:
            parent.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
