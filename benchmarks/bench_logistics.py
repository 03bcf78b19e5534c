"""Logistics tracking: carrier events through the push service, and a waybill's timeline.

For each database (SQLite in a temporary folder; PostgreSQL when DDT_BENCH_POSTGRES_URL is set —
its logistics tables are emptied first), in a child process:

1. the floor: a bare multi-row INSERT of the same event rows (same columns, no index, no
   look-up) into a scratch table, batches of 1,000, one transaction each;
2. the service: ``logistics.services.carrier_events_push`` (what ``POST /api/v1/logistics/
   events`` calls, without HTTP) with batches of 1,000 events of one logistics partner — ten
   events per waybill, spread over batches, each batch validated, shipments created, events
   stored once, statuses moved and one audit entry written — then the same first batches again
   (all duplicates: nothing stored);
3. the timeline: the table is filled to DDT_BENCH_LOGISTICS_STORED events (default 10,000,000;
   rows written by SQL, ten per waybill) and the timeline of 1,000 random waybills is read
   through ``selectors.timeline_json``; p50/p95 reported.

Sizes: ``--events N`` / DDT_BENCH_LOGISTICS_EVENTS (default 1,000,000, the issue's figure) and
``--stored N`` / DDT_BENCH_LOGISTICS_STORED (default 10,000,000); smaller numbers for a quick run,
e.g. ``python benchmarks/bench_logistics.py --events 100000 --stored 1000000``. ``--only sqlite``
or ``--only postgresql`` runs one database. DDT_BENCH_POSTGRES_URL: the PostgreSQL database.
The timed timeline is what ``ddt logistics track`` runs after its process has started: the
waybill look-up, the timeline and its JSON.
Targets: ≥ 10,000 events/s through the service; timeline p95 < 50 ms at the stored size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = int(os.environ.get("DDT_BENCH_LOGISTICS_EVENTS", "1000000"))
STORED = int(os.environ.get("DDT_BENCH_LOGISTICS_STORED", "10000000"))
BATCH = 1000
PER_WAYBILL = 10
CODE = "3207989999"
CODES = [
    "picked_up",
    "departed_origin",
    "arrived_site",
    "customs_released",
    "departed_country",
    "arrived_destination",
    "cleared_abroad",
    "out_for_delivery",
    "delivered",
    "exception",
]
T0 = dt.datetime(2026, 6, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _django(url: str) -> None:
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    os.environ["DDT_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diandiantong.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def batches(n: int) -> list[list[dict[str, str]]]:
    """``n`` events, ten per waybill; a batch holds events of many waybills (step k of waybill
    w lands in batch (w + k) mod …), as a carrier's feed interleaves its parcels."""
    waybills = max(1, n // PER_WAYBILL)
    events = []
    for k in range(PER_WAYBILL):
        for w in range(waybills):
            events.append(
                {
                    "logistics_no": f"BX{w:09d}",
                    "logistics_code": CODE,
                    "at": (T0 + dt.timedelta(hours=k * 6, seconds=w % 3600)).isoformat(),
                    "code": CODES[k],
                    "text": f"第 {k + 1} 站 扫描",
                    "idempotency_key": f"{w}-{k}",
                }
            )
    events = events[:n]
    return [events[i : i + BATCH] for i in range(0, len(events), BATCH)]


def child(url: str) -> None:
    _django(url)
    from django.db import connection, transaction

    from accounts.models import User
    from accounts.services import user_create
    from logistics import selectors, services
    from logistics.models import DocumentWaybill, Shipment, ShipmentEvent

    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (ShipmentEvent, DocumentWaybill, Shipment):
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")  # noqa: S608 - model table
    partner = User.objects.filter(username="bench_carrier").first() or user_create(
        actor=None,
        username="bench_carrier",
        password="Bench-Pass-2026",  # noqa: S106 - throw-away benchmark database
        role="partner",
        partner_kind="logistics",
        logistics_code=CODE,
    )
    work = batches(EVENTS)
    n = sum(len(b) for b in work)

    # 1. floor: the same rows, bare INSERT into an index-less scratch table
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            "CREATE TABLE bench_floor (logistics_no varchar(60), logistics_code varchar(18), "
            "at timestamp with time zone, code varchar(24), text varchar(500), "
            "key varchar(120))"
        )
    per_row = "(%s, %s, %s, %s, %s, %s)"
    t = time.perf_counter()
    for batch in work:
        rows = [
            (
                e["logistics_no"],
                e["logistics_code"],
                adapt(dt.datetime.fromisoformat(e["at"])),
                e["code"],
                e["text"],
                e["idempotency_key"],
            )
            for e in batch
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for i in range(0, len(rows), 500):
                part = rows[i : i + 500]
                cursor.execute(
                    "INSERT INTO bench_floor VALUES " + ", ".join([per_row] * len(part)),  # noqa: S608 - constant SQL
                    [v for row in part for v in row],
                )
    floor = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")

    # 2. the service
    t = time.perf_counter()
    stored = 0
    for batch in work:
        stored += services.carrier_events_push(actor=partner, events=batch).stored
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    repeats = work[:20]
    again = sum(services.carrier_events_push(actor=partner, events=b).stored for b in repeats)
    repeat_seconds = time.perf_counter() - t
    exact = stored == n and again == 0 and ShipmentEvent.objects.count() == n

    # 3. timeline at the stored size: fill with SQL, ten events per extra waybill
    fill_t = time.perf_counter()
    extra = max(0, STORED - n) // PER_WAYBILL
    _fill(connection, extra)
    fill_seconds = time.perf_counter() - fill_t
    total = ShipmentEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {qn(ShipmentEvent._meta.db_table)}")
        cursor.execute(f"ANALYZE {qn(Shipment._meta.db_table)}")
    rng = random.Random(7)
    nos = [f"BX{rng.randrange(max(1, n // PER_WAYBILL)):09d}" for _ in range(500)]
    nos += [f"BF{rng.randrange(max(1, extra)):09d}" for _ in range(500)] if extra else []
    times = []
    ok = True
    for no in nos:
        t = time.perf_counter()
        data = selectors.timeline_json(selectors.shipment_by_waybill(logistics_no=no))
        json.dumps(data, ensure_ascii=False, indent=2)
        times.append(time.perf_counter() - t)
        ok = ok and len(data["events"]) == PER_WAYBILL
    times.sort()
    print(
        json.dumps(
            {
                "events": n,
                "floor": floor,
                "seconds": seconds,
                "repeat_seconds": repeat_seconds,
                "repeat_events": sum(len(b) for b in repeats),
                "exact": exact,
                "stored_total": total,
                "fill_seconds": fill_seconds,
                "p50": statistics.median(times),
                "p95": times[int(len(times) * 0.95) - 1],
                "timeline_ok": ok,
            }
        )
    )


def _fill(connection: object, waybills: int) -> None:
    """Add ``waybills`` shipments with ten carrier events each, by SQL (fast, not the service)."""
    from django.db import connection as conn

    from logistics.models import Shipment, ShipmentEvent

    if waybills <= 0:
        return
    qn = conn.ops.quote_name
    ship, event = qn(Shipment._meta.db_table), qn(ShipmentEvent._meta.db_table)
    step = 1_000_000
    with conn.cursor() as cursor:
        for start in range(0, waybills, step):
            count = min(step, waybills - start)
            if conn.vendor == "postgresql":
                series = f"generate_series({start}, {start + count - 1}) AS g(i)"
                no = "'BF' || lpad(g.i::text, 9, '0')"
                cursor.execute(
                    f"INSERT INTO {ship} (logistics_no, logistics_code, logistics_name, direction, "  # noqa: S608
                    "order_no, invt_no, ebc_code, status, status_at, exceptions, events_count, "
                    f"created_at) SELECT {no}, '{CODE}', '', 'export', '', '', '', 'delivered', "
                    f"now(), 0, 10, now() FROM {series}"
                )
                cursor.execute(
                    f"INSERT INTO {event} (shipment_id, at, code, source, text, key, "  # noqa: S608
                    "message_type, created_at) SELECT s.id, now() - (k.k || ' hours')::interval, "
                    "'picked_up', 'carrier', '扫描', k.k::text, '', now() "
                    f"FROM {ship} s CROSS JOIN generate_series(0, 9) AS k(k) "
                    f"WHERE s.logistics_no >= 'BF' || lpad('{start}', 9, '0') "
                    f"AND s.logistics_no <= 'BF' || lpad('{start + count - 1}', 9, '0') "
                    f"AND s.logistics_code = '{CODE}'"
                )
            else:
                pad = "'BF' || substr('000000000' || {}, -9)"
                shipments = (
                    "WITH RECURSIVE g(i) AS (SELECT %s UNION ALL SELECT i + 1 FROM g WHERE i < %s) "  # noqa: S608 - constant table names
                    f"INSERT INTO {ship} (logistics_no, logistics_code, logistics_name, "
                    "direction, order_no, invt_no, ebc_code, status, status_at, exceptions, "
                    f"events_count, created_at) SELECT {pad.format('i')}, "
                    f"'{CODE}', '', 'export', '', '', '', 'delivered', datetime('now'), 0, 10, "
                    "datetime('now') FROM g"
                )
                events = (
                    "WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < 9) "  # noqa: S608 - constant table names
                    f"INSERT INTO {event} (shipment_id, at, code, source, text, key, "
                    "message_type, created_at) SELECT s.id, "
                    "datetime('now', '-' || k.k || ' hours'), 'picked_up', 'carrier', '扫描', "
                    "CAST(k.k AS TEXT), '', datetime('now') "
                    f"FROM {ship} s CROSS JOIN k WHERE s.logistics_no BETWEEN "
                    f"{pad.format('%s')} AND {pad.format('%s')} AND s.logistics_code = '{CODE}'"
                )
                cursor.execute(shipments, [start, start + count - 1])
                cursor.execute(events, [start, start + count - 1])


def _run_child(url: str) -> dict[str, object]:
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", url],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    global EVENTS, STORED
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=EVENTS, help="carrier events to push")
    parser.add_argument("--stored", type=int, default=STORED, help="events stored for the timeline")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default="")
    args = parser.parse_args(argv)
    EVENTS, STORED = max(BATCH, args.events), max(0, args.stored)
    # the child processes read the sizes from the environment
    os.environ["DDT_BENCH_LOGISTICS_EVENTS"] = str(EVENTS)
    os.environ["DDT_BENCH_LOGISTICS_STORED"] = str(STORED)
    tmp = Path(tempfile.mkdtemp(prefix="ddt-bench-logistics-"))
    targets = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3")]
    if os.environ.get("DDT_BENCH_POSTGRES_URL"):
        targets.append(("postgresql", os.environ["DDT_BENCH_POSTGRES_URL"]))
    if args.only:
        targets = [t for t in targets if t[0] == args.only]
    print(
        f"carrier events: {EVENTS:,} through the service (batches of {BATCH}); timeline with "
        f"{STORED:,} events stored"
    )
    print(
        f"\n{'database':<11} {'events':>10} {'floor s':>8} {'service s':>9} {'events/s':>9} "
        f"{'× floor':>8} {'exact':>6} {'repeat/s':>9} {'stored':>11} {'p50 ms':>7} {'p95 ms':>7}"
    )
    status = 0
    verdicts = []
    for name, url in targets:
        r = _run_child(url)
        seconds, floor = float(r["seconds"]), float(r["floor"])  # type: ignore[arg-type]
        rate = int(r["events"]) / seconds  # type: ignore[call-overload]
        repeat = int(r["repeat_events"]) / float(r["repeat_seconds"])  # type: ignore[arg-type, call-overload]
        p50, p95 = float(r["p50"]) * 1000, float(r["p95"]) * 1000  # type: ignore[arg-type]
        print(
            f"{name:<11} {r['events']:>10,} {floor:>8.1f} {seconds:>9.1f} {rate:>9,.0f} "
            f"{seconds / floor:>8.2f} {r['exact']!s:>6} {repeat:>9,.0f} "
            f"{r['stored_total']:>11,} {p50:>7.2f} {p95:>7.2f}"
        )
        if not (r["exact"] and r["timeline_ok"]):
            status = 1
        verdicts.append(
            f"{name}: ≥ 10,000 events/s {'MET' if rate >= 10_000 else 'NOT MET'} ({rate:,.0f}) · "
            f"timeline p95 < 50 ms at {r['stored_total']:,} events "
            f"{'MET' if p95 < 50 else 'NOT MET'} ({p95:.2f} ms) · exact {r['exact']} · "
            f"fill {float(r['fill_seconds']):.0f} s"  # type: ignore[arg-type]
        )
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    print(f"\ntargets (wall clock; load average {load}):")
    for line in verdicts:
        print("  " + line)
    shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        sys.exit(main())
