"""The supervisor behind ``make serve`` and ``make demo`` (scripts/serve.py)."""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "scripts" / "serve.py"
DDT = str(Path(sys.executable).parent / "ddt")


def load_serve() -> Any:
    spec = importlib.util.spec_from_file_location("ddt_serve", SERVE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["ddt_serve"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its parent) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def test_production_refuses_to_start_naming_what_is_missing() -> None:
    env = {"PATH": os.environ["PATH"], "DDT_SECRET_KEY": "short"}
    result = subprocess.run(
        [sys.executable, str(SERVE), "production"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    for name in ("DDT_DATABASE_URL", "DDT_ALLOWED_HOSTS", "HOST", "PORT", "DDT_WEB_WORKERS"):
        assert f"{name} is not set" in result.stderr
    assert "DDT_SECRET_KEY is not set" not in result.stderr


def test_production_refuses_bad_values() -> None:
    serve = load_serve()
    env = {
        "DDT_SECRET_KEY": "x" * 20,
        "DDT_DATABASE_URL": "mysql://db/x",
        "DDT_ALLOWED_HOSTS": "example.org",
        "HOST": "0.0.0.0",  # noqa: S104
        "PORT": "80a",
        "DDT_WEB_WORKERS": "0",
        "DDT_TASK_WORKERS": "2",
    }
    problems = "\n".join(serve.production_problems(env))
    assert "shorter than 50" in problems and "postgres://" in problems
    assert "PORT must be" in problems and "DDT_WEB_WORKERS must be" in problems
    assert "DDT_TASK_WORKERS" not in problems


DRIVER = textwrap.dedent(
    """
    import sys, importlib.util
    spec = importlib.util.spec_from_file_location("s", sys.argv[1])
    s = importlib.util.module_from_spec(spec)
    sys.modules["s"] = s
    spec.loader.exec_module(s)
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    quitter = [sys.executable, "-c", "print('worker ran', flush=True)"]
    sup = s.Supervisor(
        [s.Child("web", sleeper, restart=False), s.Child("worker", quitter, restart=True)], {}
    )
    sys.exit(sup.run())
    """
)


def test_ctrl_c_stops_every_child_and_a_dead_worker_is_restarted(tmp_path: Path) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(SERVE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(4)  # the quitting worker is restarted after 1 s, then 2 s
    proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0
    assert output.count("worker ran") >= 2 and "restarting in 1 s" in output
    pids = [
        int(line.split("(pid ")[1].split(")")[0]) for line in output.splitlines() if "(pid " in line
    ]
    assert pids and not any(alive(pid) for pid in pids)


def get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.mark.django_db(transaction=True)
def test_demo_runs_the_web_server_and_a_worker(tmp_path: Path, free_tcp_port: int) -> None:
    """``make demo``: the development server and a worker from one command; the worker takes
    queued jobs (background work finishes by itself); Ctrl-C stops both."""
    if connection.vendor != "sqlite":
        pytest.skip("the demo runs on SQLite")
    database = tmp_path / "demo.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:  # the suite's migrated database, as `make demo` has
        connection.connection.backup(copy)
    env = {
        **os.environ,
        "DDT_DATABASE_URL": f"sqlite:///{database}",
        "DDT_MEDIA_ROOT": str(tmp_path / "media"),
        "HOST": "127.0.0.1",
        "PORT": str(free_tcp_port),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.Popen(
        [sys.executable, str(SERVE), "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        ready = False
        while time.monotonic() < deadline and not ready:
            time.sleep(0.5)
            with contextlib.suppress(OSError):
                ready = get(free_tcp_port, "/readyz") == 200
        assert ready, "the demo's /readyz (web server + worker heartbeat) never answered 200"
        shell = subprocess.run(
            [DDT, "shell", "-c", "from ops.tasks import ping; print(ping.enqueue('hi').id)"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        task_id = shell.stdout.strip().splitlines()[-1]
        deadline = time.monotonic() + 30
        status = ""
        while time.monotonic() < deadline and status != "SUCCESSFUL":
            time.sleep(0.5)
            with sqlite3.connect(database) as db:
                row = db.execute(
                    "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
                    [task_id.replace("-", "")],
                ).fetchone()
            status = row[0] if row else ""
        assert status == "SUCCESSFUL"
        assert get(free_tcp_port, "/no-such-page/") == 404
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=40)[0]
    started = [line for line in output.splitlines() if "(pid " in line]
    pids = [int(line.split("(pid ")[1].split(")")[0]) for line in started]
    # One web server and a worker; the supervisor restarts a worker that exits (a loaded CI
    # machine saw that once), so there may be more worker pids: all must be gone after Ctrl-C.
    assert sum(1 for line in started if line.startswith("[serve] started web ")) == 1, output
    assert len(pids) >= 2 and not any(alive(pid) for pid in pids), output
    assert "stopped / 已停止" in output
    with pytest.raises(OSError):  # runserver's reloader child is gone too: the port is free
        get(free_tcp_port, "/")


def test_the_systemd_unit_starts_gunicorn_as_make_serve_does() -> None:
    """deploy/ddt-web.service spells the command line out for systemd: the same options as
    ``gunicorn_argv`` (the one ``make serve`` and the benchmark use), and a keep-alive longer
    than nginx keeps its upstream connections (else a POST sent as gunicorn closes is lost)."""
    import re

    argv = load_serve().gunicorn_argv(host="h", port=1, workers=2, threads=8)
    options = {a.split("=")[0] for a in argv if a.startswith("--")}
    unit = (ROOT / "deploy" / "ddt-web.service").read_text(encoding="utf-8")
    exec_start = unit.split("ExecStart=", 1)[1].split("\nExecReload", 1)[0]
    assert options == set(re.findall(r"--[a-z-]+", exec_start))
    for name in ("--keep-alive", "--timeout", "--graceful-timeout", "--max-requests"):
        value = next(a.split("=")[1] for a in argv if a.startswith(name + "="))
        assert re.search(rf"{name} {value}\b", exec_start), name
    nginx = (ROOT / "deploy" / "nginx-diandiantong.conf").read_text(encoding="utf-8")
    upstream_timeout = re.search(r"keepalive_timeout (\d+)s;", nginx)
    assert upstream_timeout is not None
    keep_alive = next(int(a.split("=")[1]) for a in argv if a.startswith("--keep-alive="))
    assert int(upstream_timeout.group(1)) < keep_alive
