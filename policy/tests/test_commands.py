"""``ddt policy …`` commands: delegation to the engine, exit codes, empty stdout on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
DDT = Path(sys.executable).with_name("ddt")

SCENARIO = {
    "year": 2025,
    "guide": "2025",
    "beneficiaries": [
        {
            "id": "E1",
            "kind": "enterprise",
            "county": "320722",
            "facts": {
                "first_cbec_year": 2025,
                "cbec_trade": {"2025": "1200000.00"},
                "recognitions": [{"type": "brand_pool", "year": 2025}],  # a brand enterprise
            },
        }
    ],
    "history": [],
    "claims": [
        {
            "id": "C1",
            "beneficiary": "E1",
            "measure": "a7.brand_promotion",
            "matter": "INV-1",
            "cost": "80000.00",
            "date": "2025-05-10",
            "submitted_at": "2025-06-01T09:00:00+08:00",
        }
    ],
}


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    bad = json.loads(json.dumps(SCENARIO))
    bad["claims"] = [dict(bad["claims"][0], id=f"C{i}") for i in range(4)]
    bad["claims"][3]["cost"] = "12,000"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    return path


def test_evaluate_via_call_command(scenario_file: Path) -> None:
    out = StringIO()
    call_command("policy_evaluate", str(scenario_file), stdout=out)
    result = json.loads(out.getvalue())
    assert result["claims"][0]["granted"] == "40000.00"
    assert result["guide_hash"].startswith("sha256:")


def test_invalid_input_raises_command_error_with_status_2(bad_file: Path) -> None:
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("policy_evaluate", str(bad_file), stdout=out)
    assert exc.value.returncode == 2
    assert 'claims[3].cost: "12,000" is not an amount' in str(exc.value)
    assert out.getvalue() == ""


def test_measures_and_check_guide_via_call_command() -> None:
    out = StringIO()
    call_command("policy_measures", format="json", stdout=out)
    assert len(json.loads(out.getvalue())) == 19  # (四) the industry-belt subsidy included
    out = StringIO()
    call_command("policy_check_guide", str(ROOT / "guides" / "2026.yaml"), stdout=out)
    assert "2026" in out.getvalue()


def _ddt(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [str(DDT), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


def test_ddt_policy_evaluate_text_report(scenario_file: Path) -> None:
    proc = _ddt("policy", "evaluate", str(scenario_file), "--format", "text")
    assert proc.returncode == 0, proc.stderr
    assert "政策资金测算报告" in proc.stdout and "40,000.00" in proc.stdout


def test_ddt_policy_evaluate_invalid_exits_2_and_prints_nothing(bad_file: Path) -> None:
    proc = _ddt("policy", "evaluate", str(bad_file))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert 'claims[3].cost: "12,000" is not an amount' in proc.stderr


def test_ddt_policy_check_guide_with_hyphen(tmp_path: Path) -> None:
    ok = _ddt("policy", "check-guide", str(ROOT / "guides" / "2027.yaml"))
    assert ok.returncode == 0 and "sha256:" in ok.stdout
    bad = tmp_path / "g.yaml"
    text = (ROOT / "guides" / "2027.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace('amount: "1000000"}', 'amount: "1200000"}'), encoding="utf-8")
    proc = _ddt("policy", "check-guide", str(bad))
    assert proc.returncode == 2 and proc.stdout == ""
    assert (
        "measures.a2.regional_center.amount: 1200000 exceeds the policy ceiling 1000000"
        in proc.stderr
    )


def test_ddt_policy_compare_json(scenario_file: Path) -> None:
    proc = _ddt("policy", "compare", str(scenario_file), "--guide", "2026")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["by_measure"][0]["measure"] == "a7.brand_promotion"
    assert result["other"]["guide_year"] == 2026


def test_help_is_bilingual() -> None:
    proc = _ddt("policy", "evaluate", "--help")
    assert proc.returncode == 0
    assert "测算" in proc.stdout and "Evaluate" in proc.stdout


def test_ddt_policy_help_works_without_django() -> None:
    import subprocess
    import sys
    from pathlib import Path

    ddt = Path(sys.executable).with_name("ddt")
    done = subprocess.run(
        [str(ddt), "policy", "--help"], capture_output=True, text=True, check=False, env={}
    )
    assert done.returncode == 0, done.stderr
    assert "evaluate" in done.stdout and "replay" in done.stdout
