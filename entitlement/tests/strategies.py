"""Hypothesis strategies: random, valid scenarios that reach every rule and edge.

Every measure of the catalogue (discretionary ones too), measures closed in the guide,
beneficiaries of every kind, disqualified ones, recognitions of several years, history of
other policies, claims without a matter, dates around the policy window and other years,
time stamps in several time zones, amounts with and without decimals, caps and awards with fen,
budgets that bind or not, both budget modes.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from entitlement.measures import catalogue
from entitlement.tests.helpers import GUIDE

MEASURES = list(catalogue().measures)
# Claims favour measures that reach the later rules (top-ups, one-offs, benchmarks, caps).
CLAIMED = [
    *MEASURES,
    "a7.brand_recognition",
    "a7.brand_recognition",
    "a3.benchmark",
    "a1.first_time",
    "a7.ip_certification",
    "a7.brand_promotion",
    "a11.capacity_voucher",
]
DISCRETIONARY = [m.id for m in catalogue().measures.values() if m.discretionary]
BENS = ["E1", "E2", "E3"]
# variants of one number (case, spaces, dashes, full-width) are one matter; "--" names none
MATTERS = ["m1", "M-1", "ｍ１", "m2", "m 2", "m3", "--"]
KINDS = ["enterprise"] * 6 + ["park_operator", "warehouse_operator", "association"]
RECOGNITIONS = [
    *[{"type": "benchmark", "year": 2025}] * 3,
    *[{"type": "benchmark", "year": 2024}] * 3,
    {"type": "brand", "level": "provincial", "year": 2025},
    {"type": "brand", "level": "national", "year": 2025},
    {"type": "brand", "level": "national", "year": 2024},
    {"type": "park", "level": "provincial", "year": 2025},
    {"type": "park", "level": "national", "year": 2025},
    {"type": "public_warehouse", "year": 2025},
    {"type": "regional_center", "year": 2025},
    {"type": "regional_center", "year": 2026},
    {"type": "park", "level": "provincial", "year": 2024},
    {"type": "park", "level": "national", "year": 2026, "date": "2026-03-01"},
    {"type": "brand_pool", "year": 2025},
    {"type": "brand_pool", "year": 2025, "date": "2025-06-15"},
    {"type": "brand_pool", "year": 2026},
    {"type": "benchmark", "year": 2025, "date": "2025-08-01"},
]
DATES = ["2025-05-10"] * 8 + [
    "2025-01-01",
    "2025-12-31",
    "2024-11-19",
    "2024-11-20",
    "2026-01-02",
    "2025-06-30",
    "2025-07-01",
    "2026-06-30",
    "2026-07-01",
]
# Assessment periods (考核期): none (the calendar year), spanning two years, part of a year.
PERIODS = [
    None,
    None,
    {"from": "2025-07-01", "to": "2026-06-30"},
    {"from": "2024-11-20", "to": "2025-06-30"},
    {"from": "2025-03-01", "to": "2025-09-30"},
]
ZONES = ["+08:00", "+08:00", "Z", "-05:00", "+09:30"]

# Amounts: small and large, with 0, 1 or 2 decimals, and round thresholds.
amounts = st.one_of(
    st.integers(0, 40_000_000).map(lambda n: f"{n // 100}.{n % 100:02d}"),
    st.integers(0, 2_000_000).map(str),
    st.integers(0, 99_999).map(lambda n: f"{n // 10}.{n % 10}"),
    st.sampled_from(["0", "1", "500000", "1000000", "5000000", "10000000", "20000000"]),
)
# Trade and export: often exactly at a threshold of the guides above (thresholds are inclusive).
THRESHOLDS = ["500000", "1000000", "1000000.01", "5000000", "10000000", "10000000.50"]
facts_amounts = st.one_of(amounts, st.sampled_from(THRESHOLDS))

# Award terms with fen (within the ceilings, tiers ascending), some thresholds with fen too.
FEN_AWARDS: dict[str, dict[str, Any]] = {
    "a1.first_time": {"amount": "49999.50", "min_cbec_trade": "1000000.01"},
    "a1.independent_site": {
        "tiers": [
            {"min_export": "5000000", "amount": "100000.99"},
            {"min_export": "10000000.50", "amount": "200000.01"},
        ]
    },
    "a3.benchmark": {"amount": "99999.99"},
    "a7.brand_recognition": {"amounts": {"provincial": "200000.50", "national": "499999.99"}},
    "a8.park_recognition": {"amounts": {"provincial": "500000.01", "national": "1000000"}},
}


@st.composite
def guides(draw: Any) -> dict[str, Any]:
    g = copy.deepcopy(GUIDE)
    measures = g["measures"]
    for mid in list(measures):
        if draw(st.integers(0, 9)) == 0:
            del measures[mid]  # not open this year
    if draw(st.booleans()):
        measures["a5.exhibition"] = {"rate": "0.70", "cap": "200000.50", "annual_cap": "250000"}
    for mid, fen_terms in FEN_AWARDS.items():  # awards with fen: rule 3 rounds them down
        if mid in measures and draw(st.booleans()):
            measures[mid] = copy.deepcopy(fen_terms)
    for mid in draw(st.lists(st.sampled_from(DISCRETIONARY), max_size=3, unique=True)):
        terms: dict[str, str] = {}
        for key in ("amount", "cap", "annual_cap"):
            if draw(st.booleans()):
                terms[key] = draw(amounts)
        measures[mid] = terms
    period = draw(st.sampled_from(PERIODS))
    if period is not None:
        g["period"] = period
    if draw(st.integers(0, 3)) == 0:
        g["brand_top_up"] = draw(st.booleans())
    budget = draw(st.sampled_from(["0", "1", "99999.99", "500000", "3000000.50", "100000000"]))
    g["budget"] = {"total": budget, "mode": draw(st.sampled_from(["pro_rata", "first_come"]))}
    return g


@st.composite
def beneficiaries(draw: Any, bid: str) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "first_cbec_year": draw(st.sampled_from([2024, 2025, None])),
        "recognitions": draw(st.lists(st.sampled_from(RECOGNITIONS), max_size=4)),
        "disqualified": draw(st.integers(0, 19)) == 0,
    }
    if facts["first_cbec_year"] is None:
        del facts["first_cbec_year"]
    if draw(st.integers(0, 4)):
        facts["cbec_trade"] = {
            "2025": draw(facts_amounts),
            "2024": draw(amounts),
            "2026": draw(facts_amounts),
        }
    if draw(st.integers(0, 4)):
        facts["independent_site_export"] = {
            "2025": draw(facts_amounts),
            "2026": draw(facts_amounts),
        }
    return {
        "id": bid,
        "kind": draw(st.sampled_from(KINDS)),
        "county": draw(st.sampled_from(["320722", "320703", ""])),
        "facts": facts,
    }


@st.composite
def histories(draw: Any) -> dict[str, Any]:
    h: dict[str, Any] = {
        "beneficiary": draw(st.sampled_from(BENS)),
        "measure": draw(st.sampled_from([*CLAIMED, "county.other"])),
        "year": draw(st.sampled_from([2024, 2025, 2026])),
        "amount": draw(amounts),
    }
    if draw(st.integers(0, 3)):
        h["matter"] = draw(st.sampled_from(MATTERS))
    return h


@st.composite
def claims(draw: Any, i: int) -> dict[str, Any]:
    hour, minute = draw(st.integers(0, 23)), draw(st.sampled_from([0, 0, 30]))
    c: dict[str, Any] = {
        "id": f"C{draw(st.integers(0, 99)):02d}-{i}",
        "beneficiary": draw(st.sampled_from(BENS)),
        "measure": draw(st.sampled_from(CLAIMED)),
        "date": draw(st.sampled_from(DATES)),
        "submitted_at": f"2025-06-01T{hour:02d}:{minute:02d}:00{draw(st.sampled_from(ZONES))}",
    }
    if draw(st.integers(0, 4)):
        c["matter"] = draw(st.sampled_from(MATTERS))
    if catalogue().measures[c["measure"]].kind == "cost_share" or draw(st.booleans()):
        c["cost"] = draw(amounts)
    attributes: dict[str, Any] = {}
    if draw(st.booleans()):
        attributes["in_plan"] = draw(st.booleans())
    if draw(st.booleans()):
        attributes["amount"] = draw(amounts)
    if attributes or draw(st.booleans()):
        c["attributes"] = attributes
    return c


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    """A valid scenario for 2025 with up to 30 claims over three beneficiaries."""
    n = draw(st.integers(0, 30))
    return {
        "year": 2025,
        "guide": draw(guides()),
        "beneficiaries": [draw(beneficiaries(b)) for b in BENS],
        "history": draw(st.lists(histories(), max_size=8)),
        "claims": [draw(claims(i)) for i in range(n)],
    }
