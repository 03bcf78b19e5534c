"""Scenario validation: every error names its JSON path."""

from __future__ import annotations

import pytest

from entitlement.scenario import ScenarioError, parse_scenario
from entitlement.tests.helpers import ben, claim, paid, scenario


def _problems(raw: object) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(raw)
    return exc.value.problems


def _claims(*cs: dict) -> dict:
    base = [claim("a7.brand_promotion", f"OK{i}", cost="1") for i in range(3)]
    return scenario([*base, *cs])


def test_amount_with_thousands_separator_names_the_path() -> None:
    (p,) = _problems(_claims(claim("a7.brand_promotion", cost="12,000")))
    assert p.startswith('claims[3].cost: "12,000" is not an amount')


def test_negative_amount_is_invalid() -> None:
    (p,) = _problems(_claims(claim("a7.brand_promotion", cost="-5")))
    assert p.startswith('claims[3].cost: "-5" is not an amount: negative')


def test_more_than_two_decimals_is_invalid() -> None:
    (p,) = _problems(_claims(claim("a7.brand_promotion", cost="1.005")))
    assert "more than 2 decimals" in p


def test_numbers_are_not_amounts() -> None:
    c = claim("a7.brand_promotion")
    c["cost"] = 1000.5
    (p,) = _problems(_claims(c))
    assert p.startswith("claims[3].cost: 1000.5 is not an amount")


def test_unknown_measure_beneficiary_and_duplicate_id() -> None:
    problems = _problems(
        _claims(
            claim("a99.x", "X1"),
            claim("a7.brand_promotion", "X2", ben="NOPE", cost="1"),
            claim("a7.brand_promotion", "OK1", cost="1"),
        )
    )
    assert problems == [
        'claims[3].measure: "a99.x" is not a measure of the catalogue / 未知的措施编号（见 ddt policy measures）',  # noqa: E501
        'claims[4].beneficiary: "NOPE" is not a beneficiary of this scenario / 未知的主体',
        'claims[5].id: "OK1" is a duplicate claim id / 申报编号重复',
    ]


def test_cost_share_needs_a_cost_and_timestamps_need_a_zone() -> None:
    problems = _problems(_claims(claim("a7.brand_promotion", at="2025-06-01T09:00:00")))
    assert problems[0].startswith("claims[3].cost: required for cost-share measure")
    assert problems[1].startswith('claims[3].submitted_at: "2025-06-01T09:00:00" has no time zone')


def test_unknown_keys_everywhere_are_errors() -> None:
    raw = scenario([claim("a7.brand_promotion", cost="1", colour="red")])
    raw["extra"] = True
    raw["beneficiaries"][0]["facts"]["size"] = "big"
    problems = _problems(raw)
    assert "extra: unknown key" in problems[0]
    assert any(p.startswith("beneficiaries[0].facts.size: unknown key") for p in problems)
    assert any(p.startswith("claims[0].attributes.colour: unknown key") for p in problems)


def test_history_errors_name_their_path() -> None:
    problems = _problems(scenario([], history=[paid("a1.first_time", "5,0", ben="E9")]))
    assert problems[0].startswith('history[0].beneficiary: "E9" is not a beneficiary')
    assert problems[1].startswith('history[0].amount: "5,0" is not an amount')


def test_history_entry_missing_a_required_key_is_an_error_not_a_crash() -> None:
    entry = paid("a1.first_time", "5000")
    del entry["amount"]
    assert _problems(scenario([], history=[entry])) == ["history[0].amount: required / 缺少必填项"]


def test_beneficiary_errors_and_duplicates() -> None:
    bad = ben("E2", kind="bank", recognitions=[{"type": "brand", "year": 2025}])
    problems = _problems(scenario([], beneficiaries=[ben("E1"), ben("E1"), bad]))
    assert 'beneficiaries[1].id: "E1" is a duplicate beneficiary id / 主体编号重复' in problems
    assert any(p.startswith('beneficiaries[2].kind: "bank" is not one of') for p in problems)
    assert any(
        p.startswith("beneficiaries[2].facts.recognitions[0].level: null is not one of")
        for p in problems
    )


def test_embedded_guide_errors_are_prefixed_and_year_must_match() -> None:
    raw = scenario([], guide_obj="2026")
    assert _problems(raw) == [
        "guide.year: 2026 does not match the scenario year 2025 / 指南年度与情景年度不一致"
    ]
    raw = scenario([])
    raw["guide"]["measures"]["a3.benchmark"]["amount"] = "100001"
    (p,) = _problems(raw)
    assert p.startswith(
        "guide.measures.a3.benchmark.amount: 100001 exceeds the policy ceiling 100000"
    )


def test_a_shipped_guide_can_be_named_by_year() -> None:
    sc = parse_scenario(scenario([claim("a7.brand_promotion", cost="1")], guide_obj="2025"))
    assert sc.guide.year == 2025 and sc.guide.is_example


def test_not_an_object() -> None:
    assert _problems([]) == ["$: must be an object / 应为对象"]


def test_too_many_problems_stop_early() -> None:
    raw = scenario([claim("a7.brand_promotion", f"X{i}", cost="x") for i in range(80)])
    problems = _problems(raw)
    assert len(problems) == 51 and problems[-1].startswith("… stopped after 50 problems")


def test_a_stamp_ending_with_a_nul_character_has_no_time_zone() -> None:
    """fromisoformat stops at NUL ("…:27\x00" reads as a naive time): refused, not UTC."""
    c = claim("a7.brand_promotion", cost="1")
    c["submitted_at"] = "2025-05-08T01:51:27\x00"
    (p,) = _problems(scenario([c]))
    assert p.startswith("claims[0].submitted_at:") and "time zone" in p
