"""Table-driven cases: each ``cases/*.yaml`` holds a scenario and the expected output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from entitlement.tests.helpers import run

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = run(case["scenario"]).as_json()
    got = [
        {
            "id": c["id"],
            "status": c["status"],
            "computed": c["computed"],
            "granted": c["granted"],
            "codes": [r["code"] for r in c["reasons"]],
        }
        for c in out["claims"]
    ]
    assert got == case["expected"]["claims"], case["name"]
    assert out["totals"] == case["expected"]["totals"], case["name"]


def test_there_are_cases() -> None:
    assert len(CASES) >= 3
