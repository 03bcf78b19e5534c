"""The database-free half of ingestion: message bytes → rows ready to insert.

``prepare_file(data, lookups)`` reads one message file (``customs.ingestion.parsing``: safe
parser, field checks with paths) and turns its inventories into declaration and ledger-line
values: the enterprise and county of the customs code, the month's exchange rate, every amount
in CNY fen.
It needs no database, only ``Lookups`` (the rate table and the enterprise index, read once per
run by the ingesting process), so large batches run it in a parse worker process while the
ingesting process writes: the worker does all per-line work and sends back plain tuples, and the
writer only stores them.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from customs import reference
from customs.extensions import ExtensionRecords
from customs.ingestion.checks import check_signature
from customs.ingestion.parsing import read_message
from customs.ingestion.records import (
    InventoryRecord,
    MessageError,
    OtherRecord,
    ReceiptRecord,
    Record,
)
from customs.rates import ONE, RateMissing, month_of, to_fen
from customs.sources import SourceError, read_path


@dataclass(frozen=True, slots=True)
class Lookups:
    """What turning records into rows needs from the database, read once per run."""

    rates: dict[tuple[str, int], Decimal]  # (currency, YYYYMM) → CNY per unit
    enterprises: dict[str, tuple[int, int]]  # customs code or USCC → (enterprise, county)
    copy_text: bool = False  # also write the lines as PostgreSQL COPY text (``copy_lines``)
    # A customs-channel run with a verifier configured: every file must carry an enveloped
    # signature that verifies with this public key (PEM; ``ingestion.checks.check_signature``).
    channel_key: bytes = b""

    def rate(self, currency: str, month: int) -> Decimal:
        if currency == reference.CNY_CODE:
            return ONE
        try:
            return self.rates[(currency, month)]
        except KeyError:
            raise RateMissing(
                f"币制 {currency} 在 {month // 100}-{month % 100:02d} 没有汇率，"
                "请管理员先维护汇率表 (no exchange rate)。"
            ) from None


@dataclass(slots=True)
class PreparedInventory:
    """An inventory as rows: ``declaration`` holds the values of ``DECLARATION_COLUMNS``; a
    ledger line is ``line_head`` (``LINE_HEAD_COLUMNS``, the same for all lines of the
    inventory) followed by one of ``lines`` (``LINE_COLUMNS``). The writer adds ids, run, file.
    """

    message_type: str
    cop_no: str
    direction: str
    declared_on: dt.date
    declaration: tuple[Any, ...]
    line_head: tuple[Any, ...]
    lines: list[tuple[Any, ...]]
    total_fen: int  # the lines' CNY amounts
    extra_fen: int  # freight + insured fee in CNY fen (retail import checks)
    buyer: tuple[str, str] | None  # (id type, id number) of an import's buyer; hashed on write
    # With ``Lookups.copy_text``: the lines as COPY text rows, ``lines`` then empty. Each row
    # starts with ``ID_PLACEHOLDER`` where the writer puts the declaration id.
    copy_lines: str = ""

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent from the parse worker by pickle: plain arguments pickle several times faster
        # than the default state of a slotted dataclass.
        return (
            PreparedInventory,
            (
                self.message_type,
                self.cop_no,
                self.direction,
                self.declared_on,
                self.declaration,
                self.line_head,
                self.lines,
                self.total_fen,
                self.extra_fen,
                self.buyer,
                self.copy_lines,
            ),
        )


Prepared = PreparedInventory | ReceiptRecord | OtherRecord | ExtensionRecords

# The declaration and line columns the worker fills, in this order (see
# ``customs.ingestion.declarations``).
DECLARATION_COLUMNS = (
    "message_type",
    "direction",
    "cop_no",
    "pre_no",
    "invt_no",
    "order_no",
    "logistics_no",
    "ebc_code",
    "ebc_name",
    "ebp_code",
    "agent_code",
    "enterprise",
    "county",
    "trade_mode",
    "customs_code",
    "country",
    "declared_on",
    "lines_count",
    "total_cny_fen",
)
LINE_HEAD_COLUMNS = (
    "enterprise",
    "county",
    "ebc_code",
    "mode",
    "direction",
    "date",
    "month",
)
LINE_COLUMNS = (
    "line_no",
    "country",
    "hs_code",
    "goods_name",
    "unit",
    "quantity",
    "unit_price",
    "currency",
    "amount",
    "rate",
    "amount_cny_fen",
)


def prepare_inventory(record: InventoryRecord, lookups: Lookups) -> PreparedInventory:
    """Rows of one inventory; ``RateMissing`` when a line's currency has no rate that month."""
    enterprise, county = lookups.enterprises.get(record.ebc_code, (None, None))
    month = month_of(record.declared_on)
    day = record.declared_on.isoformat()
    mode, direction, code = record.trade_mode[:4], record.direction, record.ebc_code
    invt_no = record.invt_no[:20]
    rate_of = lookups.rate
    rates: dict[str, Decimal] = {}
    total = 0
    lines = []
    for line in record.lines:
        rate = rates.get(line.currency)
        if rate is None:
            rate = rates[line.currency] = rate_of(line.currency, month)
        fen = to_fen(line.total_price, rate)
        total += fen
        lines.append(
            (
                line.gnum,
                line.country[:3],
                line.gcode,
                line.gname,
                line.unit[:3],
                line.qty,
                line.price,
                line.currency[:3],
                str(line.total_price),
                str(rate),
                fen,
            )
        )
    extra = 0
    buyer = None
    if direction == "import":
        extra = to_fen(record.freight + record.insured_fee, rate_of("142", month))
        if record.buyer_id_number:
            buyer = (record.buyer_id_type, record.buyer_id_number)
    declaration = (
        record.message_type,
        direction,
        record.cop_no,
        record.pre_no[:18],
        invt_no,
        record.order_no[:60],
        record.logistics_no[:60],
        code[:18],
        record.ebc_name[:100],
        record.ebp_code[:18],
        record.agent_code[:18],
        enterprise,
        county,
        mode,
        record.customs_code[:4],
        record.country[:3],
        day,
        len(record.lines),
        total,
    )
    head = (enterprise, county, code, mode, direction, day, month)
    copy_lines = ""
    if lookups.copy_text:
        copy_lines = copy_block(head, lines)
        lines = []
    return PreparedInventory(
        record.message_type,
        record.cop_no,
        direction,
        record.declared_on,
        declaration,
        head,
        lines,
        total,
        extra,
        buyer,
        copy_lines,
    )


# PostgreSQL COPY text format: tab-separated, \N for NULL, t/f, backslash escapes.
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
ID_PLACEHOLDER = "\x00"  # cannot occur in escaped text (PostgreSQL text has no NUL)


def _copy_text(values: Sequence[Any]) -> str:
    """The values joined in COPY text form, strings as they are."""
    return "\t".join(
        [
            v
            if type(v) is str
            else "\\N"
            if v is None
            else ("t" if v else "f")
            if type(v) is bool
            else str(v)
            for v in values
        ]
    )


def copy_row(values: Sequence[Any]) -> str:
    """One row in COPY text format (``str()`` of any other value: numbers, dates, aware
    datetimes). The values are joined first; each string is escaped only when the row then
    holds a character COPY reads specially (a backslash beyond those of its NULLs, CR, or a tab
    or newline too many): the same text, without an escape call per value."""
    row = _copy_text(values)
    if (
        "\r" in row
        or "\n" in row
        or row.count("\t") != len(values) - 1
        or row.count("\\") != values.count(None)
    ):
        return copy_row_escaped(values)
    return row


def copy_row_escaped(values: Sequence[Any]) -> str:
    """``copy_row`` escaping every string."""
    return _copy_text([v.translate(_COPY_ESCAPE) if type(v) is str else v for v in values])


def copy_block(head: tuple[Any, ...], lines: list[tuple[Any, ...]]) -> str:
    """An inventory's lines as COPY text rows: ``ID_PLACEHOLDER``, the shared ``head``, then the
    line's own values (``LINE_COLUMNS``: no ``None`` or ``bool`` among them), one row per line.

    The values are joined as they are and the result is checked for any character COPY would
    need escaped (a backslash, CR, or a tab or newline inside a value, seen as one too many);
    only then are they escaped one by one (``copy_row``): the same text either way."""
    start = ID_PLACEHOLDER + "\t" + copy_row(head) + "\t"
    rows = ["\t".join(map(str, line)) for line in lines]
    body = "\n".join(rows)
    if (
        "\\" in body
        or "\r" in body
        or body.count("\t") != len(rows) * (len(LINE_COLUMNS) - 1)
        or body.count("\n") != len(rows) - 1
    ):
        rows = [copy_row_escaped(line) for line in lines]
    return "".join([start + row + "\n" for row in rows])


def prepare_records(records: list[Record], lookups: Lookups) -> list[Prepared]:
    return [prepare_inventory(r, lookups) if isinstance(r, InventoryRecord) else r for r in records]


def prepare_file(data: bytes, lookups: Lookups) -> list[Prepared]:
    """The prepared records of one message file; ``MessageError`` or ``RateMissing``."""
    if lookups.channel_key:
        check_signature(data, lookups.channel_key)
    return prepare_records(read_message(data), lookups)


# -- in a parse worker process ----------------------------------------------------------------

_WORKER_LOOKUPS: Lookups | None = None


def init_worker(lookups: Lookups, nice: int = 0, parent: int | None = None) -> None:
    """Pool initializer: the run's lookups, sent once to each worker process, the worker's
    lower priority (``ingestion.config.worker_nice``; ignored where the system has none) and its
    tie to the ingesting process ``parent`` (``die_with_parent``)."""
    global _WORKER_LOOKUPS
    _WORKER_LOOKUPS = lookups
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)
    if parent is not None:
        die_with_parent(parent)


PR_SET_PDEATHSIG = 1
PARENT_CHECK_SECONDS = 1.0


def die_with_parent(parent: int) -> None:
    """End this worker when the ingesting process ``parent`` ends, however it ends (a killed
    run must not leave its workers parsing: they hold the pool's pipes, so they would wait
    forever). On Linux the kernel sends SIGKILL when the parent dies (``prctl``
    ``PR_SET_PDEATHSIG``); everywhere a daemon thread also checks every second that the parent
    is still ours (re-parented means it died, also between the spawn and the ``prctl``)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="ddt-parent-watch", daemon=True).start()


def prepare_checked(data: bytes) -> tuple[list[Prepared] | None, str | None]:
    """``(records, None)`` or ``(None, error)`` for a worker (the error travels as its text)."""
    assert _WORKER_LOOKUPS is not None, "init_worker was not called"
    try:
        return prepare_file(data, _WORKER_LOOKUPS), None
    except (MessageError, RateMissing) as exc:
        return None, str(exc)


def prepare_path_checked(
    path: str, name: str, limit: int
) -> tuple[list[Prepared] | None, str | None]:
    """As ``prepare_checked`` for a plain file the worker reads itself (``sources.read_path``,
    same size limit): the ingesting process then does not copy its bytes to the worker."""
    try:
        data = read_path(path, name, limit)
    except SourceError as exc:
        return None, str(exc)
    return prepare_checked(data)
