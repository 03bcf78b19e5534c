"""Streaming records: same result as parse, flat memory, errors per record."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from ceb import CebUnknownMessage, CebValidationError, Limits, build, iter_records, parse
from ceb.testing import example
from ceb.tools.batch import write_ceb603

REPO = Path(__file__).resolve().parents[2]


def test_records_equal_parsed_message(tmp_path: Path) -> None:
    path = write_ceb603(tmp_path / "b.xml", 250, lines_per_inventory=7)
    message = parse(path.read_bytes())
    stream = iter_records(path)
    records = list(stream)
    assert records == list(message.inventory)
    assert sum(len(r.inventory_list) for r in records) == 250
    assert stream.message_type == "CEB603"
    assert stream.guid == message.guid
    assert stream.count == len(records) == 36
    assert stream.base_transfer == message.base_transfer


def test_sources_bytes_and_file_objects() -> None:
    xml = build(example("CEB604"))
    from_bytes = list(iter_records(xml, "CEB604"))
    from_file = list(iter_records(io.BytesIO(b"\xef\xbb\xbf" + xml)))
    assert from_bytes == from_file == list(example("CEB604").inventory_return)


def test_unexpected_type_and_unknown_root() -> None:
    xml = build(example("CEB604"))
    with pytest.raises(CebUnknownMessage):
        list(iter_records(xml, "CEB603"))
    with pytest.raises(CebUnknownMessage):
        list(iter_records(b"<root><a/></root>"))


def test_invalid_record_raises_with_its_index(tmp_path: Path) -> None:
    path = write_ceb603(tmp_path / "b.xml", 30, lines_per_inventory=10)
    data = path.read_bytes()
    cut = data.index(b"<ceb:qty>", data.index(b"COP000000000002"))
    end = data.index(b"</ceb:qty>", cut) + len(b"</ceb:qty>")
    bad = data[:cut] + data[end:]
    stream = iter_records(bad)
    assert next(stream).inventory_head.cop_no == "COP000000000000"
    assert next(stream).inventory_head.cop_no == "COP000000000001"
    with pytest.raises(CebValidationError) as exc:
        next(stream)
    assert [str(e) for e in exc.value.errors] == [
        "Inventory[2].InventoryList[0].qty: 必填 / required"
    ]
    # without validation the record comes through with the gap
    lenient = list(iter_records(bad, validate_records=False))
    assert lenient[2].inventory_list[0].qty is None


def _peak_rss_mib(path: Path) -> float:
    code = (
        "import resource, sys\n"
        "from ceb import iter_records, Limits\n"
        "n = sum(len(r.inventory_list) for r in iter_records(sys.argv[1], limits=Limits(1<<40)))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def test_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    small = write_ceb603(tmp_path / "small.xml", 2_000)
    large = write_ceb603(tmp_path / "large.xml", 40_000)  # ~23 MiB; a kept tree would be ~10x
    growth = _peak_rss_mib(large) - _peak_rss_mib(small)
    assert growth < 20, f"peak RSS grew by {growth:.0f} MiB"


def test_size_limit_applies_to_streams(tmp_path: Path) -> None:
    from ceb import CebUnsafeInput

    path = write_ceb603(tmp_path / "b.xml", 500)
    with pytest.raises(CebUnsafeInput, match="size limit"):
        list(iter_records(path, limits=Limits(max_bytes=100_000)))
