"""Fixtures of the ceb tests: the official 2022 reference folder (required in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceb.xsd import reference_dir


def _require(available: bool, what: str) -> None:
    # The project's root conftest defines the CI-aware rule; import it lazily so that these
    # tests also run with ``-p no:django`` (the root conftest needs no Django at import time).
    from conftest import require_or_skip

    require_or_skip(available, what)


@pytest.fixture(scope="session")
def reference() -> Path:
    ref = reference_dir()
    _require((ref / "xsd" / "ceb-export.xsd").is_file(), f"CEB 2022 reference files ({ref})")
    return ref


@pytest.fixture(scope="session")
def samples(reference: Path) -> dict[str, bytes]:
    """Official sample messages keyed ``CEB603`` (file name without ``Message.xml``)."""
    out = {}
    for path in sorted((reference / "samples").glob("*/*.xml")):
        out[path.name.split("Message")[0].strip()] = path.read_bytes()
    return out
