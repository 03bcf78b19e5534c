"""500 concurrent application submissions against the production web server on PostgreSQL.

Creates a throw-away database (DDT_BENCH_POSTGRES_URL, default
postgres://ddt:ddt@127.0.0.1:5432/ddt_bench; dropped and recreated), seeds enterprises, users,
API tokens and an open round, starts the web server as ``make serve`` does (gunicorn with
threaded sync workers, the command line of ``scripts/serve.py``, persistent database
connections) on 127.0.0.1, then sends, from a thread pool:

- the baseline: the same number of ``GET /healthz`` (one database round trip), and
- ``POST /api/v1/applications/submit`` with a bearer token and an ``Idempotency-Key``; a share
  of the requests repeat a key already used (a retry or a double click), in random order.

While the submissions run, a sampler reads ``pg_stat_activity`` every 10 ms and counts what the
server's database sessions are doing (running a statement, waiting for a lock, idle inside a
transaction — the application's own time while it holds its locks —, idle between requests).
It also reads the CPU time the web processes and their database sessions spent on the
submissions (Linux ``/proc``), and from it the most a machine with this many idle cores could
serve — the figure that says whether the rush is bound by locks or by CPU.

It checks 0 lost (every distinct key has its application, every answer is 200/201) and
0 duplicated (one application per key; the repeats answer with the same id), that the audit
chain verifies (``ddt audit verify``) and holds two entries per application, prints throughput
and p50/p95 latency next to the baseline and the load average, and stops the server.

Environment: DDT_BENCH_SUBMISSIONS (500), DDT_BENCH_DUPLICATES (50), DDT_BENCH_CONCURRENCY (50),
DDT_BENCH_WORKERS (2), DDT_BENCH_THREADS (threads per worker, 8), DDT_BENCH_ENTERPRISES (100),
DDT_BENCH_SERVER (``gthread``, the production choice; ``uvicorn`` for the ASGI worker measured
before 2026-12-07, with connections closed after each request as it needs), DDT_BENCH_KEEPALIVE
(1: each client thread keeps its connection, as nginx keeps its upstream connections to
gunicorn in deploy/; 0: a new connection per request, as the benchmark did before 2026-12-07
afternoon).
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://ddt:ddt@127.0.0.1:5432/ddt_bench"
SUBMISSIONS = int(os.environ.get("DDT_BENCH_SUBMISSIONS", "500"))
DUPLICATES = int(os.environ.get("DDT_BENCH_DUPLICATES", "50"))
CONCURRENCY = int(os.environ.get("DDT_BENCH_CONCURRENCY", "50"))
WORKERS = int(os.environ.get("DDT_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("DDT_BENCH_THREADS", "8"))
SERVER = os.environ.get("DDT_BENCH_SERVER", "gthread")
ENTERPRISES = int(os.environ.get("DDT_BENCH_ENTERPRISES", "100"))
KEEP_ALIVE = os.environ.get("DDT_BENCH_KEEPALIVE", "1") != "0"
PASSWORD = "Bench-Pass-2026"  # noqa: S105 - throw-away benchmark database


@dataclass
class Result:
    status: int
    seconds: float
    body: dict[str, object] | None


def _admin_conn(url: str) -> object:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True)


def _recreate_db(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing a database name that is not a plain identifier: {name!r}")
    with _admin_conn(url) as conn:  # type: ignore[attr-defined]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_db(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _admin_conn(url) as conn:  # type: ignore[attr-defined]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DDT_DATABASE_URL"] = url
    os.environ["DDT_DB_CONN_MAX_AGE"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "diandiantong.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed() -> tuple[int, list[str]]:
    """Enterprises with one user and token each, and an open round; (round id, tokens)."""
    import datetime as dt

    from django.utils import timezone

    from accounts.services import api_token_create, user_create
    from applications import services
    from codes.loaders import load_all
    from codes.models import County
    from enterprises.demo import generate_uscc
    from enterprises.models import Enterprise

    load_all()
    counties = list(County.objects.all())
    rng = random.Random(4)
    city = user_create(actor=None, username="bench_city", password=PASSWORD, role="city_reviewer")
    tokens = []
    seen: set[str] = set()
    for i in range(ENTERPRISES):
        county = counties[i % len(counties)]
        uscc = generate_uscc(rng, region=county.code)
        while uscc in seen:
            uscc = generate_uscc(rng, region=county.code)
        seen.add(uscc)
        ent = Enterprise.objects.create(
            uscc=uscc, name=f"基准申报企业{i:04d}有限公司", county=county, kind="trader"
        )
        user = user_create(
            actor=None,
            username=f"bench_ent_{i:04d}",
            password=PASSWORD,
            role="enterprise",
            enterprise=ent,
            validate=False,
        )
        tokens.append(api_token_create(actor=None, user=user, name="bench")[1])
    rnd = services.round_create_from_guide(actor=city, year=2026)
    today = timezone.localdate()
    rnd = services.round_update(
        actor=city,
        round=rnd,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    services.round_open(actor=city, round=rnd)
    return rnd.pk, tokens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_argv(port: int) -> list[str]:
    if SERVER == "uvicorn":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        return [
            str(gunicorn),
            "-k",
            "uvicorn.workers.UvicornWorker",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "diandiantong.asgi:application",
        ]
    spec = importlib.util.spec_from_file_location("ddt_serve", ROOT / "scripts" / "serve.py")
    assert spec is not None and spec.loader is not None
    serve = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = serve  # its dataclasses look their module up
    spec.loader.exec_module(serve)
    argv: list[str] = serve.gunicorn_argv(
        host="127.0.0.1", port=port, workers=WORKERS, threads=THREADS
    )
    return [*argv, "--log-level=warning"]


def _server_label() -> str:
    if SERVER == "uvicorn":
        return f"gunicorn -k uvicorn.workers.UvicornWorker -w {WORKERS}"
    return f"gunicorn --worker-class=gthread -w {WORKERS} --threads={THREADS} (scripts/serve.py)"


def _start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DDT_DATABASE_URL": url,
        # Under uvicorn each request runs in a fresh thread: persistent connections would pile
        # up. The threaded workers keep one per thread, as in production.
        "DDT_DB_CONN_MAX_AGE": "0" if SERVER == "uvicorn" else "60",
        "DJANGO_SETTINGS_MODULE": "diandiantong.settings.base",
        "DDT_ALLOWED_HOSTS": "127.0.0.1",
    }
    cmd = _server_argv(port)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {proc.returncode}")
        try:
            if _request(port, "GET", "/healthz").status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    _stop_server(proc)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


class ActivitySampler(threading.Thread):
    """What the web server's database sessions do, sampled from ``pg_stat_activity``."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url.replace("postgres://", "postgresql://", 1)
        self.name_ = urlsplit(url).path.lstrip("/")
        self.counts: Counter[str] = Counter()
        self.samples = 0
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'",
                    (self.name_,),
                ).fetchall()
                self.samples += 1
                for state, wait_type, wait_event in rows:
                    if state == "active" and wait_type == "Lock":
                        key = f"waiting for a lock ({wait_event})"
                    elif state == "active" and wait_type:
                        key = f"running, waiting on {wait_type}:{wait_event}"
                    elif state == "active":
                        key = "running a statement"
                    else:
                        key = str(state)
                    self.counts[key] += 1
                time.sleep(0.01)

    def report(self) -> str:
        total = sum(self.counts.values()) or 1
        lines = [f"database sessions, {self.samples} samples (share of session-samples):"]
        for key, n in self.counts.most_common():
            lines.append(f"  {n / total:6.1%}  {n / max(self.samples, 1):5.2f} sessions  {key}")
        return "\n".join(lines)


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` so far (Linux /proc; 0 where unreadable)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _backends(url: str) -> list[int]:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def _stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


_client = threading.local()  # each client thread's kept-alive connection


def _request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Result:
    """One request. With KEEP_ALIVE each client thread keeps its connection, as nginx keeps its
    upstream connections to gunicorn (``keepalive`` in deploy/nginx-diandiantong.conf);
    otherwise a new connection per request, as a client talking to gunicorn directly."""
    reused = KEEP_ALIVE and getattr(_client, "conn", None) is not None
    conn = _client.conn if reused else http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        raw = resp.read()
    except (http.client.RemoteDisconnected, ConnectionError):
        conn.close()
        _client.conn = None
        if not reused:
            raise
        # the server closed the idle connection before the request reached it: send it again
        # on a new one (a submission carries its idempotency key, so a repeat is harmless)
        return _request(port, method, path, body, headers)
    if KEEP_ALIVE and not resp.will_close:
        _client.conn = conn
    else:
        conn.close()
        _client.conn = None
    seconds = time.perf_counter() - start
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = None
    return Result(resp.status, seconds, data if isinstance(data, dict) else None)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def _run(
    jobs: list[tuple[str, str, bytes | None, dict[str, str]]], port: int
) -> tuple[list[Result], float]:
    start = time.perf_counter()
    cpu = time.process_time()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = list(pool.map(lambda j: _request(port, *j), jobs))
    CLIENT_CPU.append((time.process_time() - cpu) / max(len(jobs), 1))
    return results, time.perf_counter() - start


CLIENT_CPU: list[float] = []  # the benchmark client's own CPU per request, per _run


def _row(name: str, results: list[Result], wall: float, base_p95: float | None) -> str:
    ms = [r.seconds * 1000 for r in results]
    ok = sum(1 for r in results if r.status in (200, 201))
    p95 = _pct(ms, 0.95)
    ratio = f"{p95 / base_p95:.1f}×" if base_p95 else "1.0×"
    return (
        f"| {name:<22} | {len(results):>5} | {ok:>5} | {len(results) / wall:>8.1f} "
        f"| {statistics.median(ms):>8.1f} | {p95:>8.1f} | {ratio:>8} |"
    )


def main() -> int:
    url = os.environ.get("DDT_BENCH_POSTGRES_URL", DEFAULT_URL)
    try:
        _recreate_db(url)
    except Exception as exc:
        print(f"skipped: PostgreSQL not available at {url} ({exc.__class__.__name__}: {exc})")
        return 1 if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else 0
    proc = None
    try:
        _setup_django(url)
        round_id, tokens = _seed()
        port = _free_port()
        proc = _start_server(url, port)

        rng = random.Random(2026)
        unique = SUBMISSIONS - DUPLICATES
        sends: list[tuple[str, str]] = []  # (token, key)
        for i in range(unique):
            sends.append((tokens[i % len(tokens)], f"bench-{uuid.uuid4().hex}"))
        sends += [rng.choice(sends[:unique]) for _ in range(DUPLICATES)]
        rng.shuffle(sends)
        jobs: list[tuple[str, str, bytes | None, dict[str, str]]] = []
        for token, key in sends:
            body = json.dumps(
                {"round_id": round_id, "measure": "a3.benchmark", "matter": f"M-{key[-12:]}"}
            ).encode()
            headers = {
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
                "Content-Type": "application/json",
            }
            jobs.append(("POST", "/api/v1/applications/submit", body, headers))

        load_before = os.getloadavg()
        baseline, base_wall = _run([("GET", "/healthz", None, {})] * SUBMISSIONS, port)
        sampler = ActivitySampler(url)
        sampler.start()
        web_pids = _children(proc.pid)
        web_cpu, db_cpu = _cpu_seconds(web_pids), _cpu_seconds(_backends(url))
        submits, sub_wall = _run(jobs, port)
        # the web processes' and their database sessions' CPU spent on the submissions (the
        # sessions are persistent: the same ones before and after)
        web_cpu = _cpu_seconds(web_pids) - web_cpu
        db_cpu = _cpu_seconds(_backends(url)) - db_cpu
        sampler.stop.set()
        sampler.join()
        load_after = os.getloadavg()
    finally:
        if proc is not None:
            _stop_server(proc)

    from applications.models import Application

    ids_by_key: dict[str, set[object]] = {}
    for (_, key), r in zip(sends, submits, strict=True):
        if r.body and "id" in r.body:
            ids_by_key.setdefault(key, set()).add(r.body["id"])
    keys = {k for _, k in sends}
    stored = dict(
        Application.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "pk")
    )
    rows_per_key = Application.objects.filter(idempotency_key__in=keys).count()
    failed = [r for r in submits if r.status not in (200, 201)]
    lost = len(keys - set(stored))
    duplicated = rows_per_key - len(stored) + sum(1 for v in ids_by_key.values() if len(v) > 1)
    mismatched = sum(1 for k, v in ids_by_key.items() if v != {stored.get(k)})
    created = sum(1 for r in submits if r.status == 201)

    from audit.models import AuditEntry
    from audit.services import audit_verify

    chain = audit_verify()
    submit_entries = AuditEntry.objects.filter(
        object_type="applications.Application", object_id__in=[str(pk) for pk in stored.values()]
    ).count()
    # every entry linked into the chain by the server itself (nothing left waiting)
    chain_ok = chain.ok and getattr(chain, "waiting", 0) == 0 and submit_entries == 2 * len(stored)

    base_p95 = _pct([r.seconds * 1000 for r in baseline], 0.95)
    print(
        f"{_server_label()} · PostgreSQL · "
        f"{SUBMISSIONS} requests ({unique} distinct keys, {DUPLICATES} repeated) · "
        f"concurrency {CONCURRENCY} · "
        f"{'connections kept alive' if KEEP_ALIVE else 'a new connection per request'} · "
        "load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min; {os.cpu_count()} cores)"
    )
    print("| request                |     n |    ok |    req/s |  p50 ms |   p95 ms | p95/base |")
    print("|------------------------|------:|------:|---------:|--------:|---------:|---------:|")
    print(_row("GET /healthz (base)", baseline, base_wall, None))
    print(_row("POST submit", submits, sub_wall, base_p95))
    print(
        f"distinct keys {len(keys)} · stored {len(stored)} · created (201) {created} · "
        f"failed {len(failed)} · lost {lost} · duplicated {duplicated} · id mismatches {mismatched}"
    )
    print(
        f"audit chain: {'verifies' if chain.ok else 'BROKEN: ' + chain.reason} "
        f"({chain.checked} entries, {getattr(chain, 'waiting', 0)} waiting to be linked) · "
        f"entries of the submitted applications {submit_entries} "
        f"(expected {2 * len(stored)})"
    )
    print(
        f"CPU per submission request: web processes {web_cpu / len(submits) * 1000:.1f} ms, "
        f"their PostgreSQL sessions {db_cpu / len(submits) * 1000:.1f} ms — on {os.cpu_count()} "
        f"idle cores at most {os.cpu_count() or 1} / {(web_cpu + db_cpu) / len(submits):.4f} s "
        f"= {(os.cpu_count() or 1) * len(submits) / max(web_cpu + db_cpu, 1e-9):.0f} requests/s"
    )
    print(
        "the benchmark process itself (its client threads and the sampler): "
        f"{CLIENT_CPU[0] * 1000:.1f} ms CPU per /healthz, {CLIENT_CPU[1] * 1000:.1f} ms per "
        "submission — on the same cores"
    )
    print(sampler.report())
    if failed:
        print("first failures:", [(r.status, r.body) for r in failed[:3]])
    try:
        from django.db import connections

        connections.close_all()
        _drop_db(url)
    except Exception as exc:
        print(f"note: could not drop the benchmark database: {exc}")
    ok = (
        not failed
        and lost == 0
        and duplicated == 0
        and mismatched == 0
        and created == len(keys)
        and chain_ok
    )
    print("OK: 0 lost, 0 duplicated" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
