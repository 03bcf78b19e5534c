"""Rows prepared for the database: the COPY text of the lines (PostgreSQL) is the same whichever
way it is built, and a goods name with characters COPY must escape is stored as declared."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from customs.models import LedgerLine
from customs.prepare import (
    ID_PLACEHOLDER,
    LINE_COLUMNS,
    copy_block,
    copy_row,
    copy_row_escaped,
)
from customs.services import ingest_paths

from .conftest import inventory, line, receipt

_PLAIN = st.text(alphabet=st.sampled_from("ab水晶 .0N"), max_size=6)
_ODD = st.text(alphabet=st.sampled_from("a\t\n\r\\"), min_size=1, max_size=3)  # COPY escapes
_NUMBER = st.integers(min_value=0, max_value=10**12)
_VALUE = st.one_of(_PLAIN, _NUMBER, _ODD)
_LINE = st.tuples(*[_VALUE] * len(LINE_COLUMNS))
_HEAD = st.tuples(st.none() | st.integers(1, 99), st.none() | st.integers(1, 9), _PLAIN, _ODD)
_CLEAN = ("1", "502", "7117190000", "水晶手链", "011", "2", "10.00", "502", "20.00", "7.8", 15600)


@example(head=(None, 3, "a", "b"), lines=[_CLEAN])
@example(head=(1, None, "a", "b"), lines=[_CLEAN, _CLEAN])
@example(head=(1, 2, "a", "b"), lines=[])
# Each character COPY escapes, alone in an otherwise plain line.
@example(head=(1, 2, "a", "b"), lines=[_CLEAN, ("\\", *_CLEAN[1:])])
@example(head=(1, 2, "a", "b"), lines=[(*_CLEAN[:3], "a\rb", *_CLEAN[4:])])
@example(head=(1, 2, "a", "b"), lines=[(*_CLEAN[:3], "a\tb", *_CLEAN[4:])])
@example(head=(1, 2, "a", "b"), lines=[(*_CLEAN[:3], "a\nb", *_CLEAN[4:]), _CLEAN])
@given(head=_HEAD, lines=st.lists(_LINE, max_size=4))
def test_copy_block_is_the_escaped_rows(head: tuple[Any, ...], lines: list[Any]) -> None:
    start = ID_PLACEHOLDER + "\t" + copy_row(head) + "\t"
    assert copy_block(head, lines) == "".join(start + copy_row_escaped(row) + "\n" for row in lines)


_ANY = st.one_of(
    _PLAIN,
    _ODD,
    _NUMBER,
    st.none(),
    st.booleans(),
    st.just("\\N"),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.dates(),
    st.datetimes(timezones=st.just(dt.UTC)),
)


@example(values=(None, "a\\b"))  # as many backslashes as NULLs
@example(values=(None, None, "\\N"))
@example(values=(1, "a\rb", None))
@example(values=("a\tb",))
@example(values=("a\nb", False))
@given(values=st.lists(_ANY, max_size=8).map(tuple))
def test_copy_row_escapes_only_when_it_must(values: tuple[Any, ...]) -> None:
    assert copy_row(values) == copy_row_escaped(values)


def test_copy_row_escapes_what_copy_reads_specially() -> None:
    values = ("a\tb", "c\\d", "e\nf", "g\rh", None, True, 7)
    expected = "a\\tb\tc\\\\d\te\\nf\tg\\rh\t\\N\tt\t7"
    assert copy_row(values) == copy_row_escaped(values) == expected


def test_goods_names_with_tabs_and_backslashes_are_stored_as_declared(
    world: Any, write: Any
) -> None:
    names = ["水晶\t手链", "C:\\货\\号", "两行\n名称", "\\N", "普通"]
    specs = [
        inventory(f"P{n}", day=dt.date(2025, 5, 2), lines=[line(gname=name), line()])
        for n, name in enumerate(names)
    ]
    paths = [write("p/d.xml", inventories=specs)]
    paths.append(write("p/r.xml", receipts=[receipt(f"P{n}") for n in range(len(names))]))
    run = ingest_paths(actor=None, paths=paths)
    assert run.files_rejected == 0 and run.lines == 10
    stored = dict(
        LedgerLine.objects.filter(line_no=1).values_list("declaration__cop_no", "goods_name")
    )
    assert stored == {f"P{n}": name for n, name in enumerate(names)}


def test_declaration_texts_with_tabs_and_backslashes_are_stored_as_declared(
    world: Any, write: Any
) -> None:
    from customs.models import Declaration

    names = {"Q0": "企业\t名称", "Q1": "C:\\企业", "Q2": "\\N", "Q3": "普通企业"}
    specs = [
        dataclasses.replace(inventory(cop, day=dt.date(2025, 5, 2)), ebc_name=name)
        for cop, name in names.items()
    ]
    run = ingest_paths(actor=None, paths=[write("q/d.xml", inventories=specs)])
    assert run.files_rejected == 0 and run.new == 4
    assert dict(Declaration.objects.values_list("cop_no", "ebc_name")) == names
