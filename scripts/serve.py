"""One supervisor for the web server and the task worker(s): ``make serve`` and ``make demo``.

    python scripts/serve.py production   # make serve: production settings, gunicorn + workers
    python scripts/serve.py demo         # make demo: development server + one worker, DEBUG on

Production reads its configuration from the environment and refuses to start, naming what is
missing, unless every one of these is set: DDT_SECRET_KEY, DDT_DATABASE_URL, DDT_ALLOWED_HOSTS,
HOST, PORT, DDT_WEB_WORKERS (gunicorn processes) and DDT_TASK_WORKERS (``ddt worker``
processes). Optional: DDT_WEB_THREADS (threads per web process, default 8), DDT_TRUSTED_PROXIES.
It then runs ``ddt prepare`` (``check --deploy``, ``migrate``, ``createcachetable``, ``codes
load``, ``collectstatic``: hashed, compressed files that WhiteNoise serves) and starts the
children.

Each child runs in its own process group; Ctrl-C (SIGINT) or SIGTERM to this process stops them
all (SIGTERM, then SIGKILL after a grace period). A task worker that dies is restarted with a
growing delay; if the web server dies, everything stops and the exit status is 1 (systemd or
the operator restarts it). Children also get SIGTERM if this process is killed outright
(Linux parent-death signal). Only the standard library is imported before the children start:
the environment check runs even before ``make setup``.

The web server is gunicorn with threaded sync workers (``gthread``): the views are synchronous
Django, and under uvicorn workers every request would hop through ``sync_to_async`` into one
thread per process; the measurement is in docs/operations.md ("Web server: why gthread").
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DDT = str(BIN / "ddt")
GRACE_SECONDS = 25.0
RESTART_DELAYS = (1, 2, 5, 10, 30)

REQUIRED = {
    "DDT_SECRET_KEY": "a random secret of at least 50 characters / 至少 50 个字符的随机密钥",
    "DDT_DATABASE_URL": "postgres://user:password@host:5432/dbname",
    "DDT_ALLOWED_HOSTS": "the site's host names, comma-separated / 站点域名，逗号分隔",
    "HOST": "address to listen on, e.g. 127.0.0.1 / 监听地址",
    "PORT": "port to listen on, e.g. 8000 / 监听端口",
    "DDT_WEB_WORKERS": "number of web server processes, e.g. 2 / Web 进程数",
    "DDT_TASK_WORKERS": "number of background task worker processes, e.g. 1 / 后台任务进程数",
}


def log(message: str) -> None:
    print(f"[serve] {message}", file=sys.stderr, flush=True)


def _positive_int(value: str, *, low: int, high: int) -> bool:
    return value.isdigit() and low <= int(value) <= high


def production_problems(env: dict[str, str]) -> list[str]:
    """Every reason the production server must not start, in plain words."""
    problems = [
        f"{name} is not set / 未设置 — {meaning}"
        for name, meaning in REQUIRED.items()
        if not env.get(name, "").strip()
    ]
    if problems:
        return problems
    if len(env["DDT_SECRET_KEY"]) < 50:
        problems.append("DDT_SECRET_KEY is shorter than 50 characters / 密钥少于 50 个字符")
    if not env["DDT_DATABASE_URL"].startswith(("postgres://", "postgresql://", "sqlite:///")):
        problems.append("DDT_DATABASE_URL must be a postgres:// (or sqlite:///) URL")
    if not _positive_int(env["PORT"], low=1, high=65535):
        problems.append(f"PORT must be a number from 1 to 65535, not {env['PORT']!r}")
    for name in ("DDT_WEB_WORKERS", "DDT_TASK_WORKERS"):
        if not _positive_int(env[name], low=1, high=64):
            problems.append(f"{name} must be a number from 1 to 64, not {env[name]!r}")
    threads = env.get("DDT_WEB_THREADS", "8")
    if not _positive_int(threads, low=1, high=64):
        problems.append(f"DDT_WEB_THREADS must be a number from 1 to 64, not {threads!r}")
    return problems


def _die_with_parent() -> None:  # runs in the child between fork and exec (Linux only)
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    restart: bool  # a task worker is restarted; the web server ending ends everything
    process: subprocess.Popen[bytes] | None = None
    failures: list[float] = field(default_factory=list)
    restart_at: float | None = None

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own executables and arguments
            self.argv,
            cwd=ROOT,
            env=env,
            start_new_session=True,  # own process group: stopped as one, Ctrl-C goes to us
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.restart_at = None
        log(f"started {self.name} (pid {self.process.pid}): {' '.join(self.argv)}")

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)


class Supervisor:
    def __init__(self, children: Sequence[Child], env: dict[str, str]) -> None:
        self.children = list(children)
        self.env = env
        self.stopping = False

    def _on_signal(self, signum: int, _frame: object) -> None:
        if not self.stopping:
            log(f"{signal.Signals(signum).name}: stopping / 正在停止 …")
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        for child in self.children:
            child.start(self.env)
        status = 0
        while not self.stopping:
            time.sleep(0.3)
            now = time.monotonic()
            for child in self.children:
                if child.process is None:
                    continue
                code = child.process.poll()
                if child.restart_at is not None:
                    if now >= child.restart_at and not self.stopping:
                        child.start(self.env)
                    continue
                if code is None:
                    continue
                if not child.restart:
                    log(f"{child.name} exited with status {code}: stopping everything")
                    self.stopping, status = True, 1
                    break
                child.failures = [t for t in child.failures if now - t < 300] + [now]
                delay = RESTART_DELAYS[min(len(child.failures), len(RESTART_DELAYS)) - 1]
                log(f"{child.name} exited with status {code}; restarting in {delay} s")
                child.restart_at = now + delay
        self.stop()
        return status

    def stop(self) -> None:
        for child in self.children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{child.name} did not stop in {GRACE_SECONDS:.0f} s: killing it")
                child.signal(signal.SIGKILL)
                child.process.wait()
        log("stopped / 已停止")


def run_step(argv: list[str], env: dict[str, str]) -> None:
    label = " ".join(argv[1:] if argv[0] == DDT else argv)
    started = time.monotonic()
    result = subprocess.run(argv, cwd=ROOT, env=env, check=False)  # noqa: S603
    log(f"{label}: {time.monotonic() - started:.1f} s")
    if result.returncode != 0:
        log(f"step failed with status {result.returncode}: {' '.join(argv)}")
        raise SystemExit(result.returncode)


def production(env: dict[str, str], *, check_only: bool) -> int:
    problems = production_problems(env)
    if problems:
        print(
            "点点通生产服务未启动：缺少或无效的环境变量 / "
            "Diandiantong production server not started; fix these environment variables:",
            file=sys.stderr,
        )
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print("See docs/operations.md (安装 Install).", file=sys.stderr)
        return 2
    if check_only:
        return 0
    env = {**env, "DJANGO_SETTINGS_MODULE": "diandiantong.settings.production"}
    env.pop("DDT_DEBUG", None)
    run_step([DDT, "prepare"], env)
    host, port = env["HOST"], env["PORT"]
    web_workers, task_workers = int(env["DDT_WEB_WORKERS"]), int(env["DDT_TASK_WORKERS"])
    threads = env.get("DDT_WEB_THREADS", "8")
    web = Child(
        "web",
        gunicorn_argv(
            host=host,
            port=port,
            workers=web_workers,
            threads=int(threads),
            trusted_proxies=env.get("DDT_TRUSTED_PROXIES", ""),
        ),
        restart=False,
    )
    workers = [
        Child(f"worker-{i + 1}", _worker_argv(f"{host}-{port}-{i + 1}"), restart=True)
        for i in range(task_workers)
    ]
    log(
        f"点点通 production: http://{host}:{port}/ — {web_workers} web process(es) × "
        f"{threads} threads, {task_workers} task worker(s); Ctrl-C or SIGTERM stops all"
    )
    return Supervisor([web, *workers], env).run()


def gunicorn_argv(
    *, host: str, port: str | int, workers: int, threads: int, trusted_proxies: str = ""
) -> list[str]:
    """The production web server's command line (also what ``bench_submissions`` measures)."""
    return [
        str(BIN / "gunicorn"),
        "diandiantong.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--timeout=60",
        # nginx keeps its upstream connections open (deploy/: keepalive, keepalive_timeout 60s);
        # gunicorn must keep them longer, or a request sent as gunicorn closes one is lost (502)
        "--keep-alive=75",
        "--graceful-timeout=20",
        "--max-requests=5000",
        "--max-requests-jitter=500",
        f"--forwarded-allow-ips={trusted_proxies or '127.0.0.1'}",
        "--error-logfile=-",
    ]


def _worker_argv(label: str) -> list[str]:
    worker_id = f"{label}-{secrets.token_hex(4)}"[:64]
    return [DDT, "worker", "--queue-name=*", "--no-startup-delay", f"--worker-id={worker_id}"]


def demo(env: dict[str, str]) -> int:
    env = {**env, "DDT_DEBUG": env.get("DDT_DEBUG", "1")}
    host, port = env.get("HOST") or "127.0.0.1", env.get("PORT") or "8000"
    web = Child("web", [DDT, "runserver", f"{host}:{port}"], restart=False)
    worker = Child("worker", _worker_argv("demo"), restart=True)
    log(f"点点通 demo: http://{host}:{port}/ with one task worker (Ctrl-C stops both)")
    return Supervisor([web, worker], env).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["production", "demo"])
    parser.add_argument(
        "--check-only", action="store_true", help="only check the environment (production)"
    )
    args = parser.parse_args(argv)
    env = dict(os.environ)
    runners: dict[str, Callable[[], int]] = {
        "production": lambda: production(env, check_only=args.check_only),
        "demo": lambda: demo(env),
    }
    return runners[args.mode]()


if __name__ == "__main__":
    sys.exit(main())
