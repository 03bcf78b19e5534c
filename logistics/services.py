"""Writes of logistics tracking: carrier pushes and customs events. Keyword-only, transactional,
audited (one audit entry per push batch or per customs chunk, not per event: a batch can hold
1,000 events and the audit chain is written one entry at a time).

Both sources go through :func:`store_events`, the one place that creates shipments, stores each
event once (``INSERT … ON CONFLICT DO NOTHING RETURNING``: a re-sent event, or a re-ingested
message, changes nothing) and moves each shipment's status and times forward.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts import access
from audit.services import audit_record
from logistics import customs_messages
from logistics.models import (
    CARRIER_CODES,
    NON_STATUS_CODES,
    DocumentWaybill,
    EventCode,
    EventSource,
    Shipment,
    ShipmentEvent,
)

if TYPE_CHECKING:
    from accounts.models import User

MAX_BATCH = 1000
MAX_TEXT = 500
MAX_KEY = 100
# Waybill numbers and company codes as the CEB messages allow them (letters, digits, a few
# separators); anything else is refused before it reaches a query.
_WAYBILL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-./]{0,59}$")
_CODE = re.compile(r"^[A-Za-z0-9]{1,18}$")
_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FUTURE_SLACK = dt.timedelta(days=1)
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to store, with what it tells about its shipment."""

    logistics_no: str
    logistics_code: str
    at: dt.datetime
    code: str
    source: str
    text: str
    key: str
    message_type: str = ""
    logistics_name: str = ""
    direction: str = ""
    order_no: str = ""
    invt_no: str = ""
    ebc_code: str = ""


@dataclass(frozen=True, slots=True)
class StoreResult:
    received: int
    stored: int
    duplicates: int
    shipments_created: int


def _adapter() -> Any:
    """Aware datetime → the database's parameter: aware as is on PostgreSQL; on SQLite the
    naive UTC text Django stores (``adapt_datetimefield_value`` costs ~14 µs a value; this ~2)."""
    if connection.vendor != "sqlite":
        return lambda value: value
    utc = dt.UTC

    def adapt(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        return value.astimezone(utc).replace(tzinfo=None).isoformat(" ")

    return adapt


def _shipment_ids(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the stored shipments among ``keys`` (logistics_no, logistics_code), by the unique
    index's prefix (one query per 500 waybill numbers)."""
    found: dict[tuple[str, str], int] = {}
    nos = sorted({no for no, _code in keys})
    qn = connection.ops.quote_name
    table = qn(Shipment._meta.db_table)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for start in range(0, len(nos), _CHUNK):
            part = nos[start : start + _CHUNK]
            # PostgreSQL: one array parameter (its client-side binding parses every placeholder)
            where = "= ANY(%s)" if postgres else f"IN ({', '.join(['%s'] * len(part))})"
            cursor.execute(
                f"SELECT {qn('id')}, {qn('logistics_no')}, {qn('logistics_code')} FROM {table} "  # noqa: S608 - names from model metadata, values bound
                f"WHERE {qn('logistics_no')} {where}",
                [part] if postgres else part,
            )
            for pk, no, code in cursor.fetchall():
                if (no, code) in keys:
                    found[(no, code)] = int(pk)
    return found


def _create_shipments(
    missing: set[tuple[str, str]],
    events: Sequence[NewEvent],
    enterprises: Mapping[str, tuple[int, int]] | None,
    now: Any,
) -> int:
    """Insert the shipments ``missing`` (one concurrent writer may have stored some: skipped)
    with what their first event says; returns how many were inserted."""
    first: dict[tuple[str, str], NewEvent] = {}
    for e in events:
        first.setdefault((e.logistics_no, e.logistics_code), e)
    rows = []
    for key in sorted(missing):
        e = first[key]
        owner = (enterprises or {}).get(e.ebc_code) if e.ebc_code else None
        rows.append(
            (
                e.logistics_no,
                e.logistics_code,
                e.logistics_name[:200],
                e.direction,
                e.order_no[:60],
                e.invt_no[:20],
                e.ebc_code[:18],
                owner[0] if owner else None,
                owner[1] if owner else None,
                "",
                0,
                0,
                now,
            )
        )
    cols = (
        "logistics_no",
        "logistics_code",
        "logistics_name",
        "direction",
        "order_no",
        "invt_no",
        "ebc_code",
        "enterprise_id",
        "county_id",
        "status",
        "exceptions",
        "events_count",
        "created_at",
    )
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in cols)
    per_row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    created = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            part = rows[start : start + _CHUNK]
            cursor.execute(
                f"INSERT INTO {qn(Shipment._meta.db_table)} ({names}) VALUES "  # noqa: S608 - names from model metadata, values bound
                + ", ".join([per_row] * len(part))
                + f" ON CONFLICT ({qn('logistics_no')}, {qn('logistics_code')}) DO NOTHING"
                f" RETURNING {qn('id')}",
                [value for row in part for value in row],
            )
            created += len(cursor.fetchall())
    return created


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_line(row: Sequence[Any]) -> str:
    """One line of PostgreSQL COPY text: None → \\N, datetimes in ISO form, text escaped."""
    out = []
    for value in row:
        if value is None:
            out.append("\\N")
        elif isinstance(value, dt.datetime):
            out.append(value.isoformat())
        elif isinstance(value, str):
            out.append(value.translate(_COPY_ESCAPES))
        else:
            out.append(str(value))
    return "\t".join(out) + "\n"


def _insert_events(rows: list[tuple[Any, ...]]) -> list[tuple[int, str, str]]:
    """Insert event rows, skipping stored (shipment, source, key); returns the (shipment id,
    source, key) of those inserted."""
    qn = connection.ops.quote_name
    table = qn(ShipmentEvent._meta.db_table)
    cols = ("shipment_id", "at", "code", "source", "text", "key", "message_type", "created_at")
    names = ", ".join(qn(c) for c in cols)
    per_row = "(" + ", ".join(["%s"] * len(cols)) + ")"
    inserted: list[tuple[int, str, str]] = []
    tail = (
        f" ON CONFLICT ({qn('shipment_id')}, {qn('source')}, {qn('key')}) DO NOTHING"
        f" RETURNING {qn('shipment_id')}, {qn('source')}, {qn('key')}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY into a session's temporary table of the same columns (no index), then one
            # INSERT … SELECT: no per-value parameter adaptation (see customs/ledger.py).
            stage = qn(f"stage_{ShipmentEvent._meta.db_table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} AS "  # noqa: S608 - names from model metadata
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                copy.write("".join(_copy_line(row) for row in rows))
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage}" + tail)  # noqa: S608 - names from model metadata
            found = [(int(a), str(b), str(c)) for a, b, c in cursor.fetchall()]
            cursor.execute(f"TRUNCATE {stage}")
            return found
        for start in range(0, len(rows), _CHUNK):
            part = rows[start : start + _CHUNK]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from model metadata, values bound
                + ", ".join([per_row] * len(part))
                + tail,
                [value for row in part for value in row],
            )
            inserted.extend((int(a), str(b), str(c)) for a, b, c in cursor.fetchall())
    return inserted


def store_events(
    events: Sequence[NewEvent],
    *,
    enterprises: Mapping[str, tuple[int, int]] | None = None,
    documents: Iterable[tuple[str, str, str, NewEvent]] = (),
) -> StoreResult:
    """Store ``events`` once each, creating missing shipments and moving statuses forward.

    Runs inside the caller's transaction. ``enterprises`` (customs code → (enterprise id,
    county id)) links new shipments to the enterprise an event names (``ebc_code``);
    ``documents`` are (document type, logistics code, copNo, event) links to record for the
    receipts of arrivals, departures and master waybills."""
    if not events:
        return StoreResult(0, 0, 0, 0)
    adapt = _adapter()
    now = adapt(timezone.now())
    keys = {(e.logistics_no, e.logistics_code) for e in events}
    ids = _shipment_ids(keys)
    missing = keys - ids.keys()
    created = 0
    if missing:
        created = _create_shipments(missing, events, enterprises, now)
        ids.update(_shipment_ids(missing))
    # Customs details a later message adds to a shipment a carrier created first.
    fill: dict[int, dict[str, Any]] = {}
    for e in events:
        if e.source != EventSource.CUSTOMS:
            continue
        values = {
            k: v
            for k, v in (
                ("logistics_name", e.logistics_name[:200]),
                ("direction", e.direction),
                ("order_no", e.order_no[:60]),
                ("invt_no", e.invt_no[:20]),
                ("ebc_code", e.ebc_code[:18]),
            )
            if v
        }
        if values:
            fill.setdefault(ids[(e.logistics_no, e.logistics_code)], {}).update(values)
    rows: list[tuple[Any, ...]] = []
    by_row: dict[tuple[int, str, str], NewEvent] = {}
    for e in events:
        sid = ids[(e.logistics_no, e.logistics_code)]
        rkey = (sid, e.source, e.key)
        if rkey in by_row:
            continue
        by_row[rkey] = e
        rows.append(
            (sid, adapt(e.at), e.code, e.source, e.text[:MAX_TEXT], e.key, e.message_type, now)
        )
    inserted = _insert_events(rows)
    _advance([(sid, by_row[(sid, src, key)]) for sid, src, key in inserted], adapt)
    for sid, values in fill.items():
        # Only what is still blank: the first message that names an order or inventory wins.
        qs = Shipment.objects.filter(pk=sid)
        for name, value in values.items():
            qs.filter(**{name: ""}).update(**{name: value})
    links = [
        DocumentWaybill(
            document_type=dtype,
            logistics_code=code,
            cop_no=cop_no,
            shipment_id=ids[(e.logistics_no, e.logistics_code)],
        )
        for dtype, code, cop_no, e in documents
    ]
    if links:
        DocumentWaybill.objects.bulk_create(links, batch_size=_CHUNK, ignore_conflicts=True)
    return StoreResult(len(events), len(inserted), len(events) - len(inserted), created)


def _advance(inserted: list[tuple[int, NewEvent]], adapt: Any) -> None:
    """Move the shipments' status, times and counters by their newly stored events, in SQL: the
    status moves only to an event at or after the stored status time, the release, departure
    and delivery times only earlier, the counters add up (so concurrent pushes for the same
    waybill compose)."""
    changed: dict[int, list[Any]] = {}
    released, departed, delivered = (
        EventCode.CUSTOMS_RELEASED,
        EventCode.DEPARTED_COUNTRY,
        EventCode.DELIVERED,
    )
    for sid, e in inserted:
        # latest status event (at, code), first release, departure, delivery, exceptions, count
        row = changed.get(sid)
        if row is None:
            row = changed[sid] = [None, "", None, None, None, 0, 0]
        code, at = e.code, e.at
        if code not in NON_STATUS_CODES and (row[0] is None or at >= row[0]):
            row[0], row[1] = at, code
        index = 2 if code == released else 3 if code == departed else 4 if code == delivered else 0
        if index and (row[index] is None or at < row[index]):
            row[index] = at
        if code == EventCode.EXCEPTION:
            row[5] += 1
        row[6] += 1
    if not changed:
        return
    if connection.vendor == "sqlite" and not UPDATE_FROM_SQLITE:
        _advance_rows(changed, adapt)
        return
    qn = connection.ops.quote_name
    table = qn(Shipment._meta.db_table)
    v = qn("stage_logistics_advance")
    with connection.cursor() as cursor:
        # The changes go to a session's temporary table (PostgreSQL: COPY; SQLite: one prepared
        # insert), then one UPDATE … FROM moves every shipment of the batch.
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {v} (id bigint, at timestamptz, "
                "code text, rel timestamptz, dep timestamptz, dlv timestamptz, exc int, cnt int)"
            )
            cursor.execute(f"TRUNCATE {v}")
            with cursor.cursor.copy(f"COPY {v} FROM STDIN") as copy:
                copy.write("".join(_copy_line([sid, *changed[sid]]) for sid in sorted(changed)))
        else:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {v} (id integer, at text, code text, "
                "rel text, dep text, dlv text, exc integer, cnt integer)"
            )
            cursor.execute(f"DELETE FROM {v}")  # noqa: S608 - constant name
            cursor.executemany(
                f"INSERT INTO {v} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608 - constant name
                [
                    (sid, adapt(at), code, adapt(rel), adapt(dep), adapt(dlv), exc, cnt)
                    for sid, (at, code, rel, dep, dlv, exc, cnt) in sorted(changed.items())
                ],
            )
        status_at = f"{table}.{qn('status_at')}"
        moves = f"{v}.at IS NOT NULL AND ({status_at} IS NULL OR {status_at} <= {v}.at)"

        def earliest(column: str, value: str) -> str:
            own = f"{table}.{qn(column)}"
            return (
                f"{qn(column)} = CASE WHEN {v}.{value} IS NOT NULL AND ({own} IS NULL OR "
                f"{own} > {v}.{value}) THEN {v}.{value} ELSE {own} END"
            )

        cursor.execute(
            f"UPDATE {table} SET "  # noqa: S608 - names from model metadata
            f"{qn('status')} = CASE WHEN {moves} THEN {v}.code ELSE {table}.{qn('status')} END, "
            f"{qn('status_at')} = CASE WHEN {moves} THEN {v}.at ELSE {status_at} END, "
            + ", ".join(
                (
                    earliest("released_at", "rel"),
                    earliest("departed_at", "dep"),
                    earliest("delivered_at", "dlv"),
                )
            )
            + f", {qn('exceptions')} = {table}.{qn('exceptions')} + {v}.exc"
            f", {qn('events_count')} = {table}.{qn('events_count')} + {v}.cnt"
            f" FROM {v} WHERE {table}.{qn('id')} = {v}.id"
        )


# SQLite learnt UPDATE … FROM in 3.33 (Django 5.2 supports 3.31): older ones update row by row.
UPDATE_FROM_SQLITE = sqlite3.sqlite_version_info >= (3, 33)


def _advance_rows(changed: dict[int, list[Any]], adapt: Any) -> None:
    """SQLite before 3.33: the same moves as :func:`_advance`, one prepared UPDATE per waybill."""
    qn = connection.ops.quote_name
    status, status_at = qn("status"), qn("status_at")
    moves = f"(%s IS NOT NULL AND ({status_at} IS NULL OR {status_at} <= %s))"
    earliest = "CASE WHEN %s IS NOT NULL AND ({c} IS NULL OR {c} > %s) THEN %s ELSE {c} END"
    sql = (
        f"UPDATE {qn(Shipment._meta.db_table)} SET "  # noqa: S608 - names from model metadata, values bound
        f"{status} = CASE WHEN {moves} THEN %s ELSE {status} END, "
        f"{status_at} = CASE WHEN {moves} THEN %s ELSE {status_at} END, "
        + ", ".join(
            f"{qn(c)} = " + earliest.format(c=qn(c))
            for c in ("released_at", "departed_at", "delivered_at")
        )
        + f", {qn('exceptions')} = {qn('exceptions')} + %s"
        f", {qn('events_count')} = {qn('events_count')} + %s"
        f" WHERE {qn('id')} = %s"
    )
    params = []
    for sid in sorted(changed):
        at, code, released, departed, delivered, exceptions, count = changed[sid]
        a, r, d, v = adapt(at), adapt(released), adapt(departed), adapt(delivered)
        params.append((a, a, code, a, a, a, r, r, r, d, d, d, v, v, v, exceptions, count, sid))
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# -- carrier pushes -----------------------------------------------------------------------------


def _parse_at(value: Any, index: int, now: dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        at: dt.datetime | None = value
    else:
        text = str(value or "")[:40]
        try:
            at = dt.datetime.fromisoformat(text)
        except ValueError:
            try:
                at = parse_datetime(text)
            except ValueError:
                at = None
    if at is None or at.tzinfo is None:
        raise ValidationError(
            {
                f"events[{index}].at": [
                    _("时间须为带时区的 ISO 8601 格式，例如 2026-12-07T10:00:00+08:00。")
                ]
            }
        )
    if at < EARLIEST or at > now + FUTURE_SLACK:
        raise ValidationError({f"events[{index}].at": [_("时间超出允许范围。")]})
    return at


def carrier_events_push(*, actor: User, events: Sequence[Mapping[str, Any]]) -> StoreResult:
    """A logistics partner pushes up to ``MAX_BATCH`` events of its own company's waybills.

    Each event: ``logistics_no``, ``logistics_code`` (must be the partner's own, bound on its
    user: ``accounts.access.own_logistics_code``), ``at`` (aware ISO 8601), ``code`` (one of
    ``CARRIER_CODES``), ``text`` (the carrier's own wording) and ``idempotency_key``. The batch is
    checked whole first: one bad or foreign event refuses it, and nothing is stored."""
    own = access.own_logistics_code(actor)
    if not own:
        raise PermissionDenied(_("只有已绑定物流企业代码的物流合作机构用户可以推送物流事件。"))
    if not events:
        raise ValidationError({"events": [_("请至少提交一条事件。")]})
    if len(events) > MAX_BATCH:
        raise ValidationError({"events": [_("每批最多 %(n)s 条事件。") % {"n": MAX_BATCH}]})
    parsed: list[NewEvent] = []
    foreign: list[str] = []
    now = timezone.now()
    for i, raw in enumerate(events):
        no = str(raw.get("logistics_no") or "").strip()
        code = str(raw.get("logistics_code") or "").strip()
        key = str(raw.get("idempotency_key") or "").strip()
        event_code = str(raw.get("code") or "").strip()
        text = str(raw.get("text") or "").strip()
        errors: dict[str, list[str]] = {}
        if not _WAYBILL.match(no):
            errors[f"events[{i}].logistics_no"] = [_("运单编号无效。")]
        if not _CODE.match(code):
            errors[f"events[{i}].logistics_code"] = [_("物流企业代码无效。")]
        if not _KEY.match(key):
            errors[f"events[{i}].idempotency_key"] = [_("幂等键须为 1–100 个可见 ASCII 字符。")]
        if event_code not in CARRIER_CODES:
            errors[f"events[{i}].code"] = [_("事件代码无效。")]
        if len(text) > MAX_TEXT:
            errors[f"events[{i}].text"] = [_("说明不能超过 %(n)s 个字符。") % {"n": MAX_TEXT}]
        if errors:
            raise ValidationError(errors)
        if code != own:
            foreign.append(no)
            continue
        parsed.append(
            NewEvent(
                no,
                code,
                _parse_at(raw.get("at"), i, now),
                event_code,
                EventSource.CARRIER,
                text,
                key,
            )
        )
    if foreign:
        raise PermissionDenied(
            _("只能推送本企业（物流企业代码 %(code)s）的运单事件：%(nos)s。")
            % {"code": own, "nos": "、".join(foreign[:5]) + ("…" if len(foreign) > 5 else "")}
        )
    with transaction.atomic():
        result = store_events(parsed)
        audit_record(
            actor=actor,
            action="logistics.carrier_events_push",
            object_type="logistics.Shipment",
            object_id=own,
            object_repr=f"{own}: {result.received} events",
            after={
                "logistics_code": own,
                "received": result.received,
                "stored": result.stored,
                "duplicates": result.duplicates,
                "shipments_created": result.shipments_created,
            },
        )
    return result


# -- customs messages -------------------------------------------------------------------------

# Runs whose messages are believed about a waybill: the customs channel and the city's own
# uploads. An enterprise, agent or county upload is the uploader's declaration, and arrival,
# departure and waybill messages name no e-commerce enterprise the upload could be checked
# against (docs/logistics.md, "Trust").
TRUSTED_ORIGINS = frozenset({"customs", "city"})


def _from_record(r: customs_messages.WaybillEventRecord) -> NewEvent:
    return NewEvent(
        logistics_no=r.logistics_no[:60],
        logistics_code=r.logistics_code[:18],
        at=r.at,
        code=r.code,
        source=EventSource.CUSTOMS,
        text=r.text,
        key=r.key[:120],
        message_type=r.message_type,
        logistics_name=r.logistics_name,
        direction=r.direction,
        order_no=r.order_no,
        invt_no=r.invt_no,
        ebc_code=r.ebc_code,
    )


def customs_events_write(
    *,
    run: Any,
    records: Sequence[Any],
    released: Sequence[int],
    enterprises: Mapping[str, tuple[int, int]],
) -> int:
    """The logistics events of one customs ingestion chunk (called by customs ingestion inside
    the chunk's transaction): the waybill records ``customs_messages.read`` made, the receipts
    of documents, and the inventories ``released`` (declaration ids) in this chunk. Returns the
    number of events stored. Runs of untrusted origin add nothing."""
    if getattr(run, "origin", "") not in TRUSTED_ORIGINS:
        return 0
    events: list[NewEvent] = []
    documents: list[tuple[str, str, str, NewEvent]] = []
    receipts: list[customs_messages.DocumentReceiptRecord] = []
    for r in records:
        if isinstance(r, customs_messages.WaybillEventRecord):
            if not (r.logistics_no and r.logistics_code):
                continue
            event = _from_record(r)
            events.append(event)
            if r.document:
                documents.append((r.message_type, r.logistics_code, r.document, event))
        elif isinstance(r, customs_messages.DocumentReceiptRecord):
            receipts.append(r)
    stored = store_events(events, enterprises=enterprises, documents=documents).stored
    stored += _document_receipts(receipts)
    stored += _releases(released)
    if stored:
        audit_record(
            actor=None,
            action="logistics.customs_events",
            object_type="customs.IngestRun",
            object_id=str(getattr(run, "pk", "")),
            object_repr=f"ingest run {getattr(run, 'pk', '')}",
            after={"events_stored": stored},
        )
    return stored


def _document_receipts(receipts: list[customs_messages.DocumentReceiptRecord]) -> int:
    if not receipts:
        return 0
    events: list[NewEvent] = []
    for r in receipts:
        links = DocumentWaybill.objects.filter(
            document_type=r.document_type, logistics_code=r.logistics_code, cop_no=r.cop_no
        ).values_list("shipment__logistics_no", "shipment__logistics_code")
        for no, code in links:
            events.append(
                NewEvent(
                    no,
                    code,
                    r.at,
                    EventCode.CUSTOMS_RECEIPT,
                    EventSource.CUSTOMS,
                    r.text,
                    r.key[:120],
                    message_type=r.message_type,
                )
            )
    return store_events(events).stored


def _releases(declaration_ids: Sequence[int]) -> int:
    """Customs released events for the waybills of the released inventories (CEB604 / CEB622
    receipts), linking each shipment to its order, inventory and enterprise."""
    if not declaration_ids:
        return 0
    from customs.models import Declaration

    events: list[NewEvent] = []
    owners: dict[int, tuple[int | None, int | None]] = {}
    released: list[tuple[Any, ...]] = []
    for start in range(0, len(declaration_ids), _CHUNK):
        released += list(
            Declaration.objects.filter(
                pk__in=declaration_ids[start : start + _CHUNK], released=True
            )
            .exclude(logistics_no="")
            .values_list(
                "pk",
                "logistics_no",
                "order_no",
                "invt_no",
                "enterprise_id",
                "county_id",
                "ebc_code",
                "released_at",
                "message_type",
            )
        )
    if not released:
        return 0
    by_no = {row[1]: row for row in released}
    nos = sorted(by_no)
    shipments: list[tuple[int, str, str]] = []
    for start in range(0, len(nos), _CHUNK):
        shipments += list(
            Shipment.objects.filter(logistics_no__in=nos[start : start + _CHUNK]).values_list(
                "pk", "logistics_no", "logistics_code"
            )
        )
    for sid, no, code in shipments:
        pk, _no, order_no, invt_no, enterprise, county, ebc, at, mtype = by_no[no]
        receipt = "CEB604" if mtype == "CEB603" else "CEB622"
        events.append(
            NewEvent(
                no,
                code,
                at,
                EventCode.CUSTOMS_RELEASED,
                EventSource.CUSTOMS,
                _("清单已放行（清单编号 %(invt)s）") % {"invt": invt_no or "-"},
                f"{receipt}|{pk}",
                message_type=receipt,
                order_no=order_no,
                invt_no=invt_no,
                ebc_code=ebc,
            )
        )
        owners[sid] = (enterprise, county)
    stored = store_events(events).stored
    for sid, (enterprise, county) in owners.items():
        if enterprise:
            Shipment.objects.filter(pk=sid, enterprise__isnull=True).update(
                enterprise_id=enterprise, county_id=county
            )
    return stored
