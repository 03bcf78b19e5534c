"""``ddt policy replay RUN_ID``: exact match (exit 0) and a mismatch (exit 1 with a diff)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from funds.models import ProposalRun, RunStatus
from funds.services.proposals import replay

pytestmark = pytest.mark.django_db

SCENARIO = {
    "year": 2025,
    "guide": "2025",
    "beneficiaries": [
        {
            "id": "E1",
            "kind": "enterprise",
            "county": "320722",
            "facts": {"recognitions": [{"type": "brand_pool", "year": 2025}]},
        }
    ],
    "history": [],
    "claims": [
        {
            "id": "A1",
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
def run(counties: Any) -> ProposalRun:
    from applications.models import Round
    from entitlement.engine import evaluate
    from entitlement.scenario import parse_scenario

    rnd = Round.objects.create(
        year=2025,
        name="2025",
        guide_year="2025",
        guide_hash="x",
        opens_on="2025-05-01",
        closes_on="2025-06-30",
        budget_total="1000000",
    )
    result = evaluate(parse_scenario(SCENARIO)).as_json("zh")
    return ProposalRun.objects.create(
        round=rnd,
        status=RunStatus.DONE,
        scenario=SCENARIO,
        result=result,
        engine_version=result["engine"],
        guide_hash=result["guide_hash"],
        inputs_hash="sha256:test",
    )


def test_replay_matches(run: ProposalRun) -> None:
    out = StringIO()
    call_command("policy_replay", str(run.pk), stdout=out)
    assert "结果一致 / result matches exactly" in out.getvalue()
    assert replay(run) == (True, [])


def test_replay_reports_a_mismatch_with_exit_1(run: ProposalRun) -> None:
    tampered = json.loads(json.dumps(run.result))
    tampered["claims"][0]["granted"] = "50000.00"
    tampered["totals"]["granted"] = "50000.00"
    run.result = tampered
    run.save(update_fields=["result"])
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("policy_replay", str(run.pk), stdout=out)
    assert exc.value.code == 1
    text = out.getvalue()
    assert "does NOT match" in text
    assert "A1.granted: 50000.00 → 40000.00" in text
    assert "totals.granted: 50000.00 → 40000.00" in text


def test_replay_unknown_run_exits_2(db: Any) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("policy_replay", "999")
    assert exc.value.returncode == 2


def test_replay_from_the_ddt_words(run: ProposalRun) -> None:
    from diandiantong.cli import normalise_argv

    assert normalise_argv(["ddt", "policy", "replay", "7"]) == ["ddt", "policy_replay", "7"]
