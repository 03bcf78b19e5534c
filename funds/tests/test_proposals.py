"""Proposal runs: decision record, explanation, budget scaling, accept, history in the next run."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import ApplicationStatus
from enterprises.models import Recognition
from funds import services
from funds.inputs import inputs_hash
from funds.models import ProposalRun, RunStatus

pytestmark = pytest.mark.django_db


def run_now(world: Any, round_: Any, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.proposal_run_start(actor=world.reviewer, round=round_)
    run.refresh_from_db()
    return run


def test_run_stores_a_decision_record(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = to_city_review(cost="80000.00", matter="INV-1")
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.engine_version == "1.0.0"
    assert run.guide_hash.startswith("sha256:") and run.guide_hash == run.result["guide_hash"]
    assert run.inputs_hash == inputs_hash(run.scenario)
    claim = run.result["claims"][0]
    assert claim["id"] == f"A{app.pk}" and claim["granted"] == "40000.00"
    # the round's budget is embedded in the stored guide
    assert run.scenario["guide"]["budget"]["total"] == f"{round_.budget_total:.2f}"


def test_trade_unknown_is_said_in_the_notes(
    world: Any,
    round_: Any,
    to_city_review: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    import funds.inputs

    monkeypatch.setattr(funds.inputs, "trade_fact", lambda e, y: None)
    to_city_review()
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    assert any(n["code"] == "trade_unknown" for n in run.notes)


def test_accept_proposes_with_explanation(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = to_city_review(cost="80000.00", matter="INV-1")
    loser = to_city_review(measure="a3.benchmark", cost=None)  # no benchmark recognition
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    services.proposal_run_accept(actor=world.reviewer, run=run)
    app.refresh_from_db()
    loser.refresh_from_db()
    assert app.status == ApplicationStatus.PROPOSED
    assert app.amount_proposed == Decimal("40000.00")
    codes = [e["code"] for e in app.explanation]
    assert "rate_applied" in codes and "decision_record" in codes
    assert any("（七）" in e["article"] or "(七)" in e["article"] for e in app.explanation)
    assert loser.status == ApplicationStatus.CITY_REVIEW and loser.amount_proposed is None
    assert any(e["code"] == "no_recognition" for e in loser.explanation)
    run.refresh_from_db()
    assert run.status == RunStatus.ACCEPTED


def test_pro_rata_budget_scaling_is_explained(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    round_.budget_total = Decimal("50000.00")
    round_.save(update_fields=["budget_total"])  # test setup: a small budget
    a = to_city_review(cost="80000.00", matter="INV-A")  # 40,000 due
    b = to_city_review(enterprise=world.b, cost="120000.00", matter="INV-B")  # 60,000 due
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    assert run.result["totals"]["scale"] == "0.500000"
    services.proposal_run_accept(actor=world.reviewer, run=run)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.amount_proposed, b.amount_proposed) == (Decimal("20000.00"), Decimal("30000.00"))
    for app in (a, b):
        codes = {e["code"] for e in app.explanation}
        assert {"budget_pro_rata", "budget_scale"} <= codes


def test_other_public_money_is_deducted_for_the_matter(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    to_city_review(cost="80000.00", matter="INV-9", other="15000.00")
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    claim = run.result["claims"][0]
    assert claim["granted"] == "25000.00"
    assert any(r["code"] == "matter_deducted" for r in claim["reasons"])


def test_accept_refused_when_inputs_changed(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = to_city_review()
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    Recognition.objects.create(enterprise=world.a, type="benchmark", year=2026)
    with pytest.raises(ValidationError):
        services.proposal_run_accept(actor=world.reviewer, run=run)
    app.refresh_from_db()
    run.refresh_from_db()
    assert app.status == ApplicationStatus.CITY_REVIEW and run.status == RunStatus.DONE


@pytest.mark.parametrize("who", ["user_a", "donghai_officer", "finance", "admin"])
def test_only_the_city_reviewer_runs_and_accepts(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any, who: str
) -> None:
    app = to_city_review()
    with pytest.raises(PermissionDenied):
        services.proposal_run_start(actor=getattr(world, who), round=round_)
    assert not ProposalRun.objects.exists()
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.proposal_run_accept(actor=getattr(world, who), run=run)
    app.refresh_from_db()
    run.refresh_from_db()
    assert app.status == ApplicationStatus.CITY_REVIEW and run.status == RunStatus.DONE


def test_run_refused_without_claims(world: Any, round_: Any) -> None:
    with pytest.raises(ValidationError):
        services.proposal_run_start(actor=world.reviewer, round=round_)
    assert not ProposalRun.objects.exists()


def test_failed_run_records_the_error(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    to_city_review()
    round_.guide_year = "1999"  # no such guide file
    round_.save(update_fields=["guide_year"])
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED and run.error


def test_disbursed_one_off_is_history_in_the_next_run(
    world: Any,
    round_: Any,
    to_city_review: Any,
    django_capture_on_commit_callbacks: Any,
    holidays: None,
) -> None:
    Recognition.objects.create(enterprise=world.a, type="benchmark", year=2026)
    first = to_city_review(measure="a3.benchmark", cost=None)
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    assert run.result["claims"][0]["granted"] == "100000.00"
    services.proposal_run_accept(actor=world.reviewer, run=run)
    today = dt.date(2026, 11, 26)
    notice = services.notice_publish(actor=world.reviewer, round=round_, title="公示", today=today)
    services.notice_approve(
        actor=world.reviewer, notice=notice, today=notice.ends_on + dt.timedelta(days=1)
    )
    first.refresh_from_db()
    services.disbursement_record(
        actor=world.finance,
        application=first,
        paid_on=dt.date(2026, 11, 20),
        bank_reference="BOC-0001",
    )
    # the same one-off applied for again
    second = to_city_review(measure="a3.benchmark", cost=None)
    run2 = run_now(world, round_, django_capture_on_commit_callbacks)
    assert [h["measure"] for h in run2.scenario["history"]] == ["a3.benchmark"]
    claim = run2.result["claims"][0]
    assert claim["id"] == f"A{second.pk}" and claim["granted"] == "0.00"
    assert any(r["code"] == "one_off_paid" for r in claim["reasons"])


def test_explanation_is_stored_in_both_languages_and_shown_in_the_readers(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    app = to_city_review(cost="80000.00", matter="INV-1")
    run = run_now(world, round_, django_capture_on_commit_callbacks)
    services.proposal_run_accept(actor=world.reviewer, run=run)
    app.refresh_from_db()
    lines = {e["code"]: e for e in app.explanation}
    assert lines["outcome"]["message_en"] == (
        "Supported: computed amount CNY 40,000.00, proposed amount CNY 40,000.00"
    )
    assert "article" in lines["rate_applied"]["message_en"]
    assert "测算金额" in lines["outcome"]["message"]  # the Chinese record is kept as it was
    client = Client()
    client.force_login(world.user_a)
    url = reverse("applications:detail", args=[app.pk])
    chinese = client.get(url).content.decode()
    assert "拟支持金额 40000.00 元" in chinese and "computed amount" not in chinese
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get(url).content.decode()
    assert "computed amount CNY 40,000.00" in english
    explained = english.split('data-testid="explanation"')[1].split("</ol>")[0]
    assert not re.search(r"[\u4e00-\u9fff]", explained), explained
