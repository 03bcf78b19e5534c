"""Run the whole suite twice: on the embedded SQLite database and on PostgreSQL.

PostgreSQL comes from DDT_TEST_POSTGRES_URL (default postgres://ddt:ddt@127.0.0.1:5432/ddt).
Locally a missing server skips that pass with a message; with CI=true it is an error.
Browser journeys (marker ``browser``) run in the SQLite pass; PostgreSQL-only tests (marker
``postgres``) run in the PostgreSQL pass.

Clock passes (in CI, or locally with ``--clock``): the SQLite suite again, without the browser,
on other days (``DDT_TEST_TODAY``: the first day of a policy year and the last day of the year
after the policy), so a test that depends on the real date fails in CI before it fails on the
calendar.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_URL = os.environ.get("DDT_TEST_POSTGRES_URL", "postgres://ddt:ddt@127.0.0.1:5432/ddt")
CLOCK_DAYS = ("2027-01-01", "2028-12-31")


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    dsn = url.replace("postgres://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn, connect_timeout=3, dbname="postgres"):
            return True
    except Exception as exc:
        print(f"PostgreSQL not reachable at {url}: {exc}", file=sys.stderr)
        return False


def run(label: str, env_extra: dict[str, str], marker: str, extra: list[str]) -> int:
    env = {**os.environ, **env_extra}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        os.environ.get("DDT_TEST_WORKERS", "2"),
        "-m",
        marker,
        *extra,
    ]
    print(f"\n=== {label}: {' '.join(cmd)}", flush=True)
    return subprocess.call(cmd, env=env)  # noqa: S603 - our own interpreter and pytest


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgres", "clock"])
    parser.add_argument(
        "--clock", action="store_true", help="also run the clock passes (always in CI)"
    )
    args, extra = parser.parse_known_args()
    status = 0
    if args.only in (None, "sqlite"):
        status |= run("SQLite", {"DDT_DATABASE_URL": "sqlite:///:memory:"}, "not postgres", extra)
    if args.only in (None, "postgres"):
        if postgres_reachable(PG_URL):
            status |= run("PostgreSQL", {"DDT_DATABASE_URL": PG_URL}, "not browser", extra)
        elif IN_CI:
            print("PostgreSQL is required in CI but is not reachable.", file=sys.stderr)
            status |= 1
        else:
            print(
                "\n=== PostgreSQL pass SKIPPED: no server (set DDT_TEST_POSTGRES_URL);"
                " it runs in CI."
            )
    if args.only == "clock" or (args.only is None and (IN_CI or args.clock)):
        for day in CLOCK_DAYS:
            status |= run(
                f"SQLite on {day}",
                {"DDT_DATABASE_URL": "sqlite:///:memory:", "DDT_TEST_TODAY": day},
                "not postgres and not browser",
                extra,
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
