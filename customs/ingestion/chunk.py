"""What the writers of one chunk share: the buffer of prepared records, the column positions of a
prepared declaration, the declaration key, and the state the ``Ingestor`` keeps for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from customs import extensions, ledger
from customs.ingestion.records import OtherRecord, ReceiptRecord
from customs.models import IngestRun
from customs.prepare import DECLARATION_COLUMNS, Lookups, PreparedInventory

LINES_COUNT = DECLARATION_COLUMNS.index("lines_count")
EBC_CODE = DECLARATION_COLUMNS.index("ebc_code")
ENTERPRISE = DECLARATION_COLUMNS.index("enterprise")
COUNTY = DECLARATION_COLUMNS.index("county")
TOTAL_FEN = DECLARATION_COLUMNS.index("total_cny_fen")

# A declaration is stored once per (message type, e-commerce enterprise code, copNo): copNo is
# only unique within the enterprise that declares it. Receipts are matched on the same key.
DeclarationKey = tuple[str, str, str]


@dataclass
class Buffer:
    inventories: list[tuple[PreparedInventory, str]] = field(default_factory=list)
    receipts: list[ReceiptRecord] = field(default_factory=list)
    others: list[OtherRecord] = field(default_factory=list)
    extension: list[extensions.ExtensionRecords] = field(default_factory=list)
    lines: int = 0

    def size(self) -> int:
        return len(self.inventories) + len(self.receipts) + len(self.others)

    def clear(self) -> None:
        self.inventories.clear()
        self.receipts.clear()
        self.others.clear()
        self.extension.clear()
        self.lines = 0


class ChunkWriter:
    """The state the chunk writers (``DeclarationWrites``, ``ReceiptWrites``) share with the
    ``Ingestor`` that combines them; it sets every attribute in its ``__init__``."""

    run: IngestRun
    lookups: Lookups
    buffer: Buffer
    growth: ledger.TableGrowth
    # (enterprise id, or None and the unmapped customs code) → [declarations stored,
    # declarations released, released CNY fen]: the run's audit entry names them.
    touched: dict[tuple[int | None, str], list[int]]
    # New declarations of the chunk being written: id → (enterprise, code, CNY fen).
    _new_owners: dict[int, tuple[int | None, str, int]]

    def _touch(
        self, enterprise: int | None, code: str, stored: int, released: int, fen: int
    ) -> None:
        entry = self.touched.setdefault((enterprise, "" if enterprise else code), [0, 0, 0])
        entry[0] += stored
        entry[1] += released
        entry[2] += fen

    def _existing(
        self, model: Any, type_field: str, key_field: str, pairs: set[tuple[str, str]]
    ) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        by_type: dict[str, list[str]] = {}
        for mtype, key in pairs:
            by_type.setdefault(mtype, []).append(key)
        for mtype, keys in by_type.items():
            for part in ledger.chunks(keys, 5000):
                qs = ledger.where_in(model.objects.filter(**{type_field: mtype}), key_field, part)
                found.update((mtype, key) for key in qs.values_list(key_field, flat=True))
        return found
