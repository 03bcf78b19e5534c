"""Guide schema: strict keys, policy ceilings, shipped guides, content hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from entitlement.guide import GuideError, load_guide_file, parse_guide, shipped_guide, shipped_years
from entitlement.tests.helpers import guide


def _problems(raw: object) -> list[str]:
    with pytest.raises(GuideError) as exc:
        parse_guide(raw)
    return exc.value.problems


def test_shipped_guides_are_valid_and_marked_as_examples() -> None:
    assert shipped_years() == [2025, 2026, 2027]
    for year in shipped_years():
        g = shipped_guide(year)
        assert g.year == year and g.is_example and "示例" in g.note


def test_unknown_keys_are_errors_not_ignored() -> None:
    g = guide(extra=1)
    g["measures"]["a7.brand_promotion"]["ceiling"] = "1"
    problems = _problems(g)
    assert any(p.startswith("extra: unknown key") for p in problems)
    assert any(p.startswith("measures.a7.brand_promotion.ceiling: unknown key") for p in problems)


def test_unknown_measure_and_missing_required_key() -> None:
    g = guide()
    g["measures"]["a99.nothing"] = {"amount": "1"}
    g["measures"]["a7.ip_certification"] = {"rate": "0.50"}
    problems = _problems(g)
    assert "measures.a99.nothing: unknown measure" in problems[0] or any(
        "a99.nothing: unknown measure" in p for p in problems
    )
    assert any(p.startswith("measures.a7.ip_certification.annual_cap: required") for p in problems)


def test_amount_above_the_ceiling_names_measure_key_and_ceiling() -> None:
    g = guide()
    g["measures"]["a7.ip_certification"]["annual_cap"] = "60000"
    (problem,) = _problems(g)
    assert problem.startswith(
        "measures.a7.ip_certification.annual_cap: 60000 exceeds the policy ceiling 50000"
    )
    assert "a7.ip_certification" in problem and "annual_cap" in problem and "(七)" in problem


def test_rate_above_the_ceiling_is_refused() -> None:
    g = guide()
    g["measures"]["a11.capacity_voucher"]["rate"] = "0.03"
    (problem,) = _problems(g)
    assert "exceeds the policy ceiling 0.02" in problem


def test_tier_above_the_ceiling_is_refused() -> None:
    g = guide()
    g["measures"]["a1.independent_site"]["tiers"].append(
        {"min_export": "50000000", "amount": "300001"}
    )
    (problem,) = _problems(g)
    assert problem.startswith(
        "measures.a1.independent_site.tiers[2].amount: 300001 exceeds the policy ceiling 300000"
    )


def test_tiers_must_ascend_and_levels_must_be_complete() -> None:
    g = guide()
    g["measures"]["a1.independent_site"]["tiers"].append({"min_export": "1", "amount": "1"})
    g["measures"]["a7.brand_recognition"]["amounts"] = {"national": "500000", "city": "1"}
    problems = _problems(g)
    assert any("tiers[2].min_export: tiers must ascend" in p for p in problems)
    assert any("amounts.city: unknown key" in p for p in problems)
    assert any("amounts.provincial: required" in p for p in problems)


def test_ceiling_exactly_reached_is_accepted() -> None:
    g = guide()
    g["measures"]["a2.regional_center"]["amount"] = "1000000"
    g["measures"]["a5.exhibition"]["rate"] = "0.7"
    assert parse_guide(g).measures["a2.regional_center"].amount == 1000000


def test_amounts_must_be_strings_and_dates_valid() -> None:
    g = guide(
        budget={"total": 20000000, "mode": "later"},
        window={"opens": "2025-06-07", "closes": "2025-06-06"},
    )
    problems = _problems(g)
    assert any(p.startswith("budget.total: 20000000 is not an amount") for p in problems)
    assert any(p.startswith('budget.mode: "later" is not one of') for p in problems)
    assert any(p.startswith("window.closes: is before") for p in problems)


def test_status_and_note_are_allowed_but_status_is_checked() -> None:
    assert parse_guide(guide(status="example", note="示例")).is_example
    assert any(p.startswith("status:") for p in _problems(guide(status="final")))


def test_content_hash_is_canonical_and_changes_with_content() -> None:
    a = parse_guide(guide())
    b = parse_guide(guide(budget={"total": "100000000.00", "mode": "pro_rata"}))
    c = parse_guide(guide(budget={"total": "100000001", "mode": "pro_rata"}))
    assert a.content_hash == b.content_hash != c.content_hash


def test_yaml_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("year: 2025\nyear: 2026\n", encoding="utf-8")
    with pytest.raises(GuideError, match="duplicate key"):
        load_guide_file(path)


def test_missing_shipped_guide_is_a_clear_error() -> None:
    with pytest.raises(GuideError, match="no shipped guide for 2030"):
        shipped_guide(2030)


def test_period_must_lie_within_the_policy_validity() -> None:
    from entitlement.guide import GuideError, parse_guide
    from entitlement.tests.helpers import guide as make_guide

    ok = parse_guide(make_guide(period={"from": "2025-07-01", "to": "2026-06-30"}))
    assert (str(ok.period_from), str(ok.period_to), ok.period_given) == (
        "2025-07-01",
        "2026-06-30",
        True,
    )
    plain = parse_guide(make_guide())
    assert (str(plain.period_from), str(plain.period_to), plain.period_given) == (
        "2025-01-01",
        "2025-12-31",
        False,
    )
    for bad in (
        {"from": "2024-10-01", "to": "2025-06-30"},
        {"from": "2027-07-01", "to": "2028-06-30"},
        {"from": "2025-07-01", "to": "2025-06-30"},
    ):
        with pytest.raises(GuideError) as err:
            parse_guide(make_guide(period=bad))
        assert "period" in str(err.value)


def test_period_changes_the_hash_only_when_given() -> None:
    from entitlement.guide import parse_guide
    from entitlement.tests.helpers import guide as make_guide

    plain = parse_guide(make_guide())
    same = parse_guide(make_guide(period={"from": "2025-01-01", "to": "2025-12-31"}))
    assert plain.content_hash != same.content_hash  # a stated period is part of the guide
