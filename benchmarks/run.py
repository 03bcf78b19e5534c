"""`make bench`: run every benchmarks/bench_*.py and print its table.

Each script has ``main() -> int`` printing a table whose last column is the ratio to a baseline
measured in the same run, and runs it when started as a program. Benchmarks never run as timed
tests.

Each benchmark runs in a process of its own (``python benchmarks/bench_x.py``): most set up
Django for their own database (``DDT_DATABASE_URL``, settings module) and Django is configured
once per process, so in one process the second benchmark ran on the first one's database (and
``bench_submissions``, which drops and recreates its database, cut the connection the others
had left open). A fresh process also gives each its own peak memory and a clean module table
(loaded by path into one process, ``bench_submissions``' dataclass failed: its module was not in
``sys.modules``). ``python benchmarks/run.py customs engine`` runs the named ones only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    failed: list[str] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if wanted and path.stem not in wanted and path.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"\n## {path.stem}", flush=True)
        if subprocess.run([sys.executable, str(path)], check=False).returncode:  # noqa: S603 - our own scripts
            failed.append(path.stem)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
