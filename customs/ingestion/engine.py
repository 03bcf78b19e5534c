"""The ingestion engine behind ``ddt customs ingest``, web and API uploads: ``Ingestor``.

One message file at a time is read and checked completely (a bad file is reported with its error
and changes nothing); accepted records are buffered and written in chunks, each chunk in one
transaction: declarations and their ledger lines (``declarations``), receipts matched by
e-commerce enterprise code and copNo, also to receipts that arrived earlier, and the releases
(``receipts``; marked for the ledger's pre-aggregate, which the run folds them into when it
ends), retail import checks and the run's counters. Memory holds one file plus one chunk,
whatever the batch size.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import socket
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customs import extensions, ledger, prepare
from customs.ingestion.chunk import LINES_COUNT, Buffer
from customs.ingestion.config import (
    channel_public_key,
    enterprise_index,
    fold_every,
    parse_min_files,
    parse_workers,
    worker_nice,
)
from customs.ingestion.declarations import DeclarationWrites
from customs.ingestion.receipts import ReceiptWrites
from customs.ingestion.records import MessageError, ReceiptRecord
from customs.ingestion.trust import refusal
from customs.models import Declaration, IngestRun, Receipt, RunStatus, fen_to_yuan
from customs.prepare import Lookups, Prepared, PreparedInventory
from customs.rates import rate_table
from customs.sources import Item, Plan, SourceError, max_file_bytes

CHUNK_LINES = 50_000
CHUNK_RECORDS = 20_000
PROGRESS_SECONDS = 1.0
# Files read and parsed ahead of the writer: enough to keep the worker busy while a whole chunk
# is written (a chunk of 50,000 lines is ~170 files of 300 lines), bounded in count and bytes so
# memory does not grow with the batch.
PARSE_AHEAD = 256
PARSE_AHEAD_BYTES = 96 * 2**20
MAX_ERRORS_KEPT = 500


_COUNTERS = (
    "heartbeat_at",
    "files_total",
    "files_done",
    "files_rejected",
    "messages",
    "new",
    "duplicates",
    "rejected",
    "lines",
    "receipts_matched",
    "released",
    "retail_breaches",
    "errors",
    "current_file",
)


class Ingestor(DeclarationWrites, ReceiptWrites):
    """One ingest run: ``process(plan)`` reads the plan's files (in parse workers for large
    batches), refuses what the run may not store (``trust.refusal``), buffers the rest and
    writes it chunk by chunk (``declarations``, ``receipts``), folding releases into the
    aggregate as it goes and at the end."""

    def __init__(
        self,
        run: IngestRun,
        *,
        on_progress: Callable[[IngestRun], None] | None = None,
        chunk_lines: int = CHUNK_LINES,
    ) -> None:
        self.run = run
        self.on_progress = on_progress
        self.chunk_lines = chunk_lines
        self.lookups = Lookups(
            rates=rate_table(),
            enterprises=enterprise_index(),
            copy_text=connection.vendor == "postgresql",
            channel_key=channel_public_key() if run.is_channel else b"",
        )
        self.buffer = Buffer()
        self._last_progress = 0.0
        self.growth = ledger.TableGrowth(Declaration, Receipt)
        self._folded_at = 0  # ``run.released`` at the last fold
        # (enterprise id, or None and the unmapped customs code) → [declarations stored,
        # declarations released, released CNY fen]: the run's audit entry names them.
        self.touched: dict[tuple[int | None, str], list[int]] = {}
        # New declarations of the chunk being written: id → (enterprise, code, CNY fen).
        self._new_owners: dict[int, tuple[int | None, str, int]] = {}
        self.host = socket.gethostname()[:100]

    # -- the batch -------------------------------------------------------------------------

    def process(self, plan: Plan) -> IngestRun:
        run = self.run
        run.status = RunStatus.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.files_total = plan.total
        run.host, run.pid = self.host, os.getpid()
        run.save()
        try:
            self.fold()  # releases an interrupted run left marked
            for item, records, error in self._parsed(plan):
                if isinstance(item, SourceError):
                    self._reject(str(item).split("：", 1)[0], str(item))
                    continue
                run.current_file = item.name[-300:]
                if records is None or error is not None:
                    self._reject(item.name, error or "")
                    continue
                refused = refusal(run, records, item.name, self.lookups.enterprises)
                if refused:
                    self._reject(item.name, refused)
                    continue
                self._add(records, item.name)
                run.files_done += 1
                if self.buffer.lines >= self.chunk_lines or self.buffer.size() >= CHUNK_RECORDS:
                    self.flush()
                self._progress()
            self.flush()
            self.fold()
        except Exception as exc:
            with contextlib.suppress(Exception):  # the committed chunks' releases still count
                self.fold()
            run.status = RunStatus.FAILED
            run.errors = [*run.errors, {"file": "", "error": f"内部错误：{exc}"}][-MAX_ERRORS_KEPT:]
            run.finished_at = timezone.now()
            run.touched = self.touched_report()
            run.save()
            raise
        run.status = RunStatus.DONE
        run.current_file = ""
        run.finished_at = timezone.now()
        run.touched = self.touched_report()
        run.save()
        self._progress(force=True)
        return run

    def _parsed(
        self, plan: Plan
    ) -> Iterator[tuple[Item | SourceError, list[Prepared] | None, str | None]]:
        """(item, prepared records, error) for each item of the plan, in order.

        Large batches are parsed and turned into rows (``prepare.prepare_file``) in a worker
        process while this one writes (a bounded look-ahead of ``PARSE_AHEAD`` files, so memory
        stays one chunk plus a few files). Small batches are prepared here."""
        workers = parse_workers()
        if workers < 1 or plan.total < parse_min_files():
            for item in plan.items():
                if isinstance(item, SourceError):
                    yield item, None, None
                    continue
                try:
                    yield item, prepare.prepare_file(item.read(), self.lookups), None
                except (MessageError, prepare.RateMissing, SourceError) as exc:
                    yield item, None, str(exc)
            return
        context = multiprocessing.get_context("spawn")  # no inherited database connection
        limit = max_file_bytes()
        pending: deque[tuple[Item | SourceError, Future[Any] | None, str | None]] = deque()
        sizes: deque[int] = deque()
        ahead = 0
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=prepare.init_worker,
            initargs=(self.lookups, worker_nice(), os.getpid()),
        ) as pool:
            try:
                for item in plan.items():
                    size = 0
                    if isinstance(item, SourceError):
                        pending.append((item, None, None))
                    elif item.path is not None:  # the worker reads the file itself
                        try:
                            size = os.path.getsize(item.path)
                        except OSError:
                            size = 0
                        task = pool.submit(
                            prepare.prepare_path_checked,
                            item.path,
                            Path(item.path).name,
                            limit,
                        )
                        pending.append((item, task, None))
                    else:
                        try:
                            data = item.read()
                        except SourceError as exc:
                            pending.append((item, None, str(exc)))
                        else:
                            size = len(data)
                            pending.append((item, pool.submit(prepare.prepare_checked, data), None))
                    sizes.append(size)
                    ahead += size
                    while len(pending) > PARSE_AHEAD or ahead > PARSE_AHEAD_BYTES:
                        ahead -= sizes.popleft()
                        yield self._resolve(pending.popleft())
                while pending:
                    yield self._resolve(pending.popleft())
            finally:
                for _item, future, _error in pending:
                    if future is not None:
                        future.cancel()

    @staticmethod
    def _resolve(
        entry: tuple[Item | SourceError, Future[Any] | None, str | None],
    ) -> tuple[Item | SourceError, list[Prepared] | None, str | None]:
        item, future, error = entry
        if future is None:
            return item, None, error
        records, error = future.result()
        return item, records, error

    def _reject(self, name: str, error: str) -> None:
        run = self.run
        run.files_done += 1
        run.files_rejected += 1
        run.rejected += 1
        run.messages += 1
        if len(run.errors) < MAX_ERRORS_KEPT:
            run.errors = [*run.errors, {"file": name, "error": error}]
        self._progress()

    def _progress(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_SECONDS:
            return
        self._last_progress = now
        if not force:
            self.run.heartbeat_at = timezone.now()
            IngestRun.objects.filter(pk=self.run.pk).update(**self._counters())
        if self.on_progress:
            self.on_progress(self.run)

    def _counters(self) -> dict[str, Any]:
        run = self.run
        return {name: getattr(run, name) for name in _COUNTERS}

    def touched_report(self) -> list[dict[str, Any]]:
        """The enterprises (and unmapped codes) the run touched: declarations stored,
        declarations released and their amount in CNY (channel runs only release)."""
        from enterprises import selectors as registry

        ids = [e for e, _c in self.touched if e is not None]
        names = registry.enterprise_values(ids, "uscc", "name")
        report = []
        for (enterprise, code), (stored, released, fen) in sorted(
            self.touched.items(), key=lambda kv: (-kv[1][2], -kv[1][0], str(kv[0]))
        ):
            uscc, name = names.get(enterprise, ("", "")) if enterprise else ("", "")
            report.append(
                {
                    "enterprise": enterprise,
                    "uscc": uscc,
                    "name": name,
                    "code": code,
                    "declarations": stored,
                    "released": released,
                    "released_cny": f"{fen_to_yuan(fen):.2f}",
                }
            )
        return report

    def _add(self, records: list[Prepared], name: str) -> None:
        for record in records:
            if isinstance(record, PreparedInventory):
                self.buffer.inventories.append((record, name))
                # Counted from the declaration: on PostgreSQL the lines travel as COPY text.
                self.buffer.lines += record.declaration[LINES_COUNT]
            elif isinstance(record, ReceiptRecord):
                self.buffer.receipts.append(record)
            elif isinstance(record, extensions.ExtensionRecords):
                self.buffer.extension.append(record)
            else:
                self.buffer.others.append(record)

    # -- one chunk -------------------------------------------------------------------------

    def flush(self) -> None:
        if not self.buffer.size():
            return
        for attempt in (1, 2):
            saved = self._counters()
            touched = {key: list(value) for key, value in self.touched.items()}
            try:
                with transaction.atomic():
                    self._write()
                    IngestRun.objects.filter(pk=self.run.pk).update(**self._counters())
                break
            except IntegrityError:
                # Another worker stored some of the same keys meanwhile: re-check and retry.
                for name, value in saved.items():
                    setattr(self.run, name, value)
                self.touched = touched
                if attempt == 2:
                    raise
            except Exception:
                for name, value in saved.items():  # the run records what was committed
                    setattr(self.run, name, value)
                self.touched = touched
                raise
        self.buffer.clear()
        self.growth.refresh()  # a retried chunk counted twice only brings an analysis forward
        if self.run.released - self._folded_at >= fold_every():
            self.fold()

    def fold(self) -> None:
        """Add the marked releases' lines to the aggregate (``ledger.fold_released``)."""
        with transaction.atomic():
            ledger.fold_released()
        self._folded_at = self.run.released

    def _write(self) -> None:
        run = self.run
        if self.buffer.receipts and not run.is_channel:  # ``refusal`` keeps them out
            raise RuntimeError("receipts outside the customs channel")
        new_declarations = self._write_inventories()
        newly_released = self._write_receipts(new_declarations)
        if newly_released:
            ledger.mark_released(newly_released)
            run.released += len(newly_released)
        self._write_others()
        extensions.write(  # other apps' records and the chunk's releases (logistics …)
            run=run,
            records=self.buffer.extension,
            released=newly_released,
            enterprises=self.lookups.enterprises,
        )
