"""The generated leaf readers accept only what the detailed reader accepts, with the same values.

A reader returns ``None`` whenever it is not certain; the detailed reader (``fastread._values``)
then accepts the element or refuses it with the field path. Hypothesis mutates real elements
(missing, empty, padded, overlong, non-numeric, repeated and unknown children, comments) and
checks the two agree.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from ceb.leafread import leaf_fields, leaf_reader, values_of
from customs.ingestion import building, fastread, records

from .conftest import inventory, line

NS = "{http://www.chinaport.gov.cn/ceb}"


def _elements() -> dict[str, Any]:
    data = building.build_inventories("export", [inventory("C1", lines=[line(), line("3")])])
    root = etree.fromstring(data)
    inv = root.find(f"{NS}Inventory")
    assert inv is not None
    _field, nodes = fastread.plan("CEB603")
    return {
        "head": (inv.find(f"{NS}InventoryHead"), nodes["InventoryHead"]),
        "line": (inv.find(f"{NS}InventoryList"), nodes["InventoryList"]),
    }


ELEMENTS = _elements()
SAMPLE_TEXTS = [
    *["", " ", "12", " 12 ", "-3", "1.5", "1.", ".5", "1e3", "+1", "١٢", "x", "A" * 300],
    *["\t7\n", "²", "--5", "1.2.3", ".", "1_000", "\u30007"],
]
TEXTS = st.sampled_from(SAMPLE_TEXTS)
MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["text", "drop", "repeat", "unknown", "comment", "foreign"]),
        st.integers(min_value=0, max_value=60),
        TEXTS,
    ),
    max_size=4,
)


def _mutate(element: Any, mutations: list[tuple[str, int, str]]) -> Any:
    el = copy.deepcopy(element)
    for kind, index, text in mutations:
        children = list(el)
        if not children:
            break
        child = children[index % len(children)]
        if kind == "text":
            child.text = text or None
        elif kind == "drop":
            el.remove(child)
        elif kind == "repeat":
            el.append(copy.deepcopy(child))
        elif kind == "unknown":
            etree.SubElement(el, f"{NS}notAField").text = text
        elif kind == "comment":
            el.append(etree.Comment(text.replace("-", "") or "c"))
        else:  # the same name in another namespace
            name = etree.QName(child).localname if isinstance(child.tag, str) else "gnum"
            etree.SubElement(el, "{urn:other}" + name).text = text
    return el


def _all(node: Any) -> tuple[str, ...]:
    return tuple(f.xml for f in leaf_fields(node))


@pytest.mark.parametrize("which", ["head", "line"])
def test_reader_reads_a_well_formed_element_like_the_detailed_reader(which: str) -> None:
    element, node = ELEMENTS[which]
    wanted = _all(node)
    fast = leaf_reader(node, wanted)(element)
    assert fast is not None
    detailed = fastread._values(element, node, "p")
    assert fast == tuple(detailed.get(name, "") for name in wanted)


def test_reader_returns_the_wanted_fields_in_their_order() -> None:
    element, node = ELEMENTS["line"]
    wanted = ("totalPrice", "notAField", "gnum")
    assert leaf_reader(node, wanted)(element) == values_of(
        fastread._values(element, node, "p"), wanted
    )
    assert leaf_reader(node, wanted)(element)[1] == ""  # type: ignore[index]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(which=st.sampled_from(["head", "line"]), mutations=MUTATIONS)
def test_reader_never_accepts_what_the_detailed_reader_refuses(
    which: str, mutations: list[tuple[str, int, str]]
) -> None:
    element, node = ELEMENTS[which]
    el = _mutate(element, mutations)
    wanted = _all(node)
    fast = leaf_reader(node, wanted)(el)
    try:
        detailed = fastread._values(el, node, "p")
    except records.MessageError:
        assert fast is None
        return
    if fast is not None:
        assert fast == values_of(detailed, wanted)


@pytest.mark.parametrize("which", ["head", "line"])
def test_every_single_text_change_of_every_field_is_judged_like_the_detailed_reader(
    which: str,
) -> None:
    # Exhaustive over one change (each field × each sample text, and each field dropped): the
    # property test above samples combinations, this one cannot miss a single-field case.
    element, node = ELEMENTS[which]
    wanted = _all(node)
    for index in range(len(element)):
        for kind, text in [("drop", ""), *(("text", t) for t in SAMPLE_TEXTS)]:
            el = _mutate(element, [(kind, index, text)])
            fast = leaf_reader(node, wanted)(el)
            try:
                detailed = fastread._values(el, node, "p")
            except records.MessageError:
                assert fast is None, (index, kind, text)
                continue
            assert fast is None or fast == values_of(detailed, wanted), (index, kind, text)


@pytest.mark.parametrize("text", [" 7 ", "7\n", "\u30007"])
def test_padded_values_go_to_the_detailed_reader_which_strips_them(text: str) -> None:
    element, node = ELEMENTS["line"]
    el = _mutate(element, [("text", 0, text)])  # gnum
    assert leaf_reader(node, _all(node))(el) is None
    assert fastread._values(el, node, "p")["gnum"] == "7"


@pytest.mark.parametrize("text", ["²", "--5", "7.5"])
def test_a_line_number_that_int_cannot_read_is_refused_with_its_path(text: str) -> None:
    element, node = ELEMENTS["line"]
    el = _mutate(element, [("text", 0, text)])  # gnum
    with pytest.raises(records.MessageError, match=r"p\.gnum"):
        fastread._values(el, node, "p")


def _time17_reference(raw: str) -> dt.datetime | None:
    try:
        base = dt.datetime.strptime(raw[:14], "%Y%m%d%H%M%S")
        ms = int(raw[14:17] or 0)
    except ValueError:
        return None
    return base.replace(microsecond=ms * 1000, tzinfo=records.SHANGHAI)


@settings(max_examples=500, deadline=None)
@given(
    raw=st.one_of(
        st.text(alphabet="0123456789", min_size=14, max_size=17),
        st.datetimes(min_value=dt.datetime(1000, 1, 1)).map(
            lambda d: d.strftime("%Y%m%d%H%M%S") + f"{d.microsecond // 1000:03d}"
        ),
    )
)
def test_receipt_time_fast_read_agrees_with_strptime(raw: str) -> None:
    expected = _time17_reference(raw)
    try:
        got = fastread._time17(raw, "p")
    except records.MessageError:
        assert expected is None
    else:
        assert got == expected and got.tzinfo is records.SHANGHAI


@pytest.mark.django_db
@given(value=st.datetimes(timezones=st.sampled_from([dt.UTC, records.SHANGHAI])))
@settings(max_examples=200, deadline=None)
def test_raw_sql_datetime_adapter_matches_django(value: dt.datetime) -> None:
    from django.db import connection

    from customs import ledger

    assert ledger.datetime_adapter()(value) == connection.ops.adapt_datetimefield_value(value)


@pytest.mark.postgres
@pytest.mark.django_db
@given(
    values=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))
    )
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_array_literal_reads_back_as_the_same_texts(values: list[str]) -> None:
    """Key lists go to PostgreSQL as one text-array literal; quotes, backslashes, commas,
    braces, spaces and NULL-like words must come back unchanged."""
    from django.db import connection

    from customs.ledger import array_literal

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [array_literal([*values, "NULL", 'a,"{b}"\\'])])
        assert cursor.fetchone()[0] == [*values, "NULL", 'a,"{b}"\\']
