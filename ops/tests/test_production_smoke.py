"""Production smoke test (PostgreSQL pass of ``make test``): the supervisor behind ``make serve``
started from the checkout under production settings on a free port; checks ``/``, a hashed
static file, a 404, ``/healthz``, ``/readyz`` and a queued job done by the worker; then SIGTERM
stops the web server and the worker.

The database is a copy of the suite's migrated test database (``CREATE DATABASE … TEMPLATE``),
so ``ddt prepare`` finds the migrations applied, as on a restart; everything else (checks,
code tables, ``collectstatic`` into an empty folder) runs as on a first start.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    # nginx in front says the request came over HTTPS (production redirects plain HTTP).
    conn.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def wait_for(check: Any, seconds: float, what: str, proc: subprocess.Popen[bytes]) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited ({proc.returncode}) while waiting for {what}")
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def smoke_database(django_db_setup: Any, django_db_blocker: Any) -> Any:
    import psycopg

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL pass only")
        params = dict(connection.settings_dict)
        connections.close_all()
    base = f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}"
    name = f"{params['NAME']}_smoke_{uuid.uuid4().hex[:6]}"
    dsn = f"postgresql://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}"
    with psycopg.connect(f"{dsn}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{params["NAME"]}"')
    yield f"{base}/{name}", f"{dsn}/{name}"
    with psycopg.connect(f"{dsn}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_production_server_smoke(
    smoke_database: tuple[str, str], tmp_path: Path, free_tcp_port: int
) -> None:
    import psycopg

    url, dsn = smoke_database
    port = free_tcp_port
    env = {
        **os.environ,
        "DDT_SECRET_KEY": secrets.token_urlsafe(60),
        "DDT_DATABASE_URL": url,
        "DDT_ALLOWED_HOSTS": "127.0.0.1",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DDT_WEB_WORKERS": "1",
        "DDT_TASK_WORKERS": "1",
        "DDT_VAR_DIR": str(tmp_path / "var"),
        "DDT_MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # The browser journeys' conftest sets it for Playwright's event loop in this process; a
    # production server must not inherit it (`check --deploy` refuses it: async.E001).
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve.py"), "production"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: get(port, "/healthz")[0] == 200, 150, "/healthz", server)
        up = time.monotonic() - started

        status, _headers, body = get(port, "/")
        assert status == 200
        css = re.search(rb'href="(/static/core/app\.[0-9a-f]{12}\.css)"', body)
        assert css, "the home page links the hashed stylesheet"
        status, headers, _ = get(port, css.group(1).decode(), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("content-encoding") == "gzip"
        assert "immutable" in headers["cache-control"]

        status, headers, body = get(port, "/no-such-page/")
        assert status == 404 and "页面不存在" in body.decode()
        assert "DEBUG" not in body.decode() and headers["x-request-id"]
        assert "default-src 'self'" in headers["content-security-policy"]

        status, _, body = get(port, "/healthz")
        assert status == 200 and b'"ok"' in body
        wait_for(lambda: get(port, "/readyz")[0] == 200, 30, "/readyz", server)

        token = uuid.uuid4().hex
        shell_env = {**env, "DJANGO_SETTINGS_MODULE": "diandiantong.settings.production"}
        enqueued = subprocess.run(
            [
                str(Path(sys.executable).parent / "ddt"),
                "shell",
                "-c",
                f"from ops.tasks import ping; print(ping.enqueue({token!r}).id)",
            ],
            env=shell_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert enqueued.returncode == 0, enqueued.stderr
        task_id = enqueued.stdout.strip().splitlines()[-1]

        def done() -> bool:
            with psycopg.connect(dsn) as db:
                row = db.execute(
                    "SELECT status, return_value FROM django_tasks_database_dbtaskresult "
                    "WHERE id = %s",
                    [task_id],
                ).fetchone()
            return bool(row and row[0] == "SUCCESSFUL" and row[1] == token)

        wait_for(done, 30, "the worker to finish the queued job", server)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output = server.communicate(timeout=40)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0].decode(errors="replace")
        print("--- server output (tail) ---\n" + output[-5000:])  # shown when the test fails
    assert server.returncode == 0, output[-3000:]
    assert "stopped / 已停止" in output
    with psycopg.connect(dsn) as db:  # the worker said goodbye: no heartbeat left
        assert db.execute("SELECT COUNT(*) FROM ops_workerheartbeat").fetchone() == (0,)
    total = time.monotonic() - started
    print(f"production server answered after {up:.1f} s; whole smoke {total:.1f} s")
