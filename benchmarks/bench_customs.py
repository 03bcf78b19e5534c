"""Customs ingestion: N export inventory lines as CEB603 batch files (+ CEB604 release receipts),
ingested on SQLite and (if DDT_BENCH_POSTGRES_URL is set) PostgreSQL.

Prints lines/s, peak RSS of the ingesting process, the ratio of ingest time to a bare lxml parse
of the same files (the floor) and the time of ``stats`` for the year on the result; exact = the
stats equal the direct sum of released lines and every inventory was released by its receipt.

Then ``stats`` at city scale: statistics read the exact pre-aggregate, whose size depends on the
distinct (month, enterprise code, mode, direction, country) keys, not on the number of lines.
The benchmark writes the aggregate of DDT_BENCH_STATS_LINES (default 10,000,000) released lines
of another year over 2,000 enterprises (12 months × 2 modes × 5 countries each: 240,000 keys,
more than the city's enterprises would use) and times ``stats`` for that year; exact = the
returned total equals the sum written. Ingesting ten million lines for real would take minutes
and measure the same query.

On PostgreSQL, where the ledger lines are partitioned by month, the table first receives lines
of another year (2024, written by SQL) so that it holds DDT_BENCH_LEDGER_LINES (default
10,000,000) lines once the ingest is done: the ingest is measured against a city-sized ledger.

Environment: DDT_BENCH_CUSTOMS_LINES (default 1,000,000), DDT_BENCH_POSTGRES_URL (a database
the benchmark may fill: its customs tables are emptied first), DDT_BENCH_LEDGER_LINES (default
10,000,000; 0 for an empty ledger), DDT_BENCH_KEEP=1 keeps the files, DDT_BENCH_FILES=FOLDER
ingests the files an earlier run kept instead of generating new ones.
Targets (2-core machine): ≥ 20,000 lines/s, peak RSS < 1 GiB, ingest ≤ 4× the parse floor,
stats for a year < 1 s at 10 million lines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINES = int(os.environ.get("DDT_BENCH_CUSTOMS_LINES", "1000000"))
STATS_LINES = int(os.environ.get("DDT_BENCH_STATS_LINES", "10000000"))
LEDGER_LINES = int(os.environ.get("DDT_BENCH_LEDGER_LINES", "10000000"))
PREFILL_YEAR = 2024  # the lines already in the ledger (PostgreSQL), another year again
STATS_YEAR = 2026  # another year than the ingested lines
STATS_ENTERPRISES = 2_000
PER_FILE = 100  # inventories per CEB603 message (the maximum the standard allows)
YEAR = 2025
CODES = [f"32079{n:05d}" for n in range(1, 201)]
COUNTRIES = ["502", "303", "304", "305", "116", "133", "132", "601", "501", "344"]
MODES = ["9610", "9610", "9710", "9810"]


def _django() -> None:
    # Appended, not prepended: project folders must not shadow standard-library modules.
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diandiantong.settings.test")
    import django

    django.setup()


def _file_batch(args: tuple[int, int, int, str]) -> int:
    """Write one CEB603 file (up to 100 inventories) and one CEB604 with their releases."""
    seq, _start_line, lines, folder = args
    _django()
    from customs.ingestion.building import (
        InventorySpec,
        LineSpec,
        ReceiptSpec,
        build_inventories,
        build_receipts,
    )

    rng = random.Random(seq)
    specs: list[InventorySpec] = []
    receipts: list[ReceiptSpec] = []
    written = 0
    n = 0
    while written < lines and len(specs) < PER_FILE:
        count = min(rng.choice([1, 1, 2, 3, 5, 8, 10]), lines - written)
        day = dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        cop = f"B{seq:06d}{n:03d}"
        code = rng.choice(CODES)
        specs.append(
            InventorySpec(
                cop_no=cop,
                ebc_code=code,
                ebc_name=f"基准企业{code}",
                trade_mode=rng.choice(MODES),
                declared_on=day,
                country=rng.choice(COUNTRIES),
                lines=[
                    LineSpec(
                        gcode="7117190000",
                        gname="水晶饰品",
                        unit="011",
                        qty=Decimal(rng.randint(1, 50)),
                        price=Decimal(rng.randint(100, 99999)) / 100,
                        currency=rng.choice(["502", "502", "300", "142"]),
                        country=rng.choice(COUNTRIES),
                    )
                    for _ in range(count)
                ],
            )
        )
        receipts.append(
            ReceiptSpec(
                cop_no=cop,
                return_status="800",
                return_time=dt.datetime(day.year, day.month, day.day, 3, tzinfo=dt.UTC),
                ebc_code=code,
            )
        )
        written += count
        n += 1
    Path(folder, f"603-{seq:06d}.xml").write_bytes(build_inventories("export", specs))
    Path(folder, f"604-{seq:06d}.xml").write_bytes(build_receipts("export", receipts))
    return written


def generate(folder: Path) -> int:
    jobs, line = [], 0
    seq = 0
    per_file = 300  # ~70 inventories of 1–10 lines: always under the 100-inventory cap
    while line < LINES:
        take = min(per_file, LINES - line)
        jobs.append((seq, line, take, str(folder)))
        line += take
        seq += 1
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return sum(pool.map(_file_batch, jobs, chunksize=8))


def parse_floor(folder: Path) -> float:
    """Bare lxml: parse every file and visit every element (no extraction, no database)."""
    from lxml import etree

    start = time.perf_counter()
    for path in sorted(folder.glob("*.xml")):
        for _event, _element in etree.iterparse(str(path), events=("end",)):
            pass
    return time.perf_counter() - start


def _cpu() -> float:
    """User + system CPU seconds of this process and its finished children (parse workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def ingest_child(folder: str, url: str) -> None:
    """Runs in a fresh process: migrate, empty customs tables, ingest, stats; prints JSON."""
    os.environ["DDT_DATABASE_URL"] = url
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Emptied with plain DELETEs: the ORM's delete() would first load every row of a previous
    # run into this process, and its memory would count as the ingest's peak RSS.
    from django.db import connection

    from customs.models import (
        BuyerYearTotal,
        Declaration,
        IngestRun,
        LedgerAggregate,
        LedgerLine,
        Receipt,
        RetailImportCheck,
        StoredMessage,
    )

    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in (
            LedgerAggregate,
            LedgerLine,
            Receipt,
            RetailImportCheck,
            Declaration,
            StoredMessage,
            BuyerYearTotal,
            IngestRun,
        )
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Millions of prefilled lines; CASCADE: other apps' rows that point to declarations.
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        for table in tables if connection.vendor != "postgresql" else []:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names from model metadata
    prefill = LEDGER_LINES - LINES if connection.vendor == "postgresql" else 0
    prefill_seconds = prefill_ledger(prefill) if prefill > 0 else 0.0
    from customs.rates import load_shipped_rates
    from customs.services import ingest_paths
    from customs.stats import customs_stats, direct_total_fen

    load_shipped_rates()
    files = sorted(Path(folder).glob("603-*.xml")) + sorted(Path(folder).glob("604-*.xml"))
    cpu0 = _cpu()
    start = time.perf_counter()
    run = ingest_paths(actor=None, paths=files)
    elapsed = time.perf_counter() - start
    cpu = _cpu() - cpu0
    t0 = time.perf_counter()
    data = customs_stats(year=YEAR)
    stats_seconds = time.perf_counter() - t0
    # Every inventory has its release receipt: exact also means each one was released (a
    # receipt that failed to match its declaration would leave the totals equal but short).
    exact = Decimal(data["total_cny"]) * 100 == direct_total_fen(year=YEAR) and (
        run.released == Declaration.objects.filter(declared_on__year=YEAR).count() > 0
    )
    ledger_lines = LedgerLine.objects.count()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    scale_seconds, scale_exact, scale_keys = stats_at_scale()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu": cpu,
                "lines": run.lines,
                "new": run.new,
                "rejected": run.rejected,
                "released": run.released,
                "rss": rss,
                "stats_seconds": stats_seconds,
                "exact": exact,
                "total": data["total_cny"],
                "scale_seconds": scale_seconds,
                "scale_exact": scale_exact,
                "scale_keys": scale_keys,
                "ledger_lines": ledger_lines,
                "prefill_seconds": prefill_seconds,
            }
        )
    )


def prefill_ledger(lines: int) -> float:
    """PostgreSQL: write ``lines`` released ledger lines of PREFILL_YEAR (10 per declaration,
    spread over its months, unmapped codes) by SQL, then analyze; returns the seconds taken."""
    from django.db import connection

    declarations = max(1, lines // 10)
    start = time.perf_counter()
    with connection.cursor() as cur:
        # Only integers (int() of the environment, constants) are formatted into the SQL.
        cur.execute(
            f"""
            INSERT INTO customs_declaration (message_type, direction, cop_no, pre_no, invt_no,
                order_no, logistics_no, ebc_code, ebc_name, ebp_code, agent_code, trade_mode,
                customs_code, country, declared_on, lines_count, total_cny_fen, buyer_hash,
                status, status_at, released, released_at, source_file, origin, created_at)
            SELECT 'CEB603', 'export', 'P' || d, '', 'I' || d, '', '',
                   '32078' || lpad((d % 200)::text, 5, '0'), '', '', '', '9610', '', '502',
                   make_date({PREFILL_YEAR}, (d % 12)::int + 1, (d % 28)::int + 1), 10, 0, '',
                   '800', now(), true, now(), '', 'customs', now()
            FROM generate_series(1, {declarations}) AS d
            """  # noqa: S608
        )
        cur.execute(
            f"""
            INSERT INTO customs_ledgerline (declaration_id, line_no, ebc_code, mode, direction,
                date, month, country, hs_code, goods_name, unit, quantity, unit_price, currency,
                amount, rate, amount_cny_fen)
            SELECT c.id, l, c.ebc_code, c.trade_mode, c.direction, c.declared_on,
                   (extract(year FROM c.declared_on) * 100
                    + extract(month FROM c.declared_on))::int,
                   c.country, '7117190000', '水晶饰品', '011', 1, 100, '142', 100, 1, 10000
            FROM customs_declaration c, generate_series(1, 10) AS l
            WHERE c.declared_on >= make_date({PREFILL_YEAR}, 1, 1)
              AND c.declared_on < make_date({PREFILL_YEAR + 1}, 1, 1)
            """  # noqa: S608
        )
        cur.execute("ANALYZE")
    return time.perf_counter() - start


def stats_at_scale() -> tuple[float, bool, int]:
    """Write the aggregate of STATS_LINES released lines of STATS_YEAR (see the module doc) and
    time ``stats`` for that year: (seconds, exact, aggregate rows)."""
    from django.db import transaction

    from codes.loaders import load_table
    from codes.models import County
    from customs.ledger import upsert_aggregate
    from customs.stats import customs_stats
    from enterprises.demo import generate_uscc
    from enterprises.models import Enterprise

    rng = random.Random(STATS_YEAR)
    if not County.objects.exists():
        load_table("counties")
    counties = list(County.objects.values_list("pk", "code"))
    with transaction.atomic():
        Enterprise.objects.filter(name__startswith="统计基准企业").delete()
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    uscc=generate_uscc(rng, counties[n % len(counties)][1]),
                    customs_code=f"3207{n:06d}",
                    name=f"统计基准企业{n:04d}",
                    county_id=counties[n % len(counties)][0],
                    kind="trader",
                )
                for n in range(STATS_ENTERPRISES)
            ],
            batch_size=500,
        )
    enterprises = list(
        Enterprise.objects.filter(name__startswith="统计基准企业").values_list(
            "customs_code", "pk", "county_id"
        )
    )
    keys = [
        (STATS_YEAR * 100 + month, code, mode, "export", country, pk, county)
        for code, pk, county in enterprises
        for month in range(1, 13)
        for mode in ("9610", "9710")
        for country in COUNTRIES[:5]
    ]
    per_key, extra = divmod(STATS_LINES, len(keys))
    rows, total = [], 0
    for n, key in enumerate(keys):
        lines = per_key + (1 if n < extra else 0)
        fen = lines * rng.randint(5_000, 500_000)
        total += fen
        rows.append((*key, lines, fen))
    with transaction.atomic():
        upsert_aggregate(rows)
    start = time.perf_counter()
    data = customs_stats(year=STATS_YEAR)
    seconds = time.perf_counter() - start
    return seconds, Decimal(data["total_cny"]) * 100 == total, len(keys)


def _run_child(folder: Path, url: str) -> dict[str, object]:
    out = subprocess.run(  # noqa: S603 - our own script with our own arguments
        [sys.executable, __file__, "--child", str(folder), url],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _short(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n:,}"


def _load() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="ddt-bench-customs-"))
    folder = tmp / "files"
    folder.mkdir()
    t0 = time.perf_counter()
    if os.environ.get("DDT_BENCH_FILES"):
        folder = Path(os.environ["DDT_BENCH_FILES"])
        lines = LINES  # as generated by the run that kept them (same DDT_BENCH_CUSTOMS_LINES)
    else:
        lines = generate(folder)
    size = sum(p.stat().st_size for p in folder.glob("*.xml"))
    print(
        f"generated {lines:,} export lines in {len(list(folder.glob('603-*.xml')))} CEB603 "
        f"+ CEB604 files ({size / 2**20:.0f} MiB) in {time.perf_counter() - t0:.0f} s"
    )
    floor = parse_floor(folder)  # measured in the same run as the ingests
    targets = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3")]
    if os.environ.get("DDT_BENCH_POSTGRES_URL"):
        targets.append(("postgresql", os.environ["DDT_BENCH_POSTGRES_URL"]))
    print(
        f"\n{'database':<11} {'lines':>10} {'seconds':>8} {'lines/s':>9} {'peak RSS':>9} "
        f"{'stats s':>8} {'exact':>6} {'× floor':>8} {'CPU s':>7} "
        f"{'stats@' + _short(STATS_LINES):>11}"
    )
    print(
        f"{'lxml floor':<11} {lines:>10,} {floor:>8.1f} {lines / floor:>9,.0f} "
        f"{'':>9} {'':>8} {'':>6} {1:>8.2f}"
    )
    status = 0
    verdicts: list[str] = []
    for name, url in targets:
        result = _run_child(folder, url)
        seconds = float(result["seconds"])  # type: ignore[arg-type]
        rate = int(result["lines"]) / seconds  # type: ignore[call-overload]
        rss = int(result["rss"]) / 2**20  # type: ignore[call-overload]
        stats_s = float(result["stats_seconds"])  # type: ignore[arg-type]
        ratio = seconds / floor
        print(
            f"{name:<11} {result['lines']:>10,} {seconds:>8.1f} {rate:>9,.0f} {rss:>7.0f}Mi "
            f"{stats_s:>8.3f} {result['exact']!s:>6} {ratio:>8.2f} "
            f"{float(result['cpu']):>7.1f}"  # type: ignore[arg-type]
            f" {float(result['scale_seconds']):>10.3f}s"  # type: ignore[arg-type]
        )
        if int(result["prefill_seconds"]):  # type: ignore[call-overload]
            print(
                f"{'':<11} (the ledger held {int(result['ledger_lines']):,} lines after the "  # type: ignore[call-overload]
                f"ingest; prefill by SQL {float(result['prefill_seconds']):.0f} s, not timed)"  # type: ignore[arg-type]
            )
        if not (result["exact"] and result["scale_exact"]):
            status = 1
        checks = [
            ("≥ 20,000 lines/s", rate >= 20_000, f"{rate:,.0f}"),
            ("peak RSS < 1 GiB", rss < 1024, f"{rss:.0f} MiB"),
            ("≤ 4× parse floor", ratio <= 4, f"{ratio:.2f}×"),
            (f"stats < 1 s at {lines:,} lines", stats_s < 1, f"{stats_s:.3f} s"),
            (
                f"stats < 1 s at {STATS_LINES:,} lines ({result['scale_keys']:,} keys)",
                float(result["scale_seconds"]) < 1,  # type: ignore[arg-type]
                f"{float(result['scale_seconds']):.3f} s",  # type: ignore[arg-type]
            ),
            ("exact", bool(result["exact"] and result["scale_exact"]), str(result["exact"])),
        ]
        verdicts.append(
            f"{name}: "
            + " · ".join(
                f"{label} {'MET' if ok else 'NOT MET'} ({got})" for label, ok, got in checks
            )
        )
    print("\ntargets (wall clock on this machine; the load average was " + _load() + "):")
    for line in verdicts:
        print("  " + line)
    print(
        "  (peak RSS is the ingesting process; the parse worker holds one file at a time. "
        "CPU s = ingesting process + parse worker, not the PostgreSQL server.)"
    )
    if not os.environ.get("DDT_BENCH_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        ingest_child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
