"""Package rules: no Django import; generated tables in sync with the XSD; definitions sane."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ceb import MESSAGES, Kind
from ceb.schema import snake

REPO = Path(__file__).resolve().parents[2]


def test_ceb_never_imports_django() -> None:
    code = (
        "import sys, ceb, ceb.signature, ceb.envelope, ceb.xsd, ceb.testing, ceb.tools.batch\n"
        "from ceb import parse, build\n"
        "from ceb.testing import example\n"
        "parse(build(example('CEB603')))\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_generated_tables_match_the_xsd(reference: Path, tmp_path: Path) -> None:
    from ceb.tools.gen_definitions import Generator

    Generator(reference, tmp_path).run()
    committed = REPO / "ceb" / "messages"
    generated = sorted(tmp_path.glob("*.py"))
    assert len(generated) == len(list(committed.glob("*.py"))) + 1  # + typed.py
    for path in generated:
        target = REPO / "ceb" / "typed.py" if path.name == "typed.py" else committed / path.name
        assert path.read_text() == target.read_text(), path.name


def test_typed_entry_points() -> None:
    from ceb import CebUnknownMessage, build
    from ceb.testing import example
    from ceb.typed import build_ceb603, parse_ceb603, parse_ceb604

    message = example("CEB603")
    assert parse_ceb603(build_ceb603(message)) == message
    with pytest.raises(CebUnknownMessage):
        parse_ceb604(build(message))


def test_all_requested_message_types_are_defined() -> None:
    export = ["303", "304", "403", "404", "505", "506", "507", "508", "603", "604"]
    export += ["605", "606", "607", "608", "701", "702", "792"]
    imports = ["311", "312", "411", "412", "511", "512", "621", "622", "623", "624", "625", "626"]
    wanted = export + imports
    assert {f"CEB{n}" for n in wanted} <= set(MESSAGES)
    assert len(MESSAGES) == 42


def test_definitions_follow_the_naming_contract() -> None:
    for mdef in MESSAGES.values():
        stack = [mdef.node]
        while stack:
            node = stack.pop()
            attrs = [f.attr for f in node.fields]
            assert len(attrs) == len(set(attrs)), node.xml
            for f in node.fields:
                assert f.attr == snake(f.xml)
                if f.kind is Kind.NODE:
                    assert f.node is not None
                    stack.append(f.node)
    assert snake("invtNo") == "invt_no"
    assert snake("InventoryHead") == "inventory_head"
    assert snake("POD") == "pod"
    assert snake("fCurrency") == "f_currency"


def test_xsd_loader_resolves_only_local_files(reference: Path, tmp_path: Path) -> None:
    from lxml import etree

    from ceb.xsd import _load

    (tmp_path / "evil.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x">'
        '<xs:import namespace="urn:y" schemaLocation="http://example.com/remote.xsd"/>'
        "</xs:schema>"
    )
    with pytest.raises(etree.XMLSchemaParseError):
        _load("evil.xsd", tmp_path)
    # the official schemas load offline, xmldsig import included
    assert _load("ceb-import.xsd", reference / "xsd") is not None
