"""Stateless app servers: two web processes and two task workers share one PostgreSQL database
and one file store, and nothing else.

An enterprise user logs in on web server A, uploads a customs batch on web server B with A's
session (sessions live in the database), the file goes to the shared storage and the ingestion
is queued in the database; one of the two workers picks it up and reads the file back through
the storage API; the result is shown on A. Marker ``postgres`` (the suite's PostgreSQL pass).

The processes run the production settings with the plain static-files storage (the hashed
static files are the production smoke test's subject, and ``collectstatic`` would double this
test's time); the web servers are started with ``scripts/serve.py``'s gunicorn command line.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from ops.tests.test_production_smoke import ROOT, smoke_database  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres
DDT = str(Path(sys.executable).parent / "ddt")
PASSWORD = "Stateless-Pass-2026"
CODE = "3207960077"

SETTINGS = """from diandiantong.settings.production import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""

SEED = f"""
import random
from codes.loaders import load_all
from codes.models import County
from accounts.services import user_create
from enterprises.demo import generate_uscc
from enterprises.services import enterprise_create

load_all()
county = County.objects.order_by("code").first()
ent = enterprise_create(
    actor=None, name="无状态测试跨境电商有限公司", county=county,
    uscc=generate_uscc(random.Random(7), region=county.code), kind="trader",
    customs_code="{CODE}",
)
user_create(
    actor=None, username="stateless_ent", password="{PASSWORD}", role="enterprise",
    enterprise=ent, validate=False,
)
print("seeded")
"""


class Browser:
    """A client that keeps its cookies itself: production cookies are ``Secure`` and these
    requests arrive as plain HTTP from a proxy that says HTTPS (``X-Forwarded-Proto``)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = {
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{port}",
            "Referer": f"https://127.0.0.1:{port}{path}",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def form_token(self, port: int, path: str) -> str:
        status, _, html = self.request(port, "GET", path)
        assert status == 200, (path, status, html[:500])
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert found, f"no CSRF token on {path}"
        return found.group(1)


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/xml\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _gunicorn_argv(port: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("ddt_serve_stateless", ROOT / "scripts/serve.py")
    assert spec is not None and spec.loader is not None
    serve = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = serve
    spec.loader.exec_module(serve)
    argv: list[str] = serve.gunicorn_argv(host="127.0.0.1", port=port, workers=1, threads=2)
    return argv


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Any, seconds: float, what: str, procs: list[subprocess.Popen[bytes]]) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                pytest.fail(f"{proc.args!r} exited ({proc.returncode}) waiting for {what}")
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in started:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_two_web_servers_and_two_workers_share_only_the_database_and_the_file_store(
    smoke_database: tuple[str, str],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    import psycopg

    from customs.ingestion.building import build_inventories
    from customs.tests.conftest import inventory

    url, dsn = smoke_database
    (tmp_path / "ddt_stateless_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ddt_stateless_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DDT_SECRET_KEY": secrets.token_urlsafe(60),  # one secret shared by every server
        "DDT_DATABASE_URL": url,
        "DDT_ALLOWED_HOSTS": "127.0.0.1",
        "DDT_MEDIA_ROOT": str(tmp_path / "shared-store"),  # stands in for the S3 bucket
        "DDT_VAR_DIR": str(tmp_path / "var"),
        "DDT_ACCESS_LOG": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # the copy is of the suite's test database, which may predate a migration (--reuse-db)
    migrated = subprocess.run(
        [DDT, "migrate", "--noinput"], env=env, capture_output=True, text=True, timeout=180
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    seeded = subprocess.run(
        [DDT, "shell", "-c", SEED], env=env, capture_output=True, text=True, timeout=120
    )
    assert seeded.returncode == 0 and "seeded" in seeded.stdout, seeded.stderr[-3000:]

    ports = [_free_port(), _free_port()]
    for port in ports:
        processes.append(
            subprocess.Popen(_gunicorn_argv(port), cwd=ROOT, env=env, start_new_session=True)
        )
    for i in (1, 2):
        processes.append(
            subprocess.Popen(
                [DDT, "worker", "--queue-name=*", "--no-startup-delay", f"--worker-id=w{i}"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
    a, b = ports
    for port in ports:
        _wait(
            lambda p=port: Browser().request(p, "GET", "/healthz")[0] == 200,
            90,
            "/healthz",
            processes,
        )

    browser = Browser()
    token = browser.form_token(a, "/accounts/login/")
    status, headers, _ = browser.request(
        a,
        "POST",
        "/accounts/login/",
        body=f"csrfmiddlewaretoken={token}&username=stateless_ent&password={PASSWORD}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302, "logged in on A"
    assert "sessionid" in browser.cookies

    # B knows the session A created: it lives in the database.
    token = browser.form_token(b, "/customs/upload/")
    xml = build_inventories("export", [inventory("SL1", code=CODE), inventory("SL2", code=CODE)])
    body, content_type = _multipart(
        {"csrfmiddlewaretoken": token}, {"batch": ("stateless.xml", xml)}
    )
    status, headers, html = browser.request(
        b, "POST", "/customs/upload/", body=body, headers={"Content-Type": content_type}
    )
    assert status == 302, html[:2000]
    run_path = headers["location"]
    run_id = int(re.search(r"/customs/runs/(\d+)/", run_path).group(1))  # type: ignore[union-attr]

    def finished() -> tuple[str, int, list[str]] | None:
        with psycopg.connect(dsn) as db:
            run = db.execute(
                "SELECT status, new FROM customs_ingestrun WHERE id = %s", [run_id]
            ).fetchone()
            task = db.execute(
                "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
                "WHERE task_path LIKE %s AND status = 'SUCCESSFUL'",
                ["%ingest_run_task%"],
            ).fetchone()
        if run and run[0] in {"done", "failed"} and task:
            return run[0], run[1], task[0]
        return None

    status_, new, worker_ids = _wait(finished, 40, "a worker to ingest the upload", processes)
    assert (status_, new) == ("done", 2)
    assert set(worker_ids) <= {"w1", "w2"} and worker_ids
    stored = list((tmp_path / "shared-store").rglob("*.xml"))
    assert [p.read_bytes() for p in stored] == [xml], "B stored the file in the shared store"

    # A shows the worker's result to the session it started.
    status, _, html = browser.request(a, "GET", f"/customs/runs/{run_id}/progress/")
    assert status == 200
    assert re.search(r'data-testid="run-new">\s*2\s*<', html), html[:2000]
    assert 'hx-trigger="every 2s"' not in html  # finished: no more polling
