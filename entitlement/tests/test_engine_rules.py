"""One plain-language test per rule (1–8) and per edge of the issue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from entitlement.explain import Reason
from entitlement.tests.helpers import ben, claim, codes, guide, outcome, paid, run, scenario


def _one(raw: dict) -> dict:
    (result,) = outcome(raw).values()
    return result


# --- rule 1: eligibility ---


def test_claim_dated_before_the_policy_window_is_ineligible() -> None:
    r = _one(
        scenario(
            [claim("a7.brand_promotion", cost="1000", date="2024-11-19")],
            year=2024,
            guide_obj=guide(year=2024),
        )
    )
    assert r["status"] == "ineligible" and codes(r) == ["outside_policy_window"]
    assert r["reasons"][0]["article"] == "末段"


def test_claim_dated_in_another_year_than_the_scenario_is_ineligible() -> None:
    r = _one(scenario([claim("a7.brand_promotion", cost="1000", date="2026-01-02")]))
    assert r["status"] == "ineligible" and codes(r) == ["wrong_year"]


def test_measure_absent_from_the_guide_is_not_open() -> None:
    g = guide()
    del g["measures"]["a5.exhibition"]
    r = _one(scenario([claim("a5.exhibition", cost="1000", in_plan=True)], guide_obj=g))
    assert r["status"] == "ineligible" and codes(r) == ["measure_not_open"]


def test_disqualified_beneficiary_is_ineligible() -> None:
    r = _one(
        scenario([claim("a7.brand_promotion", cost="1000")], beneficiaries=[ben(disqualified=True)])
    )
    assert codes(r) == ["disqualified"]


def test_park_award_goes_only_to_park_operators() -> None:
    facts: dict[str, Any] = {
        "recognitions": [{"type": "park", "level": "provincial", "year": 2025}]
    }
    wrong = _one(scenario([claim("a8.park_recognition")], beneficiaries=[ben(**facts)]))
    right = _one(
        scenario([claim("a8.park_recognition")], beneficiaries=[ben(kind="park_operator", **facts)])
    )
    assert wrong["status"] == "ineligible" and codes(wrong) == ["wrong_beneficiary_kind"]
    assert right["status"] == "granted" and right["granted"] == "500000.00"


def test_warehouse_operator_that_sells_cross_border_may_claim_an_enterprise_measure() -> None:
    # the seed restricts only (八) and (十): a warehouse operator is an enterprise too
    r = _one(
        scenario(
            [claim("a11.capacity_voucher", cost="100000")],
            beneficiaries=[ben(kind="warehouse_operator")],
        )
    )
    assert codes(r) == ["rate_applied"] and r["granted"] == "2000.00"


def test_association_may_claim_a_standard_but_not_an_enterprise_measure() -> None:
    raw = scenario(
        [
            claim("a12.standard", "S", amount="80000"),
            claim("a11.capacity_voucher", "V", cost="100000"),
        ],
        beneficiaries=[ben(kind="association")],
    )
    raw["guide"]["measures"]["a12.standard"] = {"cap": "100000"}
    out = outcome(raw)
    assert codes(out["S"]) == ["amount_set"] and out["S"]["granted"] == "80000.00"
    assert codes(out["V"]) == ["wrong_beneficiary_kind"]
    assert "行业协会" in out["V"]["reasons"][0]["message"]


def test_park_measure_still_refuses_an_enterprise() -> None:
    b = ben(kind="enterprise", recognitions=[{"type": "park", "level": "national", "year": 2025}])
    r = _one(scenario([claim("a8.park_recognition")], beneficiaries=[b]))
    assert codes(r) == ["wrong_beneficiary_kind"]


# --- rule 2: conditions ---


def test_first_time_award_needs_trade_at_least_the_threshold_in_the_same_year() -> None:
    equal = _one(
        scenario([claim("a1.first_time")], beneficiaries=[ben(cbec_trade={"2025": "1000000.00"})])
    )
    below = _one(
        scenario([claim("a1.first_time")], beneficiaries=[ben(cbec_trade={"2025": "999999.99"})])
    )
    other_year = _one(
        scenario([claim("a1.first_time")], beneficiaries=[ben(cbec_trade={"2024": "5000000"})])
    )
    assert equal["granted"] == "50000.00"  # threshold equal: inclusive
    assert below["status"] == "ineligible" and codes(below) == ["threshold_not_met"]
    assert other_year["status"] == "ineligible"


def test_first_time_award_needs_the_first_cbec_year_to_be_this_year() -> None:
    r = _one(scenario([claim("a1.first_time")], beneficiaries=[ben(first_cbec_year=2024)]))
    assert codes(r) == ["not_first_cbec_year"]


def test_independent_site_pays_the_highest_tier_reached() -> None:
    def granted(export: str) -> str:
        b = ben(independent_site_export={"2025": export})
        return _one(scenario([claim("a1.independent_site")], beneficiaries=[b]))["granted"]

    assert granted("4999999.99") == "0.00"
    assert granted("5000000") == "100000.00"  # threshold equal
    assert granted("9999999") == "100000.00"
    assert granted("10000000.00") == "200000.00"
    assert granted("99000000") == "200000.00"


def test_regional_centre_and_public_warehouse_need_a_recognition_in_the_year() -> None:
    rec: dict[str, Any] = {"recognitions": [{"type": "regional_center", "year": 2024}]}
    r = _one(scenario([claim("a2.regional_center")], beneficiaries=[ben(**rec)]))
    assert codes(r) == ["no_recognition"]
    wh = ben(kind="warehouse_operator", recognitions=[{"type": "public_warehouse", "year": 2025}])
    assert (
        _one(scenario([claim("a10.public_warehouse")], beneficiaries=[wh]))["granted"]
        == "300000.00"
    )


def test_benchmark_award_only_the_first_time_on_the_list() -> None:
    first = ben(recognitions=[{"type": "benchmark", "year": 2025}])
    again = ben(
        recognitions=[{"type": "benchmark", "year": 2024}, {"type": "benchmark", "year": 2025}]
    )
    assert _one(scenario([claim("a3.benchmark")], beneficiaries=[first]))["granted"] == "100000.00"
    r = _one(scenario([claim("a3.benchmark")], beneficiaries=[again]))
    assert r["status"] == "ineligible" and codes(r) == ["not_first_benchmark"]


def test_brand_recognition_pays_the_highest_level_of_the_year() -> None:
    b = ben(
        recognitions=[
            {"type": "brand", "level": "provincial", "year": 2025},
            {"type": "brand", "level": "national", "year": 2025},
        ]
    )
    assert (
        _one(scenario([claim("a7.brand_recognition")], beneficiaries=[b]))["granted"] == "500000.00"
    )


def test_exhibition_needs_a_planned_fair() -> None:
    no = _one(scenario([claim("a5.exhibition", cost="10000")]))
    yes = _one(scenario([claim("a5.exhibition", cost="10000", in_plan=True)]))
    assert codes(no) == ["not_in_plan"] and yes["granted"] == "7000.00"


def test_livestream_needs_trade_at_least_the_threshold() -> None:
    r = _one(
        scenario(
            [claim("a6.livestream", cost="100000")],
            beneficiaries=[ben(cbec_trade={"2025": "500000"})],
        )
    )
    assert r["granted"] == "30000.00"
    r = _one(
        scenario(
            [claim("a6.livestream", cost="100000")],
            beneficiaries=[ben(cbec_trade={"2025": "499999"})],
        )
    )
    assert r["status"] == "ineligible"


# --- rule 3: cost × rate, per-claim cap, rounding down ---


def test_cost_share_is_cost_times_rate_rounded_down_to_whole_yuan() -> None:
    r = _one(scenario([claim("a7.brand_promotion", cost="80001.99")]))
    assert r["computed"] == "40000.00" and r["granted"] == "40000.00"  # 40000.995 → 40000
    assert r["reasons"][0]["article"] == "(七)"


def test_per_claim_cap_exactly_reached_and_exceeded() -> None:
    exact = _one(scenario([claim("a6.livestream", cost="333333.34")]))  # 100000.002 → 100000
    above = _one(scenario([claim("a6.livestream", cost="900000")]))
    assert exact["granted"] == "100000.00" and "cap_applied" not in codes(exact)
    assert above["granted"] == "100000.00" and "cap_applied" in codes(above)


# --- rule 4: annual caps ---


def test_annual_cap_counts_history_of_the_year_and_cuts_the_claim() -> None:
    r = _one(
        scenario(
            [claim("a7.ip_certification", cost="40000")],
            history=[
                paid("a7.ip_certification", "35000", year=2025),
                paid("a7.ip_certification", "50000", year=2024),
            ],
        )
    )
    assert r["computed"] == "15000.00" and "annual_cap_applied" in codes(r)


def test_annual_cap_counts_claims_granted_earlier_in_the_run() -> None:
    out = outcome(
        scenario(
            [
                claim("a7.ip_certification", "A", cost="60000", at="2025-06-01T09:00:00+08:00"),
                claim("a7.ip_certification", "B", cost="60000", at="2025-06-01T10:00:00+08:00"),
                claim("a7.ip_certification", "C", cost="2", at="2025-06-01T11:00:00+08:00"),
            ]
        )
    )
    assert out["A"]["granted"] == "30000.00"
    assert out["B"]["granted"] == "20000.00"  # cap exactly reached
    assert out["C"]["status"] == "ineligible" and codes(out["C"])[-1] == "annual_cap_reached"


# --- rule 5: one-offs and top-ups ---


def test_one_off_is_paid_at_most_once_counting_history_of_any_year() -> None:
    r = _one(
        scenario([claim("a1.first_time")], history=[paid("a1.first_time", "50000", year=2024)])
    )
    assert r["status"] == "ineligible" and codes(r) == ["one_off_paid"]


def test_one_off_is_paid_once_within_one_run() -> None:
    out = outcome(
        scenario(
            [
                claim("a1.first_time", "A", matter="m1"),
                claim("a1.first_time", "B", matter="m2", at="2025-06-02T09:00:00+08:00"),
            ]
        )
    )
    assert out["A"]["status"] == "granted"
    assert out["B"]["status"] == "ineligible" and codes(out["B"]) == ["one_off_paid_here"]


def test_brand_recognised_national_after_provincial_is_topped_up() -> None:
    b = ben(recognitions=[{"type": "brand", "level": "national", "year": 2025}])
    r = _one(
        scenario(
            [claim("a7.brand_recognition", matter="brand")],
            beneficiaries=[b],
            history=[paid("a7.brand_recognition", "200000", year=2024, matter="brand")],
        )
    )
    assert r["granted"] == "300000.00" and "topped_up" in codes(r)  # not deducted twice


def test_top_up_to_zero_pays_nothing() -> None:
    b = ben(recognitions=[{"type": "brand", "level": "provincial", "year": 2025}])
    r = _one(
        scenario(
            [claim("a7.brand_recognition")],
            beneficiaries=[b],
            history=[paid("a7.brand_recognition", "200000", year=2024)],
        )
    )
    assert r["status"] == "ineligible" and codes(r)[-1] == "top_up_nothing_left"


# --- rule 6: 就高不重复 ---


def test_same_matter_pays_only_the_highest_claim() -> None:
    out = outcome(
        scenario(
            [
                claim("a7.brand_promotion", "LOW", cost="10000", matter="expo"),
                claim("a5.exhibition", "HIGH", cost="10000", matter="expo", in_plan=True),
            ]
        )
    )
    assert out["HIGH"]["status"] == "granted" and out["HIGH"]["granted"] == "7000.00"
    assert out["LOW"]["status"] == "superseded" and out["LOW"]["computed"] == "5000.00"
    assert "HIGH" in out["LOW"]["reasons"][-1]["message"]


def test_tie_goes_to_the_earlier_submission_then_the_smaller_id() -> None:
    out = outcome(
        scenario(
            [
                claim(
                    "a7.brand_promotion",
                    "B",
                    cost="10000",
                    matter="m",
                    at="2025-06-01T09:00:00+08:00",
                ),
                claim(
                    "a7.ip_certification",
                    "A",
                    cost="10000",
                    matter="m",
                    at="2025-06-01T09:00:00+08:00",
                ),
                claim(
                    "a11.bonded_rent", "0", cost="16667", matter="m", at="2025-06-01T10:00:00+08:00"
                ),
            ]
        )
    )
    assert out["A"]["status"] == "granted"  # same time, smaller id
    assert out["B"]["status"] == "superseded" and out["0"]["status"] == "superseded"


def test_money_already_paid_for_the_matter_is_deducted() -> None:
    r = _one(
        scenario(
            [claim("a7.brand_promotion", cost="80000", matter="INV-1")],
            history=[paid("county.exhibition_support", "15000.50", matter="INV-1")],
        )
    )
    assert r["computed"] == "40000.00" and r["granted"] == "24999.00"  # rounded down
    assert codes(r)[-1] == "matter_deducted"


def test_nothing_left_for_the_matter_is_superseded() -> None:
    r = _one(
        scenario(
            [claim("a7.brand_promotion", cost="80000", matter="INV-1")],
            history=[paid("county.exhibition_support", "40000", matter="INV-1")],
        )
    )
    assert r["status"] == "superseded" and r["granted"] == "0.00"


def test_other_policy_money_does_not_count_for_caps() -> None:
    r = _one(
        scenario(
            [claim("a7.ip_certification", cost="100000")],
            history=[paid("county.ip_support", "50000")],
        )
    )
    assert r["granted"] == "50000.00"


def test_different_beneficiaries_never_share_a_group() -> None:
    out = outcome(
        scenario(
            [
                claim("a7.brand_promotion", "A", cost="1000", matter="m"),
                claim("a7.brand_promotion", "B", ben="E2", cost="1000", matter="m"),
            ],
            beneficiaries=[ben("E1"), ben("E2")],
        )
    )
    assert out["A"]["status"] == out["B"]["status"] == "granted"


# --- rule 7: processing order ---


def test_claims_are_processed_by_submission_time_not_file_order() -> None:
    out = outcome(
        scenario(
            [
                claim("a7.ip_certification", "LATE", cost="100000", at="2025-06-02T09:00:00+08:00"),
                claim(
                    "a7.ip_certification", "EARLY", cost="100000", at="2025-06-02T00:30:00+08:00"
                ),
            ]
        )
    )
    assert out["EARLY"]["granted"] == "50000.00" and out["LATE"]["status"] == "ineligible"
    assert list(out) == ["LATE", "EARLY"]  # output keeps the scenario's order


def test_time_zones_are_compared_as_instants() -> None:
    out = outcome(
        scenario(
            [
                claim(
                    "a7.ip_certification", "A", cost="100000", at="2025-06-01T02:00:00+00:00"
                ),  # 10:00 +08
                claim("a7.ip_certification", "B", cost="100000", at="2025-06-01T09:00:00+08:00"),
            ]
        )
    )
    assert out["B"]["status"] == "granted" and out["A"]["status"] == "ineligible"


def test_a_group_is_decided_when_its_earliest_claim_comes_up() -> None:
    # G1 (09:00 and 12:00) is decided at 09:00, before the unrelated claim of 10:00.
    out = outcome(
        scenario(
            [
                claim(
                    "a7.ip_certification",
                    "G1a",
                    cost="20000",
                    matter="g",
                    at="2025-06-01T09:00:00+08:00",
                ),
                claim(
                    "a7.ip_certification",
                    "X",
                    cost="100000",
                    matter="x",
                    at="2025-06-01T10:00:00+08:00",
                ),
                claim(
                    "a7.ip_certification",
                    "G1b",
                    cost="90000",
                    matter="g",
                    at="2025-06-01T12:00:00+08:00",
                ),
            ]
        )
    )
    assert out["G1b"]["status"] == "granted" and out["G1b"]["granted"] == "45000.00"
    assert out["X"]["granted"] == "5000.00"


# --- rule 8: budget ---


def test_pro_rata_scales_every_grant_and_rounds_down() -> None:
    g = guide(budget={"total": "10000", "mode": "pro_rata"})
    ev = run(
        scenario(
            [
                claim("a7.brand_promotion", "A", cost="10000", matter="a"),
                claim("a7.brand_promotion", "B", cost="10000", matter="b"),
                claim("a7.brand_promotion", "C", cost="10000", matter="c"),
            ],
            guide_obj=g,
        )
    )
    out = ev.as_json()
    assert [c["granted"] for c in out["claims"]] == ["3333.00"] * 3
    assert {c["status"] for c in out["claims"]} == {"partially_granted"}
    assert out["totals"] == {
        "computed": "15000.00",
        "granted": "9999.00",
        "budget": "10000.00",
        "scale": "0.666666",
    }


def test_pro_rata_not_applied_when_the_budget_suffices() -> None:
    g = guide(budget={"total": "5000", "mode": "pro_rata"})
    out = run(scenario([claim("a7.brand_promotion", cost="10000")], guide_obj=g)).as_json()
    assert out["claims"][0]["status"] == "granted" and out["totals"]["scale"] == "1"


def test_first_come_pays_in_order_the_crossing_claim_gets_the_rest() -> None:
    g = guide(budget={"total": "12000", "mode": "first_come"})
    out = outcome(
        scenario(
            [
                claim(
                    "a7.brand_promotion",
                    "A",
                    cost="10000",
                    matter="a",
                    at="2025-06-01T09:00:00+08:00",
                ),
                claim(
                    "a7.brand_promotion",
                    "B",
                    cost="10000",
                    matter="b",
                    at="2025-06-01T10:00:00+08:00",
                ),
                claim(
                    "a7.brand_promotion",
                    "C",
                    cost="10000",
                    matter="c",
                    at="2025-06-01T11:00:00+08:00",
                ),
                claim(
                    "a7.brand_promotion",
                    "D",
                    cost="10000",
                    matter="d",
                    at="2025-06-01T12:00:00+08:00",
                ),
            ],
            guide_obj=g,
        )
    )
    assert [out[k]["status"] for k in "ABCD"] == [
        "granted",
        "granted",
        "partially_granted",
        "unfunded",
    ]
    assert [out[k]["granted"] for k in "ABCD"] == ["5000.00", "5000.00", "2000.00", "0.00"]
    assert codes(out["C"])[-1] == "budget_crossing" and codes(out["D"])[-1] == "budget_exhausted"


def test_first_come_budget_exactly_used_leaves_later_claims_unfunded() -> None:
    g = guide(budget={"total": "5000", "mode": "first_come"})
    out = outcome(
        scenario(
            [
                claim(
                    "a7.brand_promotion",
                    "A",
                    cost="10000",
                    matter="a",
                    at="2025-06-01T09:00:00+08:00",
                ),
                claim(
                    "a7.brand_promotion",
                    "B",
                    cost="10000",
                    matter="b",
                    at="2025-06-01T10:00:00+08:00",
                ),
            ],
            guide_obj=g,
        )
    )
    assert out["A"]["status"] == "granted" and out["B"]["status"] == "unfunded"


# --- discretionary measures and output ---


def test_discretionary_measure_pays_the_reviewer_amount_within_the_guide_cap() -> None:
    out = outcome(
        scenario([claim("a12.standard", "A", amount="250000.50"), claim("a12.standard", "B")])
    )
    assert out["A"]["granted"] == "200000.00" and codes(out["A"]) == ["amount_set", "cap_applied"]
    assert out["B"]["status"] == "ineligible" and codes(out["B"]) == ["amount_not_set"]


def test_output_names_engine_version_and_guide_hash_for_replay() -> None:
    out = run(scenario([claim("a7.brand_promotion", "C1", cost="1000")])).as_json()
    again = run(scenario([claim("a7.brand_promotion", "C1", cost="1000")])).as_json()
    assert (
        out["engine"] and out["guide_hash"].startswith("sha256:") and len(out["guide_hash"]) == 71
    )
    assert out == again


def test_english_messages_cite_the_article() -> None:
    ev = run(scenario([claim("a7.brand_promotion", cost="1000")]))
    assert (
        ev.results[0].reasons[0].message("en")
        == "cost 1,000.00 yuan × 50% = 500.00 yuan (article (7))"
    )
    assert "第（七）条" in ev.results[0].reasons[0].message("zh")


# --- reasons kept as decisions (rule 6 winner, rule 8 budget) -----------------------------


def test_rule_6_and_8_reasons_carry_their_values() -> None:
    """The records written out from a decision (superseded, pro rata, first come) have the
    same values as if they had been appended when the decision was taken."""
    pro_rata = run(
        scenario(
            [
                claim("a7.brand_promotion", "LOW", cost="10000", matter="expo"),
                claim("a5.exhibition", "HIGH", cost="10000", matter="expo", in_plan=True),
                claim("a7.ip_certification", "IP", cost="3000.50", matter="tm"),
            ],
            guide_obj=guide(budget={"total": "4000", "mode": "pro_rata"}),
        )
    )
    by_id = {r.claim.id: r for r in pro_rata.results}
    low, high, ip = by_id["LOW"], by_id["HIGH"], by_id["IP"]
    assert low.reasons[-1] == Reason(
        "superseded",
        "末段",
        {"matter": "expo", "winner": "HIGH", "winner_measure": "a5.exhibition"},
    )
    assert low.superseded_by == "HIGH" and low.status == "superseded"
    total = Decimal("7000.00") + Decimal("1500.00")
    for result in (high, ip):
        assert result.status == "partially_granted"
        assert result.reasons[-1] == Reason(
            "budget_pro_rata",
            "末段",
            {
                "total": total,
                "budget": Decimal("4000.00"),
                "scale": Decimal("0.470588"),
                "amount": result.granted,
            },
        )
    first_come = run(
        scenario(
            [
                claim("a7.brand_promotion", "A", cost="6000", matter="a"),
                claim("a7.brand_promotion", "B", cost="6000", matter="b"),
                claim("a7.brand_promotion", "C", cost="6000", matter="c"),
            ],
            guide_obj=guide(budget={"total": "5000", "mode": "first_come"}),
        )
    )
    a, b, c = first_come.results
    assert a.reasons[-1].code == "rate_applied"
    assert b.reasons[-1] == Reason(
        "budget_crossing", "末段", {"budget": Decimal("5000.00"), "amount": Decimal("2000.00")}
    )
    assert c.reasons[-1] == Reason("budget_exhausted", "末段", {"budget": Decimal("5000.00")})
