"""Validation: field paths and bilingual messages for each kind of problem."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from ceb import CebValidationError, build, validate
from ceb.messages.export_inventory import CEB603Message, ExportInventory
from ceb.testing import example


def _with_line(message: CEB603Message, index: int, **changes: Any) -> CEB603Message:
    inv = message.inventory[0]
    lines = list(inv.inventory_list)
    lines[index] = dataclasses.replace(lines[index], **changes)
    new_inv = dataclasses.replace(inv, inventory_list=tuple(lines))
    return dataclasses.replace(message, inventory=(new_inv, *message.inventory[1:]))


@pytest.fixture
def ceb603() -> CEB603Message:
    message = example("CEB603")
    inv = message.inventory[0]
    three = (*inv.inventory_list, dataclasses.replace(inv.inventory_list[0], gnum=3))
    return dataclasses.replace(message, inventory=(dataclasses.replace(inv, inventory_list=three),))


def test_valid_example_has_no_errors(ceb603: CEB603Message) -> None:
    assert validate(ceb603) == []


def test_missing_required_field_path_in_chinese_and_english(ceb603: CEB603Message) -> None:
    bad = _with_line(ceb603, 2, qty=None)
    assert [str(e) for e in validate(bad)] == ["Inventory[0].InventoryList[2].qty: 必填 / required"]
    with pytest.raises(CebValidationError) as exc:
        build(bad)
    assert exc.value.errors[0].path == "Inventory[0].InventoryList[2].qty"


def test_text_too_long(ceb603: CEB603Message) -> None:
    head = dataclasses.replace(ceb603.inventory[0].inventory_head, invt_no="X" * 21)
    bad = dataclasses.replace(
        ceb603, inventory=(dataclasses.replace(ceb603.inventory[0], inventory_head=head),)
    )
    assert [str(e) for e in validate(bad)] == [
        "Inventory[0].InventoryHead.invtNo: 长度最多 20(实际 21) / "
        "length must be at most 20 (got 21)"
    ]


def test_exact_length(ceb603: CEB603Message) -> None:
    bad = _with_line(ceb603, 0, gcode="610910")
    (error,) = validate(bad)
    assert error.code == "length"
    assert str(error).endswith("长度应为 10(实际 6) / length must be 10 (got 6)")


def test_decimal_places_and_total_digits(ceb603: CEB603Message) -> None:
    bad = _with_line(ceb603, 1, price=Decimal("1.123456"), qty=Decimal("1" * 20))
    assert sorted(str(e) for e in validate(bad)) == [
        "Inventory[0].InventoryList[1].price: 小数位最多 5 位 / at most 5 decimal places",
        "Inventory[0].InventoryList[1].qty: 数字最多 19 位 / at most 19 digits",
    ]
    # trailing zeros are not significant
    assert validate(_with_line(ceb603, 1, price=Decimal("1.1000000"))) == []


def test_float_is_refused(ceb603: CEB603Message) -> None:
    bad = _with_line(ceb603, 0, price=1.5)
    assert [e.code for e in validate(bad)] == ["type"]


def test_fixed_value(ceb603: CEB603Message) -> None:
    head = dataclasses.replace(ceb603.inventory[0].inventory_head, f_flag="1")
    bad = dataclasses.replace(
        ceb603, inventory=(dataclasses.replace(ceb603.inventory[0], inventory_head=head),)
    )
    assert [str(e) for e in validate(bad)] == [
        "Inventory[0].InventoryHead.fFlag: 固定值应为 3 / must have the fixed value 3"
    ]


def test_occurrences(ceb603: CEB603Message) -> None:
    too_many = dataclasses.replace(ceb603, inventory=ceb603.inventory * 101)
    assert [str(e) for e in validate(too_many)] == [
        "Inventory: 最多出现 100 次(实际 101 次) / may occur at most 100 times (got 101)"
    ]
    none = dataclasses.replace(ceb603, inventory=())
    assert [str(e) for e in validate(none)] == ["Inventory: 必填 / required"]


def test_illegal_xml_character(ceb603: CEB603Message) -> None:
    bad = _with_line(ceb603, 0, gname="T恤\x01")
    assert [e.code for e in validate(bad)] == ["type"]


def test_integer_digits(ceb603: CEB603Message) -> None:
    bad = _with_line(ceb603, 0, gnum=123456)
    assert [str(e) for e in validate(bad)] == [
        "Inventory[0].InventoryList[0].gnum: 最多 5 位数字 / at most 5 digits"
    ]


def test_root_attribute(ceb603: CEB603Message) -> None:
    bad = dataclasses.replace(ceb603, guid="short")
    assert [e.path for e in validate(bad)] == ["@guid"]


def test_record_validated_alone_with_a_path_prefix(ceb603: CEB603Message) -> None:
    record: ExportInventory = _with_line(ceb603, 2, qty=None).inventory[0]
    assert [str(e) for e in validate(record, path="Inventory[7]")] == [
        "Inventory[7].InventoryList[2].qty: 必填 / required"
    ]


def test_validate_refuses_non_ceb_objects() -> None:
    with pytest.raises(TypeError):
        validate(object())
