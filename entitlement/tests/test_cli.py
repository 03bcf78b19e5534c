"""The engine's own command line (no Django): exit codes and empty stdout on invalid input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from entitlement.cli import main
from entitlement.tests.helpers import claim, scenario


def _write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_evaluate_prints_json_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _write(tmp_path, scenario([claim("a7.brand_promotion", "C1", cost="80000")]))
    assert main(["evaluate", name]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["claims"][0]["granted"] == "40000.00" and out["totals"]["scale"] == "1"


def test_invalid_input_exits_2_with_nothing_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _write(tmp_path, scenario([claim("a7.brand_promotion", cost="12,000")]))
    assert main(["evaluate", name, "--format", "text"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert 'claims[0].cost: "12,000" is not an amount' in captured.err


def test_bad_json_and_missing_file_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    assert main(["evaluate", str(path)]) == 2
    assert main(["evaluate", str(tmp_path / "missing.json")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "not valid JSON at line 1" in captured.err


def test_check_guide_valid_and_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-guide", str(Path(__file__).parents[2] / "guides" / "2025.yaml")]) == 0
    assert "sha256:" in capsys.readouterr().out
    bad = tmp_path / "g.yaml"
    text = (Path(__file__).parents[2] / "guides" / "2025.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace('rate: "0.02"', 'rate: "0.05"'), encoding="utf-8")
    assert main(["check-guide", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "measures.a11.capacity_voucher.rate: 0.05 exceeds the policy ceiling 0.02" in captured.err
    )


def test_measures_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measures", "--format", "json"]) == 0
    ids = [m["id"] for m in json.loads(capsys.readouterr().out)]
    assert "a7.brand_promotion" in ids and "a18.event" in ids


def test_compare_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = _write(tmp_path, scenario([claim("a7.brand_promotion", "C1", cost="80000")]))
    assert main(["compare", name, "--guide", "2025", "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "按措施" in out and "按县区" in out and "40,000.00" in out
