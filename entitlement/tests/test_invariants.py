"""Hypothesis invariants over random scenarios."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from entitlement.engine import Status
from entitlement.matter import matter_key
from entitlement.measures import catalogue
from entitlement.tests.helpers import ben, guide, run, scenario

MEASURES = [
    "a1.first_time",
    "a1.independent_site",
    "a3.benchmark",
    "a5.exhibition",
    "a6.livestream",
    "a7.ip_certification",
    "a7.brand_recognition",
    "a7.brand_promotion",
    "a11.bonded_rent",
    "a11.capacity_voucher",
    "a12.standard",
]
BENS = ["E1", "E2", "E3"]
amounts = st.integers(0, 400_000).map(lambda n: f"{n // 100}.{n % 100:02d}") | st.integers(
    0, 2_000_000
).map(str)


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    bens = [
        ben(
            b,
            first_cbec_year=draw(st.sampled_from([2024, 2025])),
            cbec_trade={"2025": draw(amounts)},
            independent_site_export={"2025": draw(st.sampled_from(["0", "5000000", "12000000"]))},
            recognitions=draw(
                st.lists(
                    st.sampled_from(
                        [
                            {"type": "benchmark", "year": 2025},
                            {"type": "benchmark", "year": 2024},
                            {"type": "brand", "level": "provincial", "year": 2025},
                            {"type": "brand", "level": "national", "year": 2025},
                        ]
                    ),
                    max_size=3,
                )
            ),
        )
        for b in BENS
    ]
    history = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "beneficiary": st.sampled_from(BENS),
                    "measure": st.sampled_from([*MEASURES, "county.other"]),
                    "year": st.sampled_from([2024, 2025]),
                    "amount": amounts,
                    "matter": st.sampled_from(["m1", "m2", "m3"]),
                }
            ),
            max_size=6,
        )
    )
    claims = []
    for i in range(draw(st.integers(0, 25))):
        c: dict[str, Any] = {
            "id": f"C{i:02d}",
            "beneficiary": draw(st.sampled_from(BENS)),
            "measure": draw(st.sampled_from(MEASURES)),
            "matter": draw(st.sampled_from(["m1", "m2", "m3", "m4"])),
            "cost": draw(amounts),
            "date": "2025-05-10",
            "submitted_at": f"2025-06-01T{draw(st.integers(8, 12)):02d}:00:00+08:00",
            "attributes": {"in_plan": draw(st.booleans()), "amount": draw(amounts)},
        }
        claims.append(c)
    budget = draw(st.sampled_from(["0", "1", "99999", "500000", "100000000"]))
    g = guide(budget={"total": budget, "mode": draw(st.sampled_from(["pro_rata", "first_come"]))})
    return scenario(claims, beneficiaries=bens, history=history, guide_obj=g)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_invariants_hold_for_any_scenario(raw: dict[str, Any]) -> None:
    ev = run(raw)
    cat = catalogue()
    results = ev.results
    granted_total = sum((r.granted for r in results), Decimal(0))
    # the granted total never exceeds the budget
    assert granted_total <= ev.guide.budget_total
    assert ev.totals.granted == granted_total
    for r in results:
        # granted ≤ computed; every amount a whole yuan; statuses agree with amounts
        assert Decimal(0) <= r.granted <= r.computed
        assert (
            r.granted == r.granted.to_integral_value()
            and r.computed == r.computed.to_integral_value()
        )
        if r.status in {Status.SUPERSEDED, Status.INELIGIBLE, Status.UNFUNDED}:
            assert r.granted == 0
        if r.status is Status.GRANTED:
            assert r.granted > 0
        assert r.reasons, r
    # no claim outside its guide's assessment period (or the policy window) is ever paid
    g = ev.guide
    for r in results:
        if r.granted > 0 or r.computed > 0:
            assert g.period_from <= r.claim.date <= g.period_to, r
    # annual caps hold per calendar year of the claim's date (history of that year + grants)
    per_year: defaultdict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    paid_before: defaultdict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for h in raw["history"]:
        key = (h["beneficiary"], h["measure"], h["year"])
        per_year[key] += Decimal(h["amount"])
        paid_before[key] += Decimal(h["amount"])
    for r in results:
        per_year[r.claim.beneficiary, r.claim.measure, r.claim.date.year] += r.granted
    for (b, mid, year), total in per_year.items():
        terms = ev.guide.measures.get(mid)
        if terms is not None and terms.annual_cap is not None:
            assert total <= max(terms.annual_cap, paid_before[b, mid, year]), (b, mid, year)
    # one-offs paid at most once, history included
    for b in BENS:
        for mid, m in cat.measures.items():
            if m.one_off:
                before = any(
                    h["beneficiary"] == b and h["measure"] == mid and Decimal(h["amount"]) > 0
                    for h in raw["history"]
                )
                now = sum(
                    1
                    for r in results
                    if r.claim.beneficiary == b and r.claim.measure == mid and r.granted > 0
                )
                assert now <= (0 if before else 1)
    # at most one paid claim per 就高不重复 group
    paid_groups: defaultdict[tuple[str, str | None], int] = defaultdict(int)
    for r in results:
        if r.granted > 0:
            label = r.claim.matter
            group = (matter_key(label) if label is not None else "") or "\x00" + r.claim.id
            paid_groups[r.claim.beneficiary, group] += 1
    assert all(n == 1 for n in paid_groups.values())
