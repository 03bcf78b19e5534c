"""Builders for test scenarios: a valid scenario with sensible defaults, overridable."""

from __future__ import annotations

import copy
from typing import Any

from entitlement.engine import Evaluation, evaluate
from entitlement.scenario import parse_scenario

GUIDE: dict[str, Any] = {
    "year": 2025,
    "title": "测试指南",
    "budget": {"total": "100000000", "mode": "pro_rata"},
    "window": {"opens": "2025-05-06", "closes": "2025-06-06"},
    "public_notice_working_days": 7,
    "measures": {
        "a1.first_time": {"amount": "50000", "min_cbec_trade": "1000000"},
        "a1.independent_site": {
            "tiers": [
                {"min_export": "5000000", "amount": "100000"},
                {"min_export": "10000000", "amount": "200000"},
            ]
        },
        "a2.regional_center": {"amount": "1000000"},
        "a3.benchmark": {"amount": "100000"},
        "a5.exhibition": {"rate": "0.70", "cap": "200000"},
        "a6.livestream": {"rate": "0.30", "cap": "100000", "min_cbec_trade": "500000"},
        "a7.ip_certification": {"rate": "0.50", "annual_cap": "50000"},
        "a7.brand_recognition": {"amounts": {"provincial": "200000", "national": "500000"}},
        "a7.brand_promotion": {"rate": "0.50", "annual_cap": "300000"},
        "a8.park_recognition": {"amounts": {"provincial": "500000", "national": "1000000"}},
        "a10.public_warehouse": {"amount": "300000"},
        "a11.bonded_rent": {"rate": "0.30", "annual_cap": "300000"},
        "a11.capacity_voucher": {"rate": "0.02", "annual_cap": "100000"},
        "a12.standard": {"cap": "200000"},
    },
}


def guide(**changes: Any) -> dict[str, Any]:
    g = copy.deepcopy(GUIDE)
    g.update(changes)
    return g


def ben(
    bid: str = "E1", kind: str = "enterprise", county: str = "320722", **facts: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "first_cbec_year": 2025,
        "cbec_trade": {"2025": "1200000.00"},
        # a brand enterprise (in the 重点品牌企业培育库): brand promotion (七) may pay it
        "recognitions": [{"type": "brand_pool", "year": 2024}],
    }
    base.update(facts)
    return {"id": bid, "kind": kind, "county": county, "facts": base}


_counter = {"n": 0}


def claim(
    measure: str,
    cid: str | None = None,
    *,
    ben: str = "E1",
    cost: str | None = None,
    matter: str | None = None,
    date: str = "2025-05-10",
    at: str = "2025-06-01T09:00:00+08:00",
    **attributes: Any,
) -> dict[str, Any]:
    _counter["n"] += 1
    c: dict[str, Any] = {
        "id": cid or f"C{_counter['n']}",
        "beneficiary": ben,
        "measure": measure,
        "date": date,
        "submitted_at": at,
    }
    if cost is not None:
        c["cost"] = cost
    if matter is not None:
        c["matter"] = matter
    if attributes:
        c["attributes"] = attributes
    return c


def paid(
    measure: str, amount: str, *, ben: str = "E1", year: int = 2025, matter: str | None = None
) -> dict[str, Any]:
    h: dict[str, Any] = {"beneficiary": ben, "measure": measure, "year": year, "amount": amount}
    if matter is not None:
        h["matter"] = matter
    return h


def scenario(
    claims: list[dict[str, Any]],
    *,
    beneficiaries: list[dict[str, Any]] | None = None,
    history: list[dict[str, Any]] | None = None,
    guide_obj: Any = None,
    year: int = 2025,
) -> dict[str, Any]:
    return {
        "year": year,
        "guide": guide_obj if guide_obj is not None else guide(),
        "beneficiaries": beneficiaries if beneficiaries is not None else [ben()],
        "history": history or [],
        "claims": claims,
    }


def run(raw: dict[str, Any]) -> Evaluation:
    return evaluate(parse_scenario(raw))


def outcome(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The JSON output's claims by id."""
    return {c["id"]: c for c in run(raw).as_json()["claims"]}


def codes(result: dict[str, Any]) -> list[str]:
    return [r["code"] for r in result["reasons"]]
