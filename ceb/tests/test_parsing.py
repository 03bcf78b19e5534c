"""Parsing details: namespaces not prefixes, BOM and declarations, errors with positions."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from ceb import (
    CEB_NS,
    CebParseError,
    CebUnknownMessage,
    CebValidationError,
    build,
    message_def,
    parse,
)
from ceb.messages.export_inventory import CEB604Message
from ceb.testing import example


@pytest.fixture
def ceb604_xml() -> bytes:
    return build(example("CEB604"))


def test_field_naming_contract() -> None:
    message = example("CEB603")
    head = message.inventory[0].inventory_head
    assert message.message_type == "CEB603"
    assert message.inventory[0].message_type == "CEB603"
    assert isinstance(message.guid, str)
    assert {"invt_no", "trade_mode", "cop_no", "pod", "f_currency"} <= set(vars(head))
    assert isinstance(message.inventory[0].inventory_list, tuple)
    assert isinstance(message.inventory[0].inventory_list[0].qty, Decimal)


def test_parsed_records_are_complete_dataclasses() -> None:
    xml = build(example("CEB603"))
    xml = re.sub(rb"<ceb:note>[^<]*</ceb:note>", b"", xml)
    parsed = parse(xml)
    line = parsed.inventory[0].inventory_list[0]
    assert line.note is None
    assert set(vars(line)) == {f.name for f in dataclasses.fields(line)}
    assert dataclasses.replace(line, note="x").note == "x"
    assert dataclasses.asdict(parsed)["inventory"][0]["inventory_list"][0]["note"] is None
    import pickle

    assert pickle.loads(pickle.dumps(parsed)) == parsed  # noqa: S301 - our own data


def test_messages_are_frozen() -> None:
    message = example("CEB604")
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.guid = "x"


def test_default_namespace_and_other_prefix_parse_the_same(ceb604_xml: bytes) -> None:
    message = parse(ceb604_xml)
    default_ns = ceb604_xml.replace(b"ceb:", b"").replace(b"xmlns:ceb=", b"xmlns=")
    other = ceb604_xml.replace(b"ceb:", b"x:").replace(b"xmlns:ceb=", b"xmlns:x=")
    assert parse(default_ns) == message
    assert parse(other) == message


def test_bom_and_declared_encoding(ceb604_xml: bytes) -> None:
    message = parse(ceb604_xml)
    assert parse(b"\xef\xbb\xbf" + ceb604_xml) == message
    body = ceb604_xml.split(b"?>", 1)[1]
    assert parse(b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>' + body) == message
    assert parse(body.lstrip()) == message


def test_gbk_declared_message() -> None:
    xml = build(example("CEB604")).decode("utf-8").replace("UTF-8", "GBK", 1)
    xml = xml.replace("<ceb:returnInfo>", "<ceb:returnInfo>放行", 1)
    message = parse(xml.encode("gbk"))
    assert isinstance(message, CEB604Message)
    assert message.inventory_return[0].return_info.startswith("放行")


def test_wrong_namespace_is_unknown(ceb604_xml: bytes) -> None:
    with pytest.raises(CebUnknownMessage):
        parse(ceb604_xml.replace(CEB_NS.encode(), b"http://example.com/ceb"))


def test_unexpected_message_type(ceb604_xml: bytes) -> None:
    assert parse(ceb604_xml, message_type="604").message_type == "CEB604"
    with pytest.raises(CebUnknownMessage, match="CEB603"):
        parse(ceb604_xml, message_type="CEB603")
    with pytest.raises(CebUnknownMessage):
        message_def("CEB999")


def test_malformed_xml_reports_line_and_column(ceb604_xml: bytes) -> None:
    broken = ceb604_xml.replace(b"</ceb:copNo>", b"</ceb:copN>", 1)
    with pytest.raises(CebParseError) as exc:
        parse(broken)
    assert exc.value.line == 2
    assert exc.value.column is not None and exc.value.column > 0


def test_not_xml() -> None:
    with pytest.raises(CebParseError):
        parse(b"hello")
    with pytest.raises(CebParseError):
        parse(b"")


def test_order_unknown_and_bad_numbers_are_all_reported() -> None:
    xml = build(example("CEB603"))
    xml = xml.replace(b"<ceb:gnum>1</ceb:gnum>", b"<ceb:gnum>one</ceb:gnum>", 1)
    xml = xml.replace(b"<ceb:qty>1.50000</ceb:qty>", b"<ceb:qty>1e3</ceb:qty>", 1)
    xml = xml.replace(b"<ceb:BaseTransfer>", b"<ceb:Bogus/><ceb:BaseTransfer>", 1)
    with pytest.raises(CebValidationError) as exc:
        parse(xml)
    codes = {(e.path, e.code) for e in exc.value.errors}
    assert ("Inventory[0].InventoryList[0].gnum", "type") in codes
    assert ("Inventory[0].InventoryList[0].qty", "type") in codes
    assert ("Bogus", "unexpected") in codes


def test_out_of_order_elements() -> None:
    xml = build(example("CEB604"))
    start_a = xml.index(b"<ceb:agentCode>")
    end_a = xml.index(b"</ceb:agentCode>") + len(b"</ceb:agentCode>")
    end_b = xml.index(b"</ceb:copNo>") + len(b"</ceb:copNo>")
    swapped = xml[:start_a] + xml[end_a:end_b] + xml[start_a:end_a] + xml[end_b:]
    with pytest.raises(CebValidationError) as exc:
        parse(swapped)
    assert [(e.path, e.code) for e in exc.value.errors] == [
        ("InventoryReturn[0].agentCode", "order")
    ]


def test_empty_optional_elements_are_empty_strings() -> None:
    xml = re.sub(
        rb"<ceb:invtNo>[^<]*</ceb:invtNo>", b"<ceb:invtNo></ceb:invtNo>", build(example("CEB603"))
    )
    head = parse(xml).inventory[0].inventory_head
    assert head.invt_no == ""
    without = re.sub(rb"<ceb:invtNo>[^<]*</ceb:invtNo>", b"", xml)
    assert parse(without).inventory[0].inventory_head.invt_no is None


def test_decimals_are_never_floats() -> None:
    xml = build(example("CEB603")).replace(
        b"<ceb:price>1.50000</ceb:price>", b"<ceb:price>0.1</ceb:price>", 1
    )
    line = parse(xml).inventory[0].inventory_list[0]
    assert line.price == Decimal("0.1")
    assert type(line.price) is Decimal
