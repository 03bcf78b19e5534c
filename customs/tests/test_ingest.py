"""Ingestion: storing once, receipts in any order, bad files, ledger from released lines only."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from customs import selectors
from customs.models import (
    Declaration,
    IngestRun,
    LedgerAggregate,
    LedgerLine,
    Receipt,
    RunStatus,
)
from customs.services import ingest_paths
from customs.sources import SourceError, read_path
from customs.stats import cbec_trade, direct_total_fen

from .conftest import CODE_A, UTC, inventory, line, receipt


def _counts() -> tuple[int, int, int, int]:
    return (
        Declaration.objects.count(),
        Receipt.objects.count(),
        LedgerLine.objects.count(),
        LedgerAggregate.objects.count(),
    )


def test_ingest_stores_declarations_lines_and_report(world: Any, write: Any) -> None:
    path = write(
        "a.xml",
        inventories=[inventory("C1", lines=[line(), line("1", "5")]), inventory("C2")],
    )
    run = ingest_paths(actor=None, paths=[path])
    assert run.status == RunStatus.DONE
    assert (run.files_total, run.messages, run.new, run.duplicates, run.rejected) == (1, 2, 2, 0, 0)
    assert run.lines == 3
    declaration = Declaration.objects.get(cop_no="C1")
    assert declaration.enterprise == world.a
    assert declaration.county == world.a.county
    assert declaration.lines_count == 2
    assert not declaration.released
    assert LedgerLine.objects.filter(declaration__released=True).count() == 0
    assert IngestRun.objects.get(pk=run.pk).new == 2


def test_reingesting_the_same_batch_changes_nothing(world: Any, write: Any) -> None:
    write("batch/a.xml", inventories=[inventory("C1"), inventory("C2")])
    folder = write("batch/b.xml", receipts=[receipt("C1")]).parent
    first = ingest_paths(actor=None, paths=[folder])
    before = _counts()
    amounts = list(LedgerAggregate.objects.values_list("amount_cny_fen", "lines"))
    second = ingest_paths(actor=None, paths=[folder])
    assert _counts() == before
    assert list(LedgerAggregate.objects.values_list("amount_cny_fen", "lines")) == amounts
    assert (first.new, first.duplicates) == (3, 0)
    assert (second.new, second.duplicates, second.messages) == (0, 3, 3)


def test_receipt_before_declaration_is_kept_and_matched_later(world: Any, write: Any) -> None:
    early = ingest_paths(actor=None, paths=[write("r.xml", receipts=[receipt("C9")])])
    assert early.new == 1 and early.receipts_matched == 0
    kept = Receipt.objects.get(cop_no="C9")
    assert kept.declaration is None
    assert LedgerAggregate.objects.count() == 0

    later = ingest_paths(actor=None, paths=[write("d.xml", inventories=[inventory("C9")])])
    kept.refresh_from_db()
    declaration = Declaration.objects.get(cop_no="C9")
    assert kept.declaration == declaration
    assert later.receipts_matched == 1 and later.released == 1
    assert declaration.released and declaration.status == "800"
    assert declaration.invt_no  # taken from the receipt
    assert LedgerLine.objects.filter(declaration=declaration, declaration__released=True).exists()


def test_receipts_before_several_declarations_all_match_later(world: Any, write: Any) -> None:
    """Receipts for three declarations arrive first; the declarations of a later batch all
    take their statuses and are released (none is left behind by the matching)."""
    t0 = dt.datetime(2025, 3, 15, 1, tzinfo=UTC)
    ingest_paths(
        actor=None,
        paths=[
            write(
                "e/r.xml",
                receipts=[
                    receipt("C1", "800", t0),
                    receipt("C2", "120", t0),
                    receipt("C3", "800", t0 + dt.timedelta(hours=1)),
                ],
            )
        ],
    )
    later = ingest_paths(
        actor=None,
        paths=[write("e/d.xml", inventories=[inventory(c) for c in ("C1", "C2", "C3")])],
    )
    assert (later.receipts_matched, later.released) == (3, 2)
    states = dict(Declaration.objects.values_list("cop_no", "status"))
    assert states == {"C1": "800", "C2": "120", "C3": "800"}
    assert Declaration.objects.get(cop_no="C3").released_at == t0 + dt.timedelta(hours=1)


def test_receipts_of_later_batches_compare_times_with_the_stored_status(
    world: Any, write: Any
) -> None:
    """A receipt in a later batch is compared with the status time stored by an earlier one:
    a later time takes over, an earlier one only joins the history; release happens once."""
    t0 = dt.datetime(2025, 3, 15, 1, 30, 15, 250000, tzinfo=UTC)
    ingest_paths(
        actor=None,
        paths=[write("b/d.xml", inventories=[inventory("C1")])],
    )
    ingest_paths(actor=None, paths=[write("b/r1.xml", receipts=[receipt("C1", "120", t0)])])
    later = t0 + dt.timedelta(seconds=1)
    run = ingest_paths(
        actor=None, paths=[write("b/r2.xml", receipts=[receipt("C1", "800", later)])]
    )
    declaration = Declaration.objects.get()
    assert (declaration.status, declaration.status_at) == ("800", later)
    assert declaration.released_at == later and run.released == 1
    earlier = t0 - dt.timedelta(hours=1)
    ingest_paths(actor=None, paths=[write("b/r3.xml", receipts=[receipt("C1", "100", earlier)])])
    declaration.refresh_from_db()
    assert (declaration.status, declaration.status_at, declaration.released_at) == (
        "800",
        later,
        later,
    )
    assert Receipt.objects.count() == 3


def test_status_history_and_latest_status(world: Any, write: Any) -> None:
    from customs.selectors import status_history

    t0 = dt.datetime(2025, 3, 15, 1, tzinfo=UTC)
    write("h/d.xml", inventories=[inventory("C1")])
    write("h/r1.xml", receipts=[receipt("C1", "120", t0)])
    write("h/r2.xml", receipts=[receipt("C1", "100", t0 + dt.timedelta(hours=1))])
    ingest_paths(
        actor=None,
        paths=[write("h/x.xml", receipts=[receipt("C1", "2", t0 - dt.timedelta(hours=1))]).parent],
    )
    declaration = Declaration.objects.get(cop_no="C1")
    assert declaration.status == "100"  # 海关退单, the latest
    assert not declaration.released
    labels = [h["label"] for h in status_history(declaration)]
    assert labels == ["申报", "电子口岸申报中", "海关入库", "海关退单"]
    assert LedgerLine.objects.filter(declaration__released=True).count() == 0


def test_ledger_counts_released_lines_only(world: Any, write: Any) -> None:
    write("l/d.xml", inventories=[inventory("C1"), inventory("C2"), inventory("C3")])
    write("l/r.xml", receipts=[receipt("C1", "800"), receipt("C2", "500"), receipt("C3", "899")])
    ingest_paths(
        actor=None,
        paths=[
            write("l/d.xml", inventories=[inventory("C1"), inventory("C2"), inventory("C3")]).parent
        ],
    )
    released = set(
        LedgerLine.objects.filter(declaration__released=True).values_list(
            "declaration__cop_no", flat=True
        )
    )
    assert released == {"C1", "C3"}
    assert direct_total_fen(year=2025) == sum(
        LedgerAggregate.objects.values_list("amount_cny_fen", flat=True)
    )


def test_amounts_converted_to_cny_with_the_month_rate(world: Any, write: Any) -> None:
    from customs.models import ExchangeRate
    from customs.rates import load_shipped_rates

    load_shipped_rates()
    rate = ExchangeRate.objects.get(currency="502", month=202503).rate
    write("c/d.xml", inventories=[inventory("C1", lines=[line("3", "33.33")])])
    ingest_paths(actor=None, paths=[write("c/r.xml", receipts=[receipt("C1")]).parent])
    row = LedgerLine.objects.get()
    expected = (Decimal("99.99") * rate).quantize(Decimal("0.01"))
    assert row.amount == Decimal("99.99")
    assert row.rate == rate
    assert row.amount_cny == expected
    assert cbec_trade(world.a, 2025) == expected
    assert cbec_trade(world.b, 2025) == Decimal("0.00")


def test_cny_lines_are_not_converted(world: Any, write: Any) -> None:
    write("y/d.xml", inventories=[inventory("C1", lines=[line("1", "5000.00", currency="142")])])
    ingest_paths(actor=None, paths=[write("y/r.xml", receipts=[receipt("C1")]).parent])
    assert LedgerLine.objects.get().amount_cny == Decimal("5000.00")


def test_missing_rate_rejects_the_file_and_changes_nothing(world: Any, write: Any) -> None:
    path = write("m.xml", inventories=[inventory("C1", day=dt.date(2031, 1, 5))])
    run = ingest_paths(actor=None, paths=[path])
    assert run.files_rejected == 1 and run.new == 0
    assert "没有汇率" in run.errors[0]["error"]
    assert Declaration.objects.count() == 0


def test_bad_file_is_reported_and_does_not_stop_the_batch(world: Any, write: Any) -> None:
    write("b/1-good.xml", inventories=[inventory("C1")])
    write(
        "b/2-broken.xml", b"<ceb:CEB603Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'><oops>"
    )
    write(
        "b/3-xxe.xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    )
    write("b/4-notceb.xml", b"<hello/>")
    folder = write("b/5-good.xml", inventories=[inventory("C2")]).parent
    run = ingest_paths(actor=None, paths=[folder])
    assert run.status == RunStatus.DONE
    assert run.files_total == 5 and run.files_rejected == 3
    assert run.new == 2 and run.rejected == 3
    failed = {e["file"].rsplit("/", 1)[-1] for e in run.errors}
    assert failed == {"2-broken.xml", "3-xxe.xml", "4-notceb.xml"}
    assert "DOCTYPE" in next(e["error"] for e in run.errors if "xxe" in e["file"])
    assert set(Declaration.objects.values_list("cop_no", flat=True)) == {"C1", "C2"}


def test_invalid_field_rejects_the_whole_file(world: Any, write: Any) -> None:
    from customs.ingestion.building import build_inventories

    data = build_inventories("export", [inventory("C1"), inventory("C2")])
    bad = data.replace(b"<ceb:qty>2</ceb:qty>", b"<ceb:qty>two</ceb:qty>", 1)
    assert bad != data
    run = ingest_paths(actor=None, paths=[write("bad.xml", bad)])
    assert run.files_rejected == 1
    assert "InventoryList[0].qty" in run.errors[0]["error"]
    assert Declaration.objects.count() == 0


def test_unknown_code_is_kept_with_raw_code(world: Any, write: Any) -> None:
    write("u/d.xml", inventories=[inventory("C1", code="3207999999")])
    ingest_paths(
        actor=None, paths=[write("u/r.xml", receipts=[receipt("C1", code="3207999999")]).parent]
    )
    declaration = Declaration.objects.get()
    assert declaration.enterprise is None and declaration.ebc_code == "3207999999"
    assert LedgerAggregate.objects.get().enterprise is None


def test_other_message_types_are_stored_once(world: Any, write: Any) -> None:

    from ceb.xsd import reference_dir
    from conftest import require_or_skip
    from customs.models import StoredMessage

    sample = reference_dir() / "samples" / "import" / "CEB311Message.xml"
    require_or_skip(sample.exists(), f"CEB 2022 reference samples ({sample.parent})")
    path = write("o.xml", sample.read_bytes())
    first = ingest_paths(actor=None, paths=[path])
    second = ingest_paths(actor=None, paths=[path])
    # The official sample repeats one orderNo six times: stored once.
    assert (first.messages, first.new, first.duplicates) == (6, 1, 5)
    assert (second.new, second.duplicates) == (0, 6)
    assert StoredMessage.objects.count() == 1
    assert StoredMessage.objects.get().message_type == "CEB311"


def test_code_of_enterprise_matches_by_uscc_too(world: Any, write: Any) -> None:
    write("s/d.xml", inventories=[inventory("C1", code=world.b.uscc)])
    ingest_paths(
        actor=None, paths=[write("s/r.xml", receipts=[receipt("C1", code=world.b.uscc)]).parent]
    )
    assert Declaration.objects.get().enterprise == world.b
    assert world.b.uscc != CODE_A


def test_parse_worker_gives_the_same_result_as_in_process(
    world: Any, write: Any, settings: Any
) -> None:
    """Large batches are parsed in a worker process: same records, same order, same errors."""
    write("w/1-good.xml", inventories=[inventory("C1"), inventory("C2", lines=[line(), line()])])
    write("w/2-bad.xml", b"<hello/>")
    write("w/3-dup.xml", inventories=[inventory("C1")])
    folder = write("w/4-receipts.xml", receipts=[receipt("C1"), receipt("C2")]).parent
    settings.DDT_CUSTOMS_PARSE_MIN_FILES = 1
    settings.DDT_CUSTOMS_PARSE_WORKERS = 1
    run = ingest_paths(actor=None, paths=[folder])
    assert (run.files_total, run.files_rejected, run.new, run.duplicates) == (4, 1, 4, 1)
    assert (run.lines, run.released, run.receipts_matched) == (3, 2, 2)
    assert run.errors[0]["file"].endswith("2-bad.xml")
    assert LedgerLine.objects.filter(declaration__released=True).count() == 3
    assert LedgerAggregate.objects.count() >= 1
    assert sum(LedgerAggregate.objects.values_list("amount_cny_fen", flat=True)) == (
        direct_total_fen(year=2025)
    )
    again = ingest_paths(actor=None, paths=[folder])
    assert (again.new, again.duplicates) == (0, 5)


def test_parse_worker_refuses_a_file_without_a_rate_and_keeps_the_others(
    world: Any, write: Any, settings: Any
) -> None:
    """The worker converts amounts with the run's rate table: a month without a rate rejects
    that file only, with the same message as in-process."""
    write("r/1-good.xml", inventories=[inventory("C1")])
    folder = write("r/2-future.xml", inventories=[inventory("C2", day=dt.date(2031, 1, 5))]).parent
    settings.DDT_CUSTOMS_PARSE_MIN_FILES = 1
    settings.DDT_CUSTOMS_PARSE_WORKERS = 1
    run = ingest_paths(actor=None, paths=[folder])
    assert (run.files_rejected, run.new, run.lines) == (1, 1, 1)
    assert run.errors[0]["file"].endswith("2-future.xml")
    assert "没有汇率" in run.errors[0]["error"]
    assert list(Declaration.objects.values_list("cop_no", flat=True)) == ["C1"]


def test_parse_worker_reads_files_itself_with_the_same_size_limit(
    world: Any, write: Any, settings: Any
) -> None:
    """Plain files are read by the worker (not sent to it); the size limit still holds."""
    write("s/1-small.xml", inventories=[inventory("C1")])
    big = [inventory(f"B{i}", lines=[line() for _ in range(20)]) for i in range(20)]
    folder = write("s/2-big.xml", inventories=big).parent
    settings.DDT_CUSTOMS_PARSE_MIN_FILES = 1
    settings.DDT_CUSTOMS_PARSE_WORKERS = 1
    settings.DDT_CUSTOMS_MAX_FILE_BYTES = (folder / "1-small.xml").stat().st_size + 10
    run = ingest_paths(actor=None, paths=[folder])
    assert (run.files_rejected, run.new, run.lines) == (1, 1, 1)
    assert run.errors[0]["file"].endswith("2-big.xml")
    assert "超过大小上限" in run.errors[0]["error"]


def test_a_file_that_cannot_be_read_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="无法读取文件"):
        read_path(str(tmp_path / "gone.xml"), "gone.xml", 1000)


def test_release_labels_lines_with_the_receipt_invt_no(world: Any, write: Any) -> None:
    """The invtNo a receipt brings labels the declaration, and so its lines in the ledger."""
    ingest_paths(actor=None, paths=[write("i/d.xml", inventories=[inventory("C1")])])
    assert not selectors.ledger_lines_for(user=world.user_a, enterprise=world.a).exists()
    ingest_paths(actor=None, paths=[write("i/r.xml", receipts=[receipt("C1")])])
    declaration = Declaration.objects.get()
    assert declaration.released and declaration.invt_no
    shown = selectors.ledger_lines_for(user=world.user_a, enterprise=world.a).get()
    assert shown.invt_no == declaration.invt_no  # type: ignore[attr-defined]


def test_ledger_references_are_whole_without_database_constraints(world: Any, write: Any) -> None:
    """The ledger tables' foreign keys are kept by the ingestion code, not the database: after a
    batch (receipts before and after their declarations, a code of no enterprise) every
    reference points at a row, and deletes still cascade or set null through Django."""
    from enterprises.models import Enterprise

    write("z/1-receipts.xml", receipts=[receipt("C1"), receipt("C9")])
    write("z/2-decl.xml", inventories=[inventory("C1"), inventory("C2", code=world.b.uscc)])
    write("z/3-unknown.xml", inventories=[inventory("C3", code="3207999999")])
    folder = write("z/4-receipts.xml", receipts=[receipt("C2", code=world.b.uscc)]).parent
    assert ingest_paths(actor=None, paths=[folder]).files_rejected == 0
    declarations = set(Declaration.objects.values_list("pk", flat=True))
    enterprises = set(Enterprise.objects.values_list("pk", flat=True))
    lines = list(LedgerLine.objects.values_list("declaration_id", "enterprise_id"))
    assert len(lines) == 3 and {d for d, _e in lines} <= declarations
    assert {e for _d, e in lines} - {None} <= enterprises
    assert set(Receipt.objects.values_list("declaration_id", flat=True)) - {None} <= declarations
    assert Receipt.objects.filter(declaration__isnull=True).count() == 1  # C9: not declared yet
    Declaration.objects.get(cop_no="C1").delete()
    assert LedgerLine.objects.count() == 2
    assert Receipt.objects.filter(cop_no="C1").get().declaration is None


def test_goods_names_with_tabs_newlines_and_backslashes_are_stored_exactly(
    world: Any, write: Any
) -> None:
    """On PostgreSQL lines travel as COPY text; escapes must not change a character."""
    name = "水晶\t手链\\n 2\n號\r\\\\"
    path = write("x/d.xml", inventories=[inventory("X1", lines=[line(gname=name)])])
    assert ingest_paths(actor=None, paths=[path]).files_rejected == 0
    assert LedgerLine.objects.get().goods_name == name


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities on this system")
def test_parse_workers_run_below_the_writer() -> None:
    """The writer is the one process every line goes through: workers yield the CPU to it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from customs.ingestion.config import worker_nice
    from customs.prepare import Lookups, init_worker

    assert worker_nice() > 0
    context = multiprocessing.get_context("spawn")
    lookups = Lookups(rates={}, enterprises={})
    niceness = []
    for nice in (0, 3):
        with ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=init_worker, initargs=(lookups, nice)
        ) as pool:
            niceness.append(pool.submit(os.nice, 0).result())
    assert niceness[1] == min(niceness[0] + 3, 19)


def test_table_statistics_follow_the_batch_on_postgresql(
    world: Any, write: Any, monkeypatch: Any
) -> None:
    """On PostgreSQL the tables a batch grows are analyzed whenever the run doubled them, so
    lookups are planned for their real size; elsewhere there is nothing to analyze."""
    from django.db import connection

    from customs import ledger

    monkeypatch.setattr(ledger.TableGrowth, "MIN_ROWS", 2)
    analyzed: list[list[str]] = []
    refresh = ledger.TableGrowth.refresh

    def recorded(self: ledger.TableGrowth) -> list[str]:
        analyzed.append(refresh(self))
        return analyzed[-1]

    monkeypatch.setattr(ledger.TableGrowth, "refresh", recorded)
    if connection.vendor == "postgresql":
        # Start from statistics of the empty table: an earlier test of the same database may
        # have left them at its own size (ANALYZE's figures survive its rollback), and then
        # three rows would not double the table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customs_declaration")
    write("g/1.xml", inventories=[inventory("C1"), inventory("C2"), inventory("C3")])
    ingest_paths(actor=None, paths=[write("g/2.xml", receipts=[receipt("C1")]).parent])
    tables = [table for done in analyzed for table in done]
    if connection.vendor == "postgresql":
        assert "customs_declaration" in tables
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'customs_declaration'::regclass"
            )
            assert cursor.fetchone()[0] == 3
    else:
        assert tables == []


def test_chunks_are_bounded_by_lines_on_every_database(
    world: Any, write: Any, monkeypatch: Any
) -> None:
    """A chunk holds about ``chunk_lines`` lines whatever form the prepared lines take (on
    PostgreSQL they travel as COPY text), so memory does not follow the inventories' size."""
    from customs.ingestion.engine import Ingestor

    flushes: list[int] = []
    flush = Ingestor.flush

    def counted(self: Ingestor) -> None:
        if self.buffer.size():
            flushes.append(self.buffer.lines)
        flush(self)

    monkeypatch.setattr(Ingestor, "flush", counted)
    for n in range(4):
        path = write(f"k/{n}.xml", inventories=[inventory(f"K{n}", lines=[line(), line(), line()])])
    run = ingest_paths(actor=None, paths=[path.parent], chunk_lines=5)
    assert run.lines == 12
    assert flushes == [6, 6]
