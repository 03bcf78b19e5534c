"""The fund journey of the demo: a round open today and an application at every stage.

``load_stages()`` makes sure that, **relative to the day it runs**, the demo holds:

* a round of the current year's guide that accepts applications today (its dates are moved
  around today with ``round_update`` when the guide's own window is over — the demo is for
  walking the journey, the window of a real round is the bureau's decision);
* applications in each status: draft, submitted, county review, returned for correction, city
  review, proposed, in public notice, approved (ready for finance to pay), disbursed, rejected;
* a public notice inside its objection period (with one open objection) and one past it that
  awaits approval, and an approved notice whose applications finance pays (one is paid).

Everything goes through the services with the demo users (``enterprise_a`` applies, its county
officer ``county_donghai`` reviews, ``city`` runs the proposal and publishes, ``finance`` pays),
so every row has its audit entry and its application events. Notices that must lie in the past
are published with the service's ``today`` argument (the publication day); the clock is never
moved and no row is edited.

Idempotent: each stage is checked first and created only when missing *today* — run twice on
one day, the second run creates nothing; run a week later, it tops up what time has moved on
(e.g. a notice whose objection period has since ended gets a successor inside its period).

After the policy's end (2027-12-31) no round can accept applications any more (the round's
dates must lie in the policy window): the last guide's round is created as a past example and no
stage is added; ``StageReport.notes`` says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications import services as app_services
from applications import workflow
from applications.measures import round_guide
from applications.models import Application, ApplicationStatus, Round, RoundStatus
from codes.workdays import add_working_days
from entitlement.guide import GuideError, shipped_guide
from entitlement.measures import catalogue
from funds import services as fund_services
from funds.models import NoticeStatus, PublicNotice, RunStatus
from funds.services.notices import notice_period_days

S = ApplicationStatus
MEASURE = "a5.exhibition"  # a cost share every active enterprise may claim (planned fairs)
COST = Decimal("50000.00")
ENTERPRISE_USER, COUNTY_USER, CITY_USER, FINANCE_USER = (
    "enterprise_a",
    "county_donghai",
    "city",
    "finance",
)
# Statuses reached by the enterprise and the county officer alone (no proposal run needed).
SIMPLE_STAGES = (S.DRAFT, S.SUBMITTED, S.COUNTY_REVIEW, S.RETURNED, S.REJECTED, S.CITY_REVIEW)
EXHIBITIONS = (
    "广交会跨境电商展区",
    "中国（杭州）跨境电商交易博览会",
    "东盟博览会",
    "深圳跨境电商展",
    "厦门跨境电商展",
    "日本东京国际礼品展",
    "德国法兰克福消费品展",
    "美国拉斯维加斯消费电子展",
    "迪拜中东消费品展",
    "越南胡志明跨境电商展",
    "俄罗斯莫斯科国际礼品展",
    "马来西亚吉隆坡电商展",
)


@dataclass
class StageReport:
    round: Round | None = None
    created: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, stage: str, n: int = 1) -> None:
        self.created[stage] = self.created.get(stage, 0) + n


def demo_year(today: dt.date) -> tuple[int, bool]:
    """The guide year the demo uses, and whether its round can accept applications today."""
    policy = catalogue().policy
    if today > policy.window_end:
        return policy.window_end.year, False
    return max(today.year, policy.window_start.year), today >= policy.window_start


def demo_round(*, city: User, today: dt.date, report: StageReport) -> Round | None:
    """The round of the year's guide, open around today (created or moved through services)."""
    year, can_accept = demo_year(today)
    try:
        guide = shipped_guide(year)
    except GuideError:
        report.notes.append(f"no guide for {year}")
        return None
    rnd = Round.objects.filter(guide_year=str(year)).order_by("pk").first()
    if rnd is None:
        rnd = app_services.round_create_from_guide(actor=city, year=year)
        report.count("round")
    if not can_accept:
        report.notes.append(
            f"the policy ended on {catalogue().policy.window_end}: the {year} round is kept as "
            "a past example, no application stage is added"
        )
        return rnd
    if app_services.round_accepting(rnd, today=today):
        return rnd
    policy = catalogue().policy
    opens_on = max(min(guide.opens, today - dt.timedelta(days=60)), policy.window_start)
    closes_on = min(max(guide.closes, today + dt.timedelta(days=30)), policy.window_end)
    rnd = app_services.round_update(actor=city, round=rnd, opens_on=opens_on, closes_on=closes_on)
    if rnd.status != RoundStatus.OPEN:
        rnd = app_services.round_open(actor=city, round=rnd)
    report.count("round_opened")
    return rnd


class _Applicant:
    """Creates the demo's applications for one enterprise user, keyed by day and stage."""

    def __init__(self, *, user: User, rnd: Round, today: dt.date) -> None:
        self.user, self.rnd, self.today = user, rnd, today
        guide = round_guide(rnd)
        self.cost_date = min(
            max(guide.period_from, today - dt.timedelta(days=90)), guide.period_to, today
        )

    def draft(self, stage: str, n: int = 0) -> Application:
        key = f"demo-{self.today:%Y%m%d}-{stage}-{n}"
        fair = EXHIBITIONS[(self.today.toordinal() + n + len(stage)) % len(EXHIBITIONS)]
        app, _created = app_services.application_save_draft(
            actor=self.user,
            round=self.rnd,
            idempotency_key=key,
            measure=MEASURE,
            matter=f"ZH-{self.today:%Y%m%d}-{stage}-{n}"[:100],
            cost=COST,
            cost_date=self.cost_date,
            attributes={"in_plan": True, "note": f"参加{fair}的展位费和人员费"},
        )
        return app

    def submitted(self, stage: str, n: int = 0) -> Application:
        app = self.draft(stage, n)
        if app.status != S.DRAFT:
            return app
        if not app.evidence.exists():
            content = (
                b"%PDF-1.4\n% demo invoice " + f"{app.pk}-{stage}-{n}".encode() + b"\n"
                b"1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
            )
            upload = SimpleUploadedFile(
                f"invoice-{app.pk}.pdf", content, content_type="application/pdf"
            )
            app_services.evidence_add(actor=self.user, application=app, upload=upload)
        return app_services.application_submit(actor=self.user, application=app)


def _past_publication(today: dt.date, days_back: int, days: int) -> dt.date:
    """A publication day whose notice period (the guide's working days) ended before today."""
    published = today - dt.timedelta(days=days_back)
    while add_working_days(published, days) >= today:
        published -= dt.timedelta(days=7)
    return published


def _pipeline(
    *,
    applicant: _Applicant,
    county: User,
    city: User,
    finance: User,
    report: StageReport,
) -> None:
    """Proposed, notices in and past their period, approved and disbursed, where missing."""
    rnd, today = applicant.rnd, applicant.today
    apps = rnd.applications
    notices = PublicNotice.objects.filter(round=rnd, status=NoticeStatus.OPEN)
    need = {
        "proposed": not apps.filter(status=S.PROPOSED).exists(),
        "notice_open": not notices.filter(published_on__lte=today, ends_on__gte=today).exists(),
        "notice_past": not notices.filter(ends_on__lt=today).exists(),
        "approved": not apps.filter(status=S.APPROVED).exists(),
        "disbursed": not apps.filter(status=S.DISBURSED).exists(),
    }
    if not any(need.values()):
        return
    # one application per missing stage; a new approved notice carries one application left
    # approved (for finance to pay) and one paid
    wanted = [s for s in ("proposed", "notice_open", "notice_past") if need[s]]
    if need["approved"] or need["disbursed"]:
        wanted += ["approved", "disbursed"]
    mine: dict[str, list[Application]] = {}
    for n, stage in enumerate(wanted):
        app = applicant.submitted(f"p-{stage}", n)
        if app.status == S.SUBMITTED:
            workflow.transition(actor=county, application=app, to=S.CITY_REVIEW)
        mine.setdefault(stage, []).append(app)
    if rnd.proposal_runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        report.notes.append("a proposal run of the round is still queued: stages left as they are")
        return
    run = fund_services.proposal_run_start(actor=city, round=rnd)
    # The demo does not wait for the worker: it runs the task body now (the queued task then
    # finds the run done and does nothing).
    run = fund_services.proposal_run_execute(run_id=run.pk)
    fund_services.proposal_run_accept(actor=city, run=run)
    proposed = {a.pk for a in apps.filter(status=S.PROPOSED)}
    if need["proposed"]:
        report.count("proposed")

    def ids(*stages: str) -> list[int]:
        return [a.pk for s in stages for a in mine.get(s, []) if a.pk in proposed]

    if need["approved"] or need["disbursed"]:
        chosen = ids("approved", "disbursed")
        if chosen:
            published = _past_publication(today, 40, notice_period_days(rnd))
            notice = fund_services.notice_publish(
                actor=city,
                round=rnd,
                title=f"{rnd.name}拟支持项目公示（{published:%Y-%m-%d}）",
                application_ids=chosen,
                today=published,
            )
            fund_services.notice_approve(actor=city, notice=notice, today=today)
            report.count("notice_approved")
            for app in Application.objects.filter(pk__in=ids("disbursed")):
                fund_services.disbursement_record(
                    actor=finance,
                    application=app,
                    paid_on=today,
                    bank_reference=f"DEMO-{today:%Y%m%d}-{app.pk}",
                )
                report.count("disbursed")
    if need["notice_past"] and ids("notice_past"):
        published = _past_publication(today, 20, notice_period_days(rnd))
        fund_services.notice_publish(
            actor=city,
            round=rnd,
            title=f"{rnd.name}拟支持项目公示（{published:%Y-%m-%d}）",
            application_ids=ids("notice_past"),
            today=published,
        )
        report.count("notice_past")
    if need["notice_open"] and ids("notice_open"):
        notice = fund_services.notice_publish(
            actor=city,
            round=rnd,
            title=f"{rnd.name}拟支持项目公示（{today:%Y-%m-%d}）",
            application_ids=ids("notice_open"),
            today=today,
        )
        fund_services.objection_file(
            notice=notice,
            name="王明",
            phone="13912345678",
            text="该企业参展的展位面积与申报费用似不相符，请核实。",
            entry_id=notice.entries.values_list("pk", flat=True).first(),
            client_ip="demo",
            today=today,
        )
        report.count("notice_open")


def _simple_stages(*, applicant: _Applicant, county: User, report: StageReport) -> None:
    """Draft, submitted, county review, returned, rejected and city review, where missing."""
    apps = applicant.rnd.applications
    comments = {
        S.RETURNED: "请补充展会主办方出具的参展证明和展位费发票。",
        S.REJECTED: "所参加展会未列入省市贸促计划，不予支持。",
    }
    for stage in SIMPLE_STAGES:
        if apps.filter(status=stage).exists():
            continue
        if stage == S.DRAFT:
            applicant.draft(stage)
        else:
            app = applicant.submitted(stage)
            if stage != S.SUBMITTED and app.status == S.SUBMITTED:
                workflow.transition(
                    actor=county, application=app, to=stage, comment=comments.get(stage, "")
                )
        report.count(stage)


def load_stages(*, today: dt.date | None = None) -> StageReport:
    """Make sure every stage of the fund journey exists today (see the module docstring)."""
    today = today or timezone.localdate()
    report = StageReport()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[ENTERPRISE_USER, COUNTY_USER, CITY_USER, FINANCE_USER]
        )
    }
    if len(users) < 4:
        report.notes.append("demo users missing: load the demo users first")
        return report
    rnd = demo_round(city=users[CITY_USER], today=today, report=report)
    report.round = rnd
    if rnd is None or not app_services.round_accepting(rnd, today=today):
        return report
    applicant = _Applicant(user=users[ENTERPRISE_USER], rnd=rnd, today=today)
    try:
        with transaction.atomic():
            _pipeline(
                applicant=applicant,
                county=users[COUNTY_USER],
                city=users[CITY_USER],
                finance=users[FINANCE_USER],
                report=report,
            )
    except (ValidationError, ValueError) as exc:
        # e.g. a notice period running into a year whose holidays are not loaded yet
        report.notes.append(
            f"fund stages skipped: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
        )
    # after the pipeline: a proposal run takes every application in city review
    _simple_stages(applicant=applicant, county=users[COUNTY_USER], report=report)
    return report
