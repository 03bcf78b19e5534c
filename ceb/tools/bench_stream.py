"""Streaming benchmark: parse a generated CEB603 file with ``iter_records`` vs bare lxml.

Usage::

    .venv/bin/python -m ceb.tools.bench_stream [--lines 100000]

Prints lines/s (CPU time) for: a bare ``lxml.etree.iterparse`` that only clears the records
(the floor), ``iter_records`` without and with per-record validation, and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from lxml import etree

from ceb import Limits, iter_records
from ceb.schema import CEB_NS
from ceb.tools.batch import write_ceb603


def bare(path: Path) -> float:
    start = time.process_time()
    for _event, el in etree.iterparse(str(path), events=("end",), tag=f"{{{CEB_NS}}}Inventory"):
        el.clear()
        parent = el.getparent()
        while el.getprevious() is not None and parent is not None:
            del parent[0]
    return time.process_time() - start


def ours(path: Path, validate: bool) -> tuple[float, int]:
    limits = Limits(max_bytes=1 << 40)
    start = time.process_time()
    lines = 0
    for record in iter_records(path, "CEB603", validate_records=validate, limits=limits):
        lines += len(record.inventory_list)
    return time.process_time() - start, lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_ceb603(Path(tmp) / "ceb603.xml", args.lines)
        size = path.stat().st_size
        floor = min(bare(path) for _ in range(args.rounds))
        plain = min(ours(path, False)[0] for _ in range(args.rounds))
        checked, lines = min(ours(path, True) for _ in range(args.rounds))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file: {lines:,} inventory lines, {size / 2**20:.1f} MiB")
    print(f"{'run':<32}{'CPU s':>8}{'lines/s':>12}{'× floor':>9}")
    for name, secs in (
        ("bare lxml iterparse (floor)", floor),
        ("iter_records, no validation", plain),
        ("iter_records, validated", checked),
    ):
        print(f"{name:<32}{secs:>8.2f}{lines / secs:>12,.0f}{secs / floor:>9.2f}")
    print(f"peak RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
