from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enterprises.demo import generate_uscc, make_customs_code
from enterprises.validators import (
    USCC_CHARSET,
    CodeError,
    is_valid_uscc,
    uscc_check_char,
    uscc_generate,
    validate_customs_code,
    validate_uscc,
)

VALID = [
    "91350200776049653A",
    "91440101MA5CJQ4N59",
    "913502000728319549",
    "9135021359498494XQ",
    "91350213678251743X",
    "91320703670106912A",
]


@pytest.mark.parametrize("code", VALID)
def test_published_vectors_are_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert uscc_check_char(code[:17]) == code[17]


def test_known_invalid_vector_names_the_check_character() -> None:
    with pytest.raises(CodeError) as info:
        validate_uscc("91350203M0001QAY9B")
    assert info.value.rule == "check"
    assert info.value.message == "校验码错误：第18位应为“9”，实际为“B”。"


def test_length_message_gives_actual_length() -> None:
    with pytest.raises(CodeError) as info:
        validate_uscc("9135020077604965")
    assert "长度应为18位，实际16位" in info.value.message


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_are_named_with_position(letter: str) -> None:
    code = "91350200" + letter + "76049653A"
    with pytest.raises(CodeError) as info:
        validate_uscc(code)
    assert info.value.rule == "charset"
    assert f"第9位“{letter}”不是合法字符（不得使用 I、O、S、V、Z）" in info.value.message


def test_other_illegal_character() -> None:
    with pytest.raises(CodeError) as info:
        validate_uscc("91350200776049#53A")
    assert "第15位“#”不是合法字符" in info.value.message


def test_region_segment_must_be_digits() -> None:
    with pytest.raises(CodeError) as info:
        validate_uscc("9135A200776049653A")
    assert info.value.rule == "region"
    assert "第3–8位" in info.value.message and "35A200" in info.value.message


def test_normalises_case_spaces_and_full_width() -> None:
    assert validate_uscc(" 91350200776049653a ") == "91350200776049653A"
    assert validate_uscc("９１３５０２００７７６０４９６５３Ａ") == "91350200776049653A"


def test_empty_is_refused() -> None:
    with pytest.raises(CodeError, match="请填写"):
        validate_uscc("  ")


@given(st.integers(min_value=0, max_value=2**32), st.sampled_from(["320722", "320703", "110101"]))
def test_every_generated_uscc_is_valid(seed: int, region: str) -> None:
    code = uscc_generate(random.Random(seed), region=region)
    assert len(code) == 18 and code[2:8] == region
    assert is_valid_uscc(code)


@settings(max_examples=300)
@given(
    st.integers(min_value=0, max_value=2**32),
    st.integers(min_value=0, max_value=17),
    st.integers(min_value=1, max_value=30),
)
def test_any_single_character_change_fails(seed: int, position: int, shift: int) -> None:
    code = uscc_generate(random.Random(seed))
    replacement = USCC_CHARSET[(USCC_CHARSET.index(code[position]) + shift) % 31]
    changed = code[:position] + replacement + code[position + 1 :]
    assert changed != code
    assert not is_valid_uscc(changed)


def test_demo_helpers_are_deterministic() -> None:
    a = generate_uscc(random.Random(3), "320722")
    assert a == generate_uscc(random.Random(3), "320722")
    assert is_valid_uscc(a)
    assert is_valid_uscc(generate_uscc(random.Random(3), "3207X1"))
    code = make_customs_code(random.Random(3), "320722")
    assert code.startswith("3207") and validate_customs_code(code) == code


@pytest.mark.parametrize("code", ["1105910159", "3301961Q43", "440316T004", "3207961q43"])
def test_customs_codes_valid(code: str) -> None:
    assert validate_customs_code(code) == code.upper()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("320796", "长度应为10位，实际6位"),
        ("3207961Q4#", "第10位“#”不是合法字符"),
        ("32A7961Q43", "前4位（所在地区代码）应为数字"),
        ("3207A61Q43", "第5位（经济区划代码）应为数字"),
    ],
)
def test_customs_codes_invalid(code: str, expected: str) -> None:
    with pytest.raises(CodeError) as info:
        validate_customs_code(code)
    assert expected in info.value.message


def test_django_adapter_translates_and_keys_by_field() -> None:
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from enterprises.validators import django_validate_uscc

    with pytest.raises(ValidationError) as info:
        django_validate_uscc("91350203M0001QAY9B", field="uscc")
    assert info.value.message_dict["uscc"] == ["校验码错误：第18位应为“9”，实际为“B”。"]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        django_validate_uscc("91350203M0001QAY9B")
    assert info.value.messages == ["Wrong check character: character 18 should be “9” but is “B”."]
