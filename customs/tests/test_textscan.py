"""Reading from the text (``ceb.textscan``) gives what the tree reader gives, or defers.

Every document is read twice, with the text path on and off: the records must be equal, or both
readers must refuse it with the same message. The plain documents must really take the text
path (else these tests would compare the tree reader with itself).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceb import textscan
from customs.ingestion import building, fastread, parsing, records

from .conftest import CODE_A, inventory, line, receipt

UTC = dt.UTC
CEB = "http://www.chinaport.gov.cn/ceb"


def _export() -> str:
    specs = [
        inventory("C1", lines=[line(), line("3", "7.5", currency="142", country="116")]),
        inventory("C2", code="3207960002", lines=[line("1", "0.01")]),
    ]
    return building.build_inventories("export", specs).decode()


def _import() -> str:
    spec = inventory(
        "I1",
        mode="1210",
        buyer="320700199001011234",
        freight="12.5",
        lines=[line(currency="142", country="116")],
    )
    return building.build_inventories("import", [spec]).decode()


def _receipts() -> str:
    specs = [
        receipt("C1", "120", dt.datetime(2025, 3, 15, 8, tzinfo=UTC)),
        receipt("C1", "800", dt.datetime(2025, 3, 16, 9, 30, tzinfo=UTC), code=CODE_A),
    ]
    return building.build_receipts("export", specs).decode()


DOCUMENTS = {"export": _export(), "import": _import(), "receipts": _receipts()}


def _outcome(data: bytes, *, text_path: bool) -> tuple[str, Any]:
    saved = fastread.TEXT_SCAN
    fastread.TEXT_SCAN = text_path
    try:
        return "records", parsing.read_message(data)
    except records.MessageError as exc:
        return "refused", str(exc)
    finally:
        fastread.TEXT_SCAN = saved


def _same(text: str | bytes) -> bool:
    """Both readers agree; returns whether the text path read the document itself."""
    data = text.encode() if isinstance(text, str) else text
    fast = _outcome(data, text_path=True)
    tree = _outcome(data, text_path=False)
    assert fast == tree
    return fastread.scanned_records(data) is not None


@pytest.mark.parametrize("which", sorted(DOCUMENTS))
def test_a_plain_document_is_read_from_its_text_with_the_tree_readers_records(which: str) -> None:
    assert _same(DOCUMENTS[which])
    assert _outcome(DOCUMENTS[which].encode(), text_path=True)[0] == "records"


# Same content, other plain shapes: still read from the text.
SHAPES: dict[str, Callable[[str], str]] = {
    "other prefix": lambda s: s.replace("ceb:", "c:").replace("xmlns:ceb=", "xmlns:c="),
    "default namespace": lambda s: s.replace("ceb:", "").replace("xmlns:ceb=", "xmlns="),
    "indented": lambda s: re.sub(r"><(?!/ceb:[a-z])", ">\n  <", s),
    "CRLF and tabs between elements": lambda s: re.sub(r"><(?!/ceb:[a-z])", ">\r\n\t<", s),
    "byte-order mark": lambda s: "\ufeff" + s,
    "no declaration": lambda s: re.sub(r"\A<\?xml[^?]*\?>\s*", "", s),
    "double-quoted declaration": lambda s: re.sub(
        r"<\?xml[^?]*\?>", '<?xml version="1.0" encoding="utf-8" standalone="yes"?>', s
    ),
    "space in the root's end tag": lambda s: s.replace("Message>", "Message >"),
    "whitespace after the root": lambda s: s + "\n\n",
}


@pytest.mark.parametrize("which", sorted(DOCUMENTS))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_plain_variants_are_read_from_the_text_too(which: str, shape: str) -> None:
    text = SHAPES[shape](DOCUMENTS[which])
    assert text != DOCUMENTS[which]
    assert _same(text), shape


def _first_leaf(text: str, name: str) -> re.Match[str]:
    m = re.search(f"<ceb:{name}>([^<]*)</ceb:{name}>", text)
    assert m is not None, name
    return m


def _replace(text: str, m: re.Match[str], new: str) -> str:
    return text[: m.start()] + new + text[m.end() :]


# Shapes the text path must leave to the tree reader (each checked to be refused by the text
# path, and judged the same by both).
DEFERRED: dict[str, Callable[[str], str]] = {
    "comment in a leaf": lambda s: s.replace("</ceb:copNo>", "<!-- x --></ceb:copNo>", 1),
    "comment between elements": lambda s: s.replace("<ceb:copNo>", "<!--x--><ceb:copNo>", 1),
    "CDATA": lambda s: re.sub(r"<ceb:copNo>([^<]*)<", r"<ceb:copNo><![CDATA[\1]]><", s, count=1),
    "entity reference": lambda s: re.sub(
        r"<ceb:copNo>([^<]*)<", r"<ceb:copNo>\1&amp;<", s, count=1
    ),
    "character reference": lambda s: re.sub(r"<ceb:copNo>(.)", r"<ceb:copNo>&#x41;", s, count=1),
    "carriage return in a value": lambda s: re.sub(
        r"<ceb:copNo>(.)", "<ceb:copNo>\\1\r", s, count=1
    ),
    "self-closing leaf": lambda s: re.sub(r"<ceb:guid>[^<]*</ceb:guid>", "<ceb:guid/>", s, count=1),
    "attribute on a leaf": lambda s: s.replace("<ceb:copNo>", '<ceb:copNo a="1">', 1),
    "prefix redeclared below the root": lambda s: re.sub(
        r"<ceb:(Inventory|InventoryReturn)>", rf'<ceb:\1 xmlns:ceb="{CEB}">', s, count=1
    ),
    "prefix bound elsewhere below the root": lambda s: re.sub(
        r"<ceb:(Inventory|InventoryReturn)>", r'<ceb:\1 xmlns:ceb="urn:other">', s, count=1
    ),
    "declaration hidden in another attribute": lambda s: s.replace(
        f'xmlns:ceb="{CEB}"', f'a=\'xmlns:ceb="{CEB}"\' xmlns:ceb="urn:other"', 1
    ),
    "root without the CEB namespace": lambda s: s.replace(CEB, "urn:other"),
    "GBK declared": lambda s: s.replace("encoding='UTF-8'", "encoding='GBK'"),
    "DOCTYPE": lambda s: s.replace("?>", "?><!DOCTYPE x>", 1),
    "comment after the root": lambda s: s + "<!-- end -->",
    "unknown element in a record": lambda s: re.sub(
        r"</ceb:(InventoryHead|InventoryReturn)>", r"<ceb:zz>1</ceb:zz></ceb:\1>", s, count=1
    ),
    "unknown nested element at the top": lambda s: re.sub(
        r"(</ceb:CEB6\d\dMessage>)", r"<ceb:x><ceb:y><ceb:z>1</ceb:z></ceb:y></ceb:x>\1", s
    ),
    "empty record": lambda s: re.sub(
        r"(<ceb:CEB6\d\dMessage[^>]*>)<ceb:(Inventory|InventoryReturn)>",
        r"\1<ceb:\2></ceb:\2><ceb:\2>",
        s,
    ),
    "space in a leaf's end tag": lambda s: s.replace("</ceb:copNo>", "</ceb:copNo >", 1),
    "self-closing record": lambda s: re.sub(
        r"(<ceb:CEB6\d\dMessage[^>]*>)", r"\1<ceb:Inventory/>", s
    ),
    "foreign element": lambda s: re.sub(
        r"(</ceb:CEB6\d\dMessage>)", r'<ds:Signature xmlns:ds="urn:ds">x</ds:Signature>\1', s
    ),
    "truncated": lambda s: s[: len(s) * 2 // 3],
    "inventory without lines": lambda s: re.sub(
        r"<ceb:InventoryList>.*?</ceb:InventoryList>", "", s, count=2
    ),
    "control character": lambda s: s.replace("<ceb:copNo>", "<ceb:copNo>\x01", 1),
    "]]> in a value": lambda s: s.replace("<ceb:copNo>", "<ceb:copNo>]]>", 1),
    "undeclared prefix": lambda s: s.replace("<ceb:copNo>", "<x:copNo>", 1).replace(
        "</ceb:copNo>", "</x:copNo>", 1
    ),
    "two fields swapped": lambda s: re.sub(
        r"(<ceb:copNo>[^<]*</ceb:copNo>)(<ceb:[a-zA-Z]+>[^<]*</ceb:[a-zA-Z]+>)", r"\2\1", s, count=1
    ),
    "field repeated": lambda s: re.sub(r"(<ceb:copNo>[^<]*</ceb:copNo>)", r"\1\1", s, count=1),
}


@pytest.mark.parametrize("which", sorted(DOCUMENTS))
@pytest.mark.parametrize("shape", sorted(DEFERRED))
def test_other_shapes_are_left_to_the_tree_reader(which: str, shape: str) -> None:
    text = DEFERRED[shape](DOCUMENTS[which])
    if text == DOCUMENTS[which]:
        pytest.skip("the shape does not occur in this document")
    assert not _same(text), shape


SAMPLE_TEXTS = [
    *["", " ", "12", " 12 ", "-3", "1.5", "1.", ".5", "1e3", "+1", "١٢", "x", "A" * 300],
    *["\t7\n", "²", "--5", "1.2.3", ".", "1_000", "\u30007", "2025-01-01", "20251301", "0"],
]


@pytest.mark.parametrize("which", sorted(DOCUMENTS))
def test_every_single_change_of_every_field_is_judged_like_the_tree_reader(which: str) -> None:
    # Exhaustive over one change of the first record's leaves: each text, and the leaf dropped.
    text = DOCUMENTS[which]
    leaves = list(re.finditer(r"<ceb:([a-zA-Z]+)>([^<]*)</ceb:\1>", text))
    first_end = text.index("</ceb:Inventory>") if which != "receipts" else len(text)
    text_path_read = 0
    for m in leaves:
        if m.start() > first_end:
            break
        for new in [*(f"<ceb:{m[1]}>{t}</ceb:{m[1]}>" for t in SAMPLE_TEXTS), ""]:
            text_path_read += _same(_replace(text, m, new))
    assert text_path_read > len(leaves)  # most single changes are still plain documents


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["text", "drop", "repeat", "swap", "shape"]),
        st.integers(min_value=0, max_value=200),
        st.sampled_from(SAMPLE_TEXTS),
        st.sampled_from(sorted(SHAPES) + sorted(DEFERRED)),
    ),
    max_size=4,
)


def _mutate(text: str, mutations: list[tuple[str, int, str, str]]) -> str:
    for kind, index, value, shape in mutations:
        leaves = list(re.finditer(r"<ceb:([a-zA-Z]+)>([^<]*)</ceb:\1>", text))
        if not leaves:
            break
        m = leaves[index % len(leaves)]
        if kind == "text":
            text = _replace(text, m, f"<ceb:{m[1]}>{value}</ceb:{m[1]}>")
        elif kind == "drop":
            text = _replace(text, m, "")
        elif kind == "repeat":
            text = _replace(text, m, m[0] + m[0])
        elif kind == "swap":
            after = leaves[(index + 1) % len(leaves)]
            if after.start() > m.end():
                text = (
                    text[: m.start()]
                    + after[0]
                    + text[m.end() : after.start()]
                    + m[0]
                    + text[after.end() :]
                )
        else:
            text = {**SHAPES, **DEFERRED}[shape](text)
    return text


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(which=st.sampled_from(sorted(DOCUMENTS)), mutations=MUTATIONS)
def test_mutated_documents_are_judged_like_the_tree_reader(
    which: str, mutations: list[tuple[str, int, str, str]]
) -> None:
    _same(_mutate(DOCUMENTS[which], mutations))


def test_a_full_message_is_read_from_the_text() -> None:
    # The standard's maxima: 100 inventories of 100 lines.
    lines = [line(str(n % 7 + 1), "1.25") for n in range(100)]
    specs = [inventory(f"L{n}", lines=lines) for n in range(100)]
    data = building.build_inventories("export", specs)
    assert _same(data)
    records = parsing.read_message(data)
    assert [len(r.lines) for r in records] == [100] * 100  # type: ignore[union-attr]


def test_scan_refuses_types_it_is_not_asked_for() -> None:
    data = DOCUMENTS["export"].encode()
    assert textscan.scan(data, frozenset({"CEB604"}), fastread.plan) is None
    assert textscan.scan(data, frozenset({"CEB603"}), fastread.plan) is not None


def test_well_formed_builds_nothing_and_refuses_broken_xml() -> None:
    assert textscan.well_formed(b"<a><b>1</b></a>")
    assert not textscan.well_formed(b"<a><b>1</a>")
    assert not textscan.well_formed(b"<a>&undefined;</a>")
