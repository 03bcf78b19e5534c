"""Writing a chunk's inventories (declarations and their ledger lines, with the retail import
checks of imports) and its other messages: one set-based statement per table and chunk."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from customs import ledger, retail
from customs.ingestion.chunk import (
    EBC_CODE,
    ENTERPRISE,
    LINES_COUNT,
    TOTAL_FEN,
    ChunkWriter,
    DeclarationKey,
)
from customs.ingestion.records import OtherRecord
from customs.models import (
    BuyerYearTotal,
    Declaration,
    LedgerLine,
    RetailCheckKind,
    RetailImportCheck,
    StoredMessage,
)
from customs.prepare import (
    DECLARATION_COLUMNS,
    ID_PLACEHOLDER,
    LINE_COLUMNS,
    LINE_HEAD_COLUMNS,
    PreparedInventory,
)

_LINE_FIELDS = ("declaration", *LINE_HEAD_COLUMNS, *LINE_COLUMNS)

_DECLARATION_FIELDS = (
    *DECLARATION_COLUMNS,
    "buyer_hash",
    "status",
    "released",
    "run",
    "source_file",
    "origin",
    "created_at",
)


class DeclarationWrites(ChunkWriter):
    """The inventories and other messages of one chunk (a part of the ``Ingestor``)."""

    def _write_inventories(self) -> dict[DeclarationKey, int]:
        """Insert new declarations and their ledger lines; returns {(type, ebcCode, copNo): id}."""
        run = self.run
        items = self.buffer.inventories
        run.messages += len(items)
        self._new_owners = {}
        candidates: dict[DeclarationKey, tuple[PreparedInventory, str]] = {}
        for record, name in items:
            key = (record.message_type, record.declaration[EBC_CODE], record.cop_no)
            candidates.setdefault(key, (record, name))
        buyers = {
            key: retail.buyer_hash(*record.buyer)
            for key, (record, _name) in candidates.items()
            if record.buyer
        }
        if connection.vendor == "postgresql":
            ids = self._insert_declarations_new(candidates, buyers)
        else:
            ids = self._insert_declarations_checked(candidates, buyers)
        run.duplicates += len(items) - len(ids)
        run.new += len(ids)
        if not ids:
            return {}
        fresh = {key: candidates[key] for key in ids}
        # A ledger line is (declaration id, the inventory's shared head, the line's own values);
        # on PostgreSQL the worker sent the lines as COPY text with a placeholder for the id.
        lines: list[tuple[Any, ...]] = []
        copied: list[str] = []
        touch = self._touch
        owners = self._new_owners
        for key, (record, _name) in fresh.items():
            row = record.declaration
            touch(row[ENTERPRISE], row[EBC_CODE], 1, 0, 0)
            owners[ids[key]] = (row[ENTERPRISE], row[EBC_CODE], row[TOTAL_FEN])
            if record.copy_lines:
                copied.append(record.copy_lines.replace(ID_PLACEHOLDER, str(ids[key])))
            else:
                head = (ids[key], *record.line_head)
                lines.extend(head + line for line in record.lines)
        ledger.insert_rows(LedgerLine, _LINE_FIELDS, lines)
        if copied:
            ledger.copy_text(LedgerLine, _LINE_FIELDS, copied)
        run.lines += sum(record.declaration[LINES_COUNT] for record, _name in fresh.values())
        self._retail_checks(
            [(ids[key], fresh[key][0], buyer) for key, buyer in buyers.items() if key in ids]
        )
        return ids

    def _declaration_rows(
        self,
        candidates: dict[DeclarationKey, tuple[PreparedInventory, str]],
        buyers: dict[DeclarationKey, str],
    ) -> list[tuple[Any, ...]]:
        """The ``_DECLARATION_FIELDS`` values of ``candidates``, in their order."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        pk = self.run.pk
        origin = self.run.origin
        return [
            (*record.declaration, buyers.get(key, ""), "", False, pk, name[-300:], origin, now)
            for key, (record, name) in candidates.items()
        ]

    def _insert_declarations_new(
        self,
        candidates: dict[DeclarationKey, tuple[PreparedInventory, str]],
        buyers: dict[DeclarationKey, str],
    ) -> dict[DeclarationKey, int]:
        """PostgreSQL: insert the candidates not stored yet and learn their ids from the insert
        (``ledger.insert_new``: one statement, no look-up before nor after)."""
        inserted = ledger.insert_new(
            Declaration,
            _DECLARATION_FIELDS,
            self._declaration_rows(candidates, buyers),
            ("message_type", "ebc_code", "cop_no"),
            ("message_type", "ebc_code", "cop_no", "id"),
        )
        self.growth.grew(Declaration, len(inserted))
        ids = {(mtype, ebc, cop): pk for mtype, ebc, cop, pk in inserted}
        return {key: ids[key] for key in candidates if key in ids}

    def _insert_declarations_checked(
        self,
        candidates: dict[DeclarationKey, tuple[PreparedInventory, str]],
        buyers: dict[DeclarationKey, str],
    ) -> dict[DeclarationKey, int]:
        """Insert the candidates not stored yet (looked up first) and read back their ids."""
        existing = self._declaration_ids(set(candidates))
        fresh = {key: value for key, value in candidates.items() if key not in existing}
        if not fresh:
            return {}
        ledger.insert_rows(Declaration, _DECLARATION_FIELDS, self._declaration_rows(fresh, buyers))
        self.growth.grew(Declaration, len(fresh))
        ids = self._declaration_ids(set(fresh))
        return {key: ids[key] for key in fresh}

    @staticmethod
    def _declaration_ids(keys: set[DeclarationKey]) -> dict[DeclarationKey, int]:
        """The ids of the stored declarations among ``keys``: one query per message type and
        5,000 copNos (by the unique index's prefix), the enterprise code compared here."""
        found: dict[DeclarationKey, int] = {}
        by_type: dict[str, set[str]] = {}
        for mtype, _ebc, cop in keys:
            by_type.setdefault(mtype, set()).add(cop)
        for mtype, cops in by_type.items():
            for part in ledger.chunks(sorted(cops), 5000):
                qs = ledger.where_in(Declaration.objects.filter(message_type=mtype), "cop_no", part)
                for ebc, cop, pk in qs.values_list("ebc_code", "cop_no", "pk"):
                    if (mtype, ebc, cop) in keys:
                        found[(mtype, ebc, cop)] = pk
        return found

    def _retail_checks(self, declarations: list[tuple[int, PreparedInventory, str]]) -> None:
        """Flag retail imports above the single or the annual per-buyer limit:
        ``declarations`` are (id, inventory, buyer hash) of the new ones with a buyer."""
        if not declarations:
            return
        run = self.run
        keys = {(buyer, record.declared_on.year) for _pk, record, buyer in declarations}
        totals: dict[tuple[str, int], int] = {}
        for part in ledger.chunks(sorted({h for h, _ in keys}), 5000):
            for h, y, t in BuyerYearTotal.objects.filter(buyer_hash__in=part).values_list(
                "buyer_hash", "year", "total_fen"
            ):
                totals[(h, y)] = t
        deltas: dict[tuple[str, int], list[int]] = {}
        checks = []
        for pk, record, buyer in declarations:
            limits = retail.limits_on(record.declared_on)
            amount = record.total_fen + record.extra_fen
            key = (buyer, record.declared_on.year)
            running = totals.get(key, 0) + amount
            totals[key] = running
            delta = deltas.setdefault(key, [0, 0])
            delta[0] += amount
            delta[1] += 1
            if limits is None:
                continue
            common = {
                "declaration_id": pk,
                "buyer_hash": buyer,
                "year": record.declared_on.year,
                "amount_fen": amount,
                "year_total_fen": running,
                "document": limits.document,
                "run": run,
            }
            if amount > limits.single_fen:
                checks.append(
                    RetailImportCheck(
                        kind=RetailCheckKind.SINGLE, limit_fen=limits.single_fen, **common
                    )
                )
            if running > limits.annual_fen:
                checks.append(
                    RetailImportCheck(
                        kind=RetailCheckKind.ANNUAL, limit_fen=limits.annual_fen, **common
                    )
                )
        RetailImportCheck.objects.bulk_create(checks, batch_size=1000)
        run.retail_breaches += len(checks)
        qn = connection.ops.quote_name
        table = qn(BuyerYearTotal._meta.db_table)
        with connection.cursor() as cursor:
            for part in ledger.chunks(list(deltas.items()), 500):
                params: list[Any] = []
                for (h, y), (fen, n) in part:
                    params += [h, y, fen, n]
                cursor.execute(
                    f"INSERT INTO {table} ({qn('buyer_hash')}, {qn('year')}, {qn('total_fen')}, "  # noqa: S608 - names from model metadata, values bound
                    f"{qn('transactions')}) VALUES "
                    + ", ".join(["(%s, %s, %s, %s)"] * len(part))
                    + f" ON CONFLICT ({qn('buyer_hash')}, {qn('year')}) DO UPDATE SET "
                    f"{qn('total_fen')} = {table}.{qn('total_fen')} + excluded.{qn('total_fen')}, "
                    f"{qn('transactions')} = {table}.{qn('transactions')} + "
                    f"excluded.{qn('transactions')}",
                    params,
                )

    def _write_others(self) -> None:
        run = self.run
        items = self.buffer.others
        if not items:
            return
        run.messages += len(items)
        existing = self._existing(
            StoredMessage,
            "message_type",
            "business_key",
            {(r.message_type, r.business_key) for r in items},
        )
        fresh: dict[tuple[str, str], OtherRecord] = {}
        for record in items:
            key = (record.message_type, record.business_key)
            if key in existing or key in fresh:
                run.duplicates += 1
            else:
                fresh[key] = record
        run.new += len(fresh)
        StoredMessage.objects.bulk_create(
            [
                StoredMessage(
                    message_type=r.message_type,
                    business_key=r.business_key,
                    ebc_code=r.ebc_code,
                    summary=r.summary,
                    run=run,
                    origin=run.origin,
                )
                for r in fresh.values()
            ],
            batch_size=1000,
        )
