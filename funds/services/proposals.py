"""Proposal runs (资金测算): the engine over a round's applications in city review, stored as a
decision record, and accepting a run (city_review → proposed with amount and explanation)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, ApplicationStatus, Round
from applications.services import application_record_explanation
from audit.services import audit_record
from core.templatetags.core_tags import money
from entitlement import ENGINE_VERSION
from entitlement.engine import evaluate
from entitlement.guide import GuideError
from entitlement.scenario import ScenarioError, parse_scenario
from funds import selectors
from funds.inputs import Inputs, application_id_of, guide_object, inputs_hash, round_inputs
from funds.models import ProposalRun, RunStatus

if TYPE_CHECKING:
    from accounts.models import User

GRANTED_STATUSES = {"granted", "partially_granted"}
STATUS_ZH = {
    "granted": "予以支持",
    "partially_granted": "予以支持（受预算总额控制按比例核减）",
    "superseded": "就高不重复：同一事项已按其他措施支持，本项不再支持",
    "ineligible": "不符合支持条件",
    "unfunded": "预算已用完，未安排资金",
}
# The same outcomes in English: the explanation is stored in both languages (``message_en``),
# so an English reader sees it in English however the reviewer's page was set.
STATUS_EN = {
    "granted": "Supported",
    "partially_granted": "Supported (reduced in proportion to the budget total)",
    "superseded": "Not cumulative: the same matter is supported under another measure",
    "ineligible": "Not eligible",
    "unfunded": "Budget used up, no funds allocated",
}


def claims_of(round: Round) -> list[Application]:
    """The claims of a run: the round's applications in city review, in processing order."""
    return list(
        Application.objects.filter(round=round, status=ApplicationStatus.CITY_REVIEW)
        .select_related("enterprise", "enterprise__county")
        .prefetch_related("enterprise__recognitions")
        .order_by("submitted_at", "pk")
    )


@transaction.atomic
def proposal_run_start(*, actor: User, round: Round) -> ProposalRun:
    """Queue a proposal run over ``round`` (the work happens in a background task)."""
    if not selectors.can_run_proposals(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以发起资金测算。"))
    locked = Round.objects.select_for_update().get(pk=round.pk)
    busy = ProposalRun.objects.filter(
        round=locked, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    )
    if busy.exists():
        raise ValidationError(_("该批次已有正在进行的测算，请等待其完成。"))
    if not Application.objects.filter(round=locked, status=ApplicationStatus.CITY_REVIEW).exists():
        raise ValidationError(_("该批次没有待市级审核的申报，无需测算。"))
    run = ProposalRun.objects.create(
        round=locked, created_by=actor, engine_version=ENGINE_VERSION, step=_("排队中")
    )
    audit_record(actor=actor, action="funds.run_start", obj=run, after={"round": locked.pk})
    from funds.tasks import proposal_run_task

    run_id = run.pk
    transaction.on_commit(lambda: proposal_run_task.enqueue(run_id))
    return run


def _progress(run_id: int, percent: int, step: str, **extra: Any) -> None:
    ProposalRun.objects.filter(pk=run_id).update(progress=percent, step=step, **extra)


def proposal_run_execute(*, run_id: int) -> ProposalRun:
    """Body of the background task: build the inputs, evaluate, store the decision record.

    Progress is written row by row outside a transaction so the page polling it sees it.
    """
    run = ProposalRun.objects.select_related("round").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return run
    _progress(run_id, 5, "读取申报", status=RunStatus.RUNNING, started_at=timezone.now())
    try:
        apps = claims_of(run.round)
        total = len(apps)
        guide = guide_object(run.round)
        inputs = Inputs(year=int(guide["year"]), guide=guide)
        every = max(1, total // 20)
        for i, app in enumerate(apps, start=1):
            inputs.add_claim(app)
            if i % every == 0 or i == total:
                _progress(run_id, 5 + int(75 * i / max(total, 1)), f"汇集企业数据 {i}/{total}")
        inputs.add_disbursements(inputs.beneficiaries)
        scenario = inputs.scenario(description=f"{run.round.name} · 测算批次 #{run_id}")
        _progress(run_id, 85, "引擎测算")
        evaluation = evaluate(parse_scenario(scenario))
        result = evaluation.as_json("zh")
    except (ScenarioError, GuideError) as exc:
        _fail(run_id, "\n".join(exc.problems))
        return ProposalRun.objects.get(pk=run_id)
    except (OSError, ValueError) as exc:
        _fail(run_id, str(exc))
        return ProposalRun.objects.get(pk=run_id)
    with transaction.atomic():
        run = ProposalRun.objects.select_for_update().get(pk=run_id)
        run.scenario = scenario
        run.result = result
        run.notes = inputs.notes
        run.claim_count = total
        run.engine_version = result["engine"]
        run.guide_hash = result["guide_hash"]
        run.inputs_hash = inputs_hash(scenario)
        run.status = RunStatus.DONE
        run.progress = 100
        run.step = "完成"
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            actor=run.created_by,
            action="funds.run_done",
            obj=run,
            after={
                "inputs_hash": run.inputs_hash,
                "guide_hash": run.guide_hash,
                "engine": run.engine_version,
                "totals": result["totals"],
            },
        )
    return run


def _fail(run_id: int, message: str) -> None:
    _progress(
        run_id,
        100,
        "失败",
        status=RunStatus.FAILED,
        error=message[:5000],
        finished_at=timezone.now(),
    )


def explanation_for(
    run: ProposalRun,
    claim: dict[str, Any],
    english: dict[str, list[dict[str, str]]] | None = None,
) -> list[dict[str, str]]:
    """The explanation stored on an application: outcome, the engine's reasons citing
    articles, budget scaling, data notes and the decision record it comes from.

    Each line is stored in Chinese (``message``) and, where the run gives it, in English
    (``message_en``: the outcome and budget lines, and the engine's reasons from
    ``english`` — ``selectors.english_reasons(run)``), so the page shows the reader's language.
    """
    assert run.result is not None
    status = claim["status"]
    computed, granted = money(claim["computed"]), money(claim["granted"])
    out = [
        {
            "code": "outcome",
            "article": "",
            "message": f"{STATUS_ZH.get(status, status)}：测算金额 {claim['computed']} 元，"
            f"拟支持金额 {claim['granted']} 元",
            "message_en": f"{STATUS_EN.get(status, status)}: computed amount CNY {computed}, "
            f"proposed amount CNY {granted}",
        }
    ]
    in_english = (english or {}).get(claim["id"], [])
    if [r["code"] for r in in_english] != [r["code"] for r in claim["reasons"]]:
        in_english = []
    for i, r in enumerate(claim["reasons"]):
        line = {"code": r["code"], "article": r["article"], "message": r["message"]}
        if in_english:
            line["message_en"] = in_english[i]["message"]
        out.append(line)
    totals = run.result["totals"]
    if totals.get("scale", "1") != "1":
        out.append(
            {
                "code": "budget_scale",
                "article": "末段",
                "message": f"预算总额控制：本批次应支持合计 {totals['computed']} 元，"
                f"预算 {totals['budget']} 元，按比例 {totals['scale']} 分配",
                "message_en": "Budget total control: this batch should support "
                f"CNY {money(totals['computed'])} in all, the budget is "
                f"CNY {money(totals['budget'])}, allocated in proportion {totals['scale']}",
            }
        )
    app_id = application_id_of(claim["id"])
    ben = next(
        (c["beneficiary"] for c in run.scenario["claims"] if c["id"] == claim["id"]),  # type: ignore[index]
        "",
    )
    out += [
        {"code": n["code"], "article": "", "message": n["message"]}
        | ({"message_en": n["message_en"]} if n.get("message_en") else {})
        for n in run.notes
        if n.get("beneficiary") == ben
    ]
    out.append(
        {
            "code": "decision_record",
            "article": "",
            "message": f"测算批次 #{run.pk}（申报 #{app_id}）；引擎版本 {run.engine_version}；"
            f"指南 {run.guide_hash}；输入 {run.inputs_hash}",
        }
    )
    return out


@transaction.atomic
def proposal_run_accept(*, actor: User, run: ProposalRun) -> ProposalRun:
    """Accept a finished run: granted claims become ``proposed`` with amount and explanation;
    the others stay in city review with the explanation recorded (the reviewer rejects them
    with a comment). Refused when the inputs changed since the run."""
    if not selectors.can_run_proposals(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以采纳测算结果。"))
    locked = ProposalRun.objects.select_for_update().select_related("round").get(pk=run.pk)
    if locked.status != RunStatus.DONE:
        raise ValidationError(_("只能采纳已完成且未采纳的测算。"))
    assert locked.result is not None and locked.scenario is not None
    current = round_inputs(locked.round, claims_of(locked.round))
    scenario = current.scenario(description=locked.scenario.get("description", ""))
    if inputs_hash(scenario) != locked.inputs_hash:
        raise ValidationError(
            _("自测算以来，待审申报或企业数据已发生变化（输入哈希不一致），请重新测算后再采纳。")
        )
    proposed = 0
    english = selectors.english_reasons(locked)
    for claim in locked.result["claims"]:
        app = Application.objects.get(pk=application_id_of(claim["id"]))
        explanation = explanation_for(locked, claim, english)
        granted = Decimal(claim["granted"])
        if claim["status"] in GRANTED_STATUSES and granted > 0:
            workflow.transition(
                actor=actor,
                application=app,
                to=ApplicationStatus.PROPOSED,
                comment=_("资金测算批次 #%(run)s：拟支持 %(amount)s 元")
                % {"run": locked.pk, "amount": claim["granted"]},
                amount_proposed=granted,
                explanation=explanation,
            )
            proposed += 1
        else:
            # not a status change: the explanation is recorded for the reviewer's decision
            application_record_explanation(
                actor=actor,
                application=app,
                explanation=explanation,
                note=f"run {locked.pk}: {claim['status']}",
            )
    locked.status = RunStatus.ACCEPTED
    locked.accepted_by = actor
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["status", "accepted_by", "accepted_at"])
    audit_record(actor=actor, action="funds.run_accept", obj=locked, after={"proposed": proposed})
    return locked


def replay(run: ProposalRun) -> tuple[bool, list[str]]:
    """Re-evaluate the stored scenario with the current engine; (matches exactly, differences)."""
    if run.scenario is None or run.result is None:
        return False, [f"run #{run.pk} has no stored scenario/result (status {run.status})"]
    try:
        fresh = evaluate(parse_scenario(run.scenario)).as_json("zh")
    except (ScenarioError, GuideError) as exc:
        return False, ["scenario no longer valid / 情景已无法解析:", *exc.problems]
    return fresh == run.result, diff_results(run.result, fresh)


def diff_results(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for key in ("engine", "guide_hash", "year", "guide"):
        if old.get(key) != new.get(key):
            out.append(f"{key}: {old.get(key)} → {new.get(key)}")
    for key in sorted(set(old.get("totals", {})) | set(new.get("totals", {}))):
        a, b = old.get("totals", {}).get(key), new.get("totals", {}).get(key)
        if a != b:
            out.append(f"totals.{key}: {a} → {b}")
    before = {c["id"]: c for c in old.get("claims", [])}
    after = {c["id"]: c for c in new.get("claims", [])}
    for cid in sorted(set(before) | set(after)):
        a, b = before.get(cid), after.get(cid)
        if a is None or b is None:
            out.append(f"{cid}: {'added' if a is None else 'missing'}")
            continue
        for key in ("status", "computed", "granted"):
            if a.get(key) != b.get(key):
                out.append(f"{cid}.{key}: {a.get(key)} → {b.get(key)}")
        if a.get("reasons") != b.get("reasons"):
            out.append(f"{cid}.reasons: changed")
    return out
