"""Releases reach the aggregate through marks a run folds (``ledger.fold_released``): during a
long run, when it ends, when it fails, and in the next run after an interrupted one; never twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum

from customs import ledger
from customs.ingestion.engine import Ingestor
from customs.models import (
    Declaration,
    IngestRun,
    LedgerAggregate,
    LedgerLine,
    PendingRelease,
    RunStatus,
)
from customs.services import exchange_rate_set, ingest_paths
from customs.stats import direct_total_fen

from .conftest import inventory, line, receipt


def _aggregate() -> tuple[int, int]:
    """(lines, fen) of the aggregate for 2025."""
    totals = LedgerAggregate.objects.filter(year=2025).aggregate(
        n=Sum("lines"), f=Sum("amount_cny_fen")
    )
    return int(totals["n"] or 0), int(totals["f"] or 0)


def _direct() -> tuple[int, int]:
    """(lines, fen) of the released lines of 2025, summed directly."""
    released = LedgerLine.objects.filter(declaration__released=True, month__gte=202500)
    return released.count(), direct_total_fen(year=2025)


def _batch(write: Any, folder: str, count: int) -> Any:
    """``count`` inventories of two lines in a file each, all released by one receipt file."""
    for n in range(count):
        write(
            f"{folder}/d{n}.xml",
            inventories=[
                inventory(
                    f"{folder}{n}",
                    day=dt.date(2025, 1 + n % 12, 5),
                    lines=[
                        line("1", f"{n + 1}.00", country="502"),
                        line("2", "3.50", country="303"),
                    ],
                )
            ],
        )
    return write(f"{folder}/r.xml", receipts=[receipt(f"{folder}{n}") for n in range(count)])


def test_a_run_folds_its_releases_when_it_ends(world: Any, write: Any, monkeypatch: Any) -> None:
    folded: list[int] = []
    fold = ledger.fold_released

    def counted() -> int:
        folded.append(fold())
        return folded[-1]

    monkeypatch.setattr(ledger, "fold_released", counted)
    run = ingest_paths(actor=None, paths=[_batch(write, "a", 6).parent], chunk_lines=4)
    assert run.released == 6
    assert folded == [0, 6]  # leftovers of earlier runs (none), then this run's, once
    assert not PendingRelease.objects.exists()
    assert _direct()[0] == 12
    assert _aggregate() == _direct()


def test_a_long_run_folds_every_so_many_releases(
    world: Any, write: Any, monkeypatch: Any, settings: Any
) -> None:
    """The aggregate trails a run by fewer than ``DDT_CUSTOMS_FOLD_EVERY`` releases: each chunk
    here holds one inventory and the receipt of the one before."""
    settings.DDT_CUSTOMS_FOLD_EVERY = 3
    for n in range(8):
        write(f"b/{n}d.xml", inventories=[inventory(f"B{n}", lines=[line()])])
        last = write(f"b/{n}r.xml", receipts=[receipt(f"B{n}")])
    seen: list[tuple[int, int]] = []
    flush = Ingestor.flush

    def watched(self: Ingestor) -> None:
        flush(self)
        seen.append((self.run.released, _aggregate()[0]))

    monkeypatch.setattr(Ingestor, "flush", watched)
    run = ingest_paths(actor=None, paths=[last.parent], chunk_lines=1)
    assert run.released == 8
    assert [released for released, _lines in seen] == [0, 1, 2, 3, 4, 5, 6, 7, 8]
    assert [lines for _released, lines in seen] == [0, 0, 0, 3, 3, 3, 6, 6, 6]
    assert _direct()[0] == 8
    assert _aggregate() == _direct()
    assert not PendingRelease.objects.exists()


def test_the_next_run_folds_what_an_interrupted_run_left(world: Any, write: Any) -> None:
    """A run killed between its chunks and its fold leaves marks; the aggregate trails the lines
    until the next run, which folds them first."""
    ingest_paths(actor=None, paths=[_batch(write, "c", 4).parent])
    expected = _direct()
    assert _aggregate() == expected
    LedgerAggregate.objects.all().delete()  # the state of a run killed before its fold
    PendingRelease.objects.bulk_create(
        PendingRelease(declaration=d) for d in Declaration.objects.filter(released=True)
    )
    assert _aggregate() == (0, 0)
    run = ingest_paths(actor=None, paths=[write("c2/r.xml", receipts=[receipt("c0")])])
    assert run.duplicates == 1 and run.released == 0
    assert _aggregate() == expected
    assert not PendingRelease.objects.exists()


def test_a_release_is_folded_once(world: Any, write: Any) -> None:
    ingest_paths(actor=None, paths=[_batch(write, "d", 3).parent])
    expected = _aggregate()
    LedgerAggregate.objects.all().delete()
    PendingRelease.objects.bulk_create(
        PendingRelease(declaration=d) for d in Declaration.objects.filter(released=True)
    )
    with transaction.atomic():
        assert ledger.fold_released() == 3
    with transaction.atomic():
        assert ledger.fold_released() == 0
    assert _aggregate() == expected == _direct()


def test_a_rate_change_folds_the_marks_before_recomputing(world: Any, write: Any) -> None:
    ingest_paths(actor=None, paths=[_batch(write, "e", 2).parent])
    LedgerAggregate.objects.all().delete()
    PendingRelease.objects.bulk_create(
        PendingRelease(declaration=d) for d in Declaration.objects.filter(released=True)
    )
    exchange_rate_set(actor=None, currency="502", month=202501, rate=Decimal("7.5"))
    assert not PendingRelease.objects.exists()
    assert _aggregate() == _direct()
    with transaction.atomic():
        assert ledger.fold_released() == 0
    assert _aggregate() == _direct()


def test_a_failed_run_still_folds_its_committed_chunks(
    world: Any, write: Any, monkeypatch: Any
) -> None:
    for n in range(4):
        write(f"f/{n}a.xml", inventories=[inventory(f"F{n}", lines=[line("1", "2.00")])])
        last = write(f"f/{n}b.xml", receipts=[receipt(f"F{n}")])
    calls = {"n": 0}
    write_others = Ingestor._write_others

    def failing(self: Ingestor) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        write_others(self)

    monkeypatch.setattr(Ingestor, "_write_others", failing)
    with pytest.raises(RuntimeError):
        ingest_paths(actor=None, paths=[last.parent], chunk_lines=1)
    # Chunks: F0; F0's receipt and F1; F1's receipt and F2 (fails, rolled back).
    run = IngestRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert list(Declaration.objects.filter(released=True).values_list("cop_no", flat=True)) == [
        "F0"
    ]
    assert run.released == 1  # the failed chunk's counts are not kept
    assert not PendingRelease.objects.exists()
    assert _direct()[0] == 1
    assert _aggregate() == _direct()


def test_a_run_whose_first_fold_fails_is_reported_failed(
    world: Any, write: Any, monkeypatch: Any
) -> None:
    def broken() -> int:
        raise RuntimeError("database gone")

    monkeypatch.setattr(ledger, "fold_released", broken)
    with pytest.raises(RuntimeError):
        ingest_paths(actor=None, paths=[_batch(write, "g", 1).parent])
    assert IngestRun.objects.get().status == RunStatus.FAILED
