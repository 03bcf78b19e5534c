"""What an ingest run reads once from settings and the database: worker counts and priorities,
the fold interval, the channel's public key, the customs code → enterprise index."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from customs.models import CustomsCodeMapping


def _setting(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return int(str(value))


def parse_workers() -> int:
    """Worker processes that parse message files while the ingesting process writes (0: parse
    in-process). Two by default on a machine with two cores or more: preparing a file costs the
    worker more than writing it costs the writer, and the writer waits in the database part of
    the time (measured on two cores: 11.9 s with one worker, 8.9 s with two, 100,000 lines)."""
    return _setting("DDT_CUSTOMS_PARSE_WORKERS", 2 if (os.cpu_count() or 1) >= 2 else 1)


def worker_nice() -> int:
    """How much lower the parse workers run than the writer (``os.nice`` increment). The writer
    is the one process every line goes through; with three processes on two cores it would get
    two thirds of a core, so the workers yield to it and share what it leaves."""
    return _setting("DDT_CUSTOMS_WORKER_NICE", 10)


def fold_every() -> int:
    """Releases (declarations) after which a run folds its marked releases into the aggregate
    before it ends (``ledger.fold_released``): bounds how far the statistics trail a long run.
    Each fold writes each of its keys once, so fewer folds write less."""
    return _setting("DDT_CUSTOMS_FOLD_EVERY", 250_000)


def parse_min_files() -> int:
    """Batches with fewer files are parsed in-process (starting a worker costs ~0.5 s)."""
    return _setting("DDT_CUSTOMS_PARSE_MIN_FILES", 32)


def channel_public_key() -> bytes:
    """The customs channel's public key (PEM) when a verifier is configured
    (``DDT_CUSTOMS_CHANNEL_PUBLIC_KEY``: a PEM file path, setting or environment), else b""."""
    path = getattr(settings, "DDT_CUSTOMS_CHANNEL_PUBLIC_KEY", None)
    if path is None:
        path = os.environ.get("DDT_CUSTOMS_CHANNEL_PUBLIC_KEY", "")
    return Path(path).read_bytes() if path else b""


def enterprise_index() -> dict[str, tuple[int, int]]:
    """Customs code (or USCC) in the messages → (enterprise id, county id)."""
    from enterprises import selectors as registry

    index = registry.enterprise_code_index()
    for code, pk, county in CustomsCodeMapping.objects.values_list(
        "code", "enterprise_id", "enterprise__county_id"
    ):
        index[code] = (pk, county)
    return index
