"""Permission-aware reads of the funds app, shared by pages, the API and exports.

Who may do what:

* city reviewer — proposal runs, notices (publish, objections, approval), 免申即享 candidates;
* finance officer — disbursements (record, list, export); reads approved applications;
* administrator — reads runs, notices, objections and payments (no writes: the workflow's
  edges belong to the city reviewer and the finance officer);
* enterprise user — its own policy matching, its bank-account confirmation;
* anyone, logged in or not — published notices (enterprise, measure, amount only) and filing
  an objection while a notice runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy

from accounts.access import (
    in_county,
    is_city_level,
    is_city_reviewer,
    is_finance_officer,
    own_enterprise_id,
    reads_all,
    role_of,
)
from accounts.models import Role
from applications.measures import measure_name
from applications.models import Application, ApplicationStatus, Round
from funds.models import (
    BankAccountConfirmation,
    Disbursement,
    NoticeEntry,
    Objection,
    ObjectionStatus,
    ProposalRun,
    PublicNotice,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from enterprises.models import Enterprise

    AnyUser = User | AnonymousUser

APPROVED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)


def can_run_proposals(user: AnyUser | None) -> bool:
    return is_city_reviewer(user)


def can_view_runs(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_manage_notices(user: AnyUser | None) -> bool:
    return is_city_reviewer(user)


def can_view_objections(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_record_payments(user: AnyUser | None) -> bool:
    return is_finance_officer(user)


def can_view_payments(user: AnyUser | None) -> bool:
    return reads_all(user)


def can_view_candidates(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_propose_without_application(user: AnyUser | None) -> bool:
    return is_city_reviewer(user)


def _deny(allowed: bool) -> None:
    if not allowed:
        raise Http404  # never reveal that the object exists


# --- rounds and runs ---


def round_list() -> QuerySet[Round]:
    return Round.objects.all()


def round_get(*, pk: int) -> Round:
    """A round by id, for a caller whose permission the service or selector checks; Http404."""
    try:
        return Round.objects.get(pk=pk)
    except Round.DoesNotExist:
        raise Http404 from None


def round_pipeline(rnd: Round) -> dict[str, int]:
    """How many of the round's applications await city review and are proposed (rounds page)."""
    return {
        "city_review": rnd.applications.filter(status=ApplicationStatus.CITY_REVIEW).count(),
        "proposed": rnd.applications.filter(status=ApplicationStatus.PROPOSED).count(),
    }


def applications_by_pk(ids: list[int]) -> QuerySet[Application]:
    """Applications ``ids`` in id order (what a service just changed, for the response)."""
    return Application.objects.filter(pk__in=ids).order_by("pk")


def round_get_for(*, user: AnyUser | None, pk: int) -> Round:
    _deny(can_view_runs(user) or can_view_payments(user))
    try:
        return Round.objects.get(pk=pk)
    except Round.DoesNotExist:
        raise Http404 from None


def run_list_for(*, user: AnyUser | None, round_id: int | None = None) -> QuerySet[ProposalRun]:
    if not can_view_runs(user):
        return ProposalRun.objects.none()
    qs = ProposalRun.objects.select_related("round", "created_by").defer("scenario", "result")
    return qs.filter(round_id=round_id) if round_id else qs


def run_get_for(*, user: AnyUser | None, pk: int) -> ProposalRun:
    _deny(can_view_runs(user))
    try:
        return ProposalRun.objects.select_related("round", "created_by").get(pk=pk)
    except ProposalRun.DoesNotExist:
        raise Http404 from None


# The engine's claim outcomes (entitlement.engine.Status) as people read them.
CLAIM_STATUS_LABELS = {
    "granted": gettext_lazy("予以支持"),
    "partially_granted": gettext_lazy("按预算比例支持"),
    "superseded": gettext_lazy("就高不重复，不另支持"),
    "ineligible": gettext_lazy("不符合条件"),
    "unfunded": gettext_lazy("预算已用完，未支持"),
}


def _reasons_in_english(run: ProposalRun) -> dict[str, list[dict[str, str]]]:
    """The run's reasons worded in English on an English page (see ``english_reasons``)."""
    from django.utils.translation import get_language

    if not (get_language() or "").startswith("en"):
        return {}
    return english_reasons(run)


def english_reasons(run: ProposalRun) -> dict[str, list[dict[str, str]]]:
    """The run's reasons worded in English, by claim id: the stored result is the Chinese
    record, so the scenario is replayed and its wording used only when the replay decides
    exactly as recorded (otherwise ``{}``: the record's Chinese stays)."""
    from entitlement.engine import evaluate
    from entitlement.guide import GuideError
    from entitlement.scenario import ScenarioError, parse_scenario

    if not run.scenario or not run.result:
        return {}
    try:
        replay = evaluate(parse_scenario(run.scenario))
    except (ScenarioError, GuideError):
        return {}
    if replay.as_json("zh") != run.result:
        return {}
    return {c["id"]: c["reasons"] for c in replay.as_json("en")["claims"]}


def run_rows(run: ProposalRun) -> list[dict[str, Any]]:
    """The run's claims joined with their applications (for the result table)."""
    from entitlement.measures import catalogue
    from funds.inputs import application_id_of

    if not run.result:
        return []
    claims = run.result.get("claims", [])
    ids = [application_id_of(c["id"]) for c in claims]
    apps = Application.objects.select_related("enterprise", "county").in_bulk(ids)
    cat = catalogue()
    english = _reasons_in_english(run)
    rows = []
    for c in claims:
        app = apps.get(application_id_of(c["id"]))
        measure = cat.get(c["measure"])
        rows.append(
            {
                "claim": c,
                "reasons": english.get(c["id"], c["reasons"]),
                "application": app,
                "measure_title": measure_name(measure) if measure else c["measure"],
                "status_label": CLAIM_STATUS_LABELS.get(c["status"], c["status"]),
                "notes": [
                    n
                    for n in run.notes
                    if app is not None and n.get("beneficiary") == f"E{app.enterprise_id}"
                ],
            }
        )
    return rows


# --- notices ---


def notice_public_qs() -> QuerySet[PublicNotice]:
    """Notices anyone may read (every published notice; entries carry public data only)."""
    return PublicNotice.objects.select_related("round").prefetch_related(
        Prefetch("entries", queryset=NoticeEntry.objects.order_by("pk"))
    )


def notice_get_public(*, pk: int) -> PublicNotice:
    try:
        return notice_public_qs().get(pk=pk)
    except PublicNotice.DoesNotExist:
        raise Http404 from None


def notice_get_for_reviewer(*, user: AnyUser | None, pk: int) -> PublicNotice:
    _deny(can_view_objections(user))
    return notice_get_public(pk=pk)


def notice_list_for_reviewer(
    *, user: AnyUser | None, round_id: int | None = None
) -> QuerySet[PublicNotice]:
    """Every notice with its objection counts (``objections_open``, ``objections_total``), for
    the city level's review pages; nothing for anyone else."""
    if not can_view_objections(user):
        return PublicNotice.objects.none()
    qs = (
        PublicNotice.objects.select_related("round")
        .annotate(
            objections_total=Count("objections", distinct=True),
            objections_open=Count(
                "objections", filter=Q(objections__status=ObjectionStatus.OPEN), distinct=True
            ),
        )
        .order_by("-published_on", "-pk")
    )
    return qs.filter(round_id=round_id) if round_id else qs


def objection_lookup(*, notice: PublicNotice, reference: str, contact: str) -> Objection | None:
    """The objector's own look-up (anyone, no login): the objection to ``notice`` with this
    reference whose phone or e-mail is ``contact``; None when either does not match, so a
    guessed reference alone reveals nothing."""
    reference, contact = reference.strip()[:9], contact.strip()[:254]
    if not reference or not contact:
        return None
    return (
        Objection.objects.filter(notice=notice, reference=reference)
        .filter(Q(phone=contact) | Q(email__iexact=contact))
        .first()
    )


def objection_list_for(*, user: AnyUser | None, notice: PublicNotice) -> QuerySet[Objection]:
    if not can_view_objections(user):
        return Objection.objects.none()
    return notice.objections.select_related("entry", "resolved_by")


def objection_get_for(*, user: AnyUser | None, pk: int) -> Objection:
    _deny(can_view_objections(user))
    try:
        return Objection.objects.select_related("notice").get(pk=pk)
    except Objection.DoesNotExist:
        raise Http404 from None


def proposed_for_notice(*, user: AnyUser | None, round: Round) -> QuerySet[Application]:
    if not can_manage_notices(user):
        return Application.objects.none()
    return Application.objects.filter(
        round=round, status=ApplicationStatus.PROPOSED
    ).select_related("enterprise")


# --- budget ---


def round_approved_total(round_id: int) -> Any:
    """The round's approved total (approved and disbursed applications)."""
    total = Application.objects.filter(round_id=round_id, status__in=APPROVED_STATUSES).aggregate(
        t=Sum("amount_approved")
    )["t"]
    from decimal import Decimal

    return total or Decimal("0.00")


# --- payments ---


def approved_unpaid_for(*, user: AnyUser | None) -> QuerySet[Application]:
    if not can_view_payments(user):
        return Application.objects.none()
    return Application.objects.filter(status=ApplicationStatus.APPROVED).select_related(
        "enterprise", "round"
    )


def approved_application_for_payment(*, user: AnyUser | None, pk: int) -> Application:
    _deny(can_record_payments(user))
    try:
        return Application.objects.select_related("enterprise", "round").get(
            pk=pk, status=ApplicationStatus.APPROVED
        )
    except Application.DoesNotExist:
        raise Http404 from None


def disbursement_list_for(
    *, user: AnyUser | None, year: int | None = None
) -> QuerySet[Disbursement]:
    if not can_view_payments(user):
        return Disbursement.objects.none()
    qs = Disbursement.objects.select_related("enterprise", "application", "recorded_by")
    return qs.filter(year=year) if year else qs


# --- enterprise side ---


def enterprise_for_matching(*, user: AnyUser | None, enterprise_id: int | None) -> Enterprise:
    """The enterprise whose matching ``user`` may see: its own, or any for the city level."""
    from enterprises import selectors as registry

    own = own_enterprise_id(user)
    if role_of(user) == Role.ENTERPRISE and own is not None:
        if enterprise_id is not None and enterprise_id != own:
            raise Http404
        return registry.enterprise_get(pk=own)
    if enterprise_id is None:
        raise Http404
    # The city level: any enterprise; a county officer: those of its county.
    if is_city_level(user):
        return registry.enterprise_get(pk=enterprise_id)
    enterprise = registry.enterprise_get(pk=enterprise_id)
    if not in_county(user, enterprise.county_id):
        raise Http404
    return enterprise


def bank_confirmation_of(enterprise_id: int) -> BankAccountConfirmation | None:
    return BankAccountConfirmation.objects.filter(enterprise_id=enterprise_id).first()
