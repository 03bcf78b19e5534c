"""The transition table: every allowed edge works, everything else is refused and changes
nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationOrigin,
    ApplicationStatus,
    Notification,
)
from applications.workflow import TRANSITIONS, allowed_transitions, transition
from audit.models import AuditEntry

S = ApplicationStatus
ROLE_USER = {
    "enterprise": "user_a",
    "county_officer": "donghai",
    "city_reviewer": "city",
    "finance_officer": "finance",
    "partner": "partner",
    "administrator": "admin",
}
EDGES = sorted(TRANSITIONS)


def _state(app: Application) -> tuple[Any, ...]:
    app.refresh_from_db()
    return (
        app.status,
        app.submitted_at,
        app.amount_proposed,
        ApplicationEvent.objects.filter(application=app).count(),
        Notification.objects.filter(application=app).count(),
        AuditEntry.objects.filter(action="application.transition", object_id=str(app.pk)).count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), EDGES, ids=[f"{f}->{t}" for f, t in EDGES])
def test_every_allowed_edge(
    world: Any, make_app: Any, frm: str, to: str, django_capture_on_commit_callbacks: Any
) -> None:
    rule = TRANSITIONS[(frm, to)]
    app = make_app(frm)
    if rule.guard is not None and frm == S.DRAFT and to == S.CITY_REVIEW:
        Application.objects.filter(pk=app.pk).update(origin=ApplicationOrigin.NO_APPLICATION)
    role = sorted(rule.roles)[0]
    actor = getattr(world, ROLE_USER[role])
    with django_capture_on_commit_callbacks(execute=True):
        transition(
            actor=actor, application=app, to=to, comment="意见" if rule.comment_required else ""
        )
    app.refresh_from_db()
    assert app.status == to
    event = app.events.order_by("-pk").first()
    assert (event.from_status, event.to_status, event.actor_id) == (frm, to, actor.pk)
    assert AuditEntry.objects.filter(
        action="application.transition", object_id=str(app.pk)
    ).exists()
    # both users of enterprise A get the in-app message, the contact address the email (the
    # officers told of new work get theirs too: applications/tests/test_officer_notifications.py)
    assert Notification.objects.filter(application=app, user__enterprise=world.a).count() == 2
    assert [m.to for m in mail.outbox] == [["a@example.cn"]]


@pytest.mark.django_db
def test_edges_not_in_table_are_refused_and_change_nothing(world: Any, make_app: Any) -> None:
    app = make_app(S.DRAFT)
    missing = [(f, t) for f in S.values for t in S.values if (f, t) not in TRANSITIONS and f != t]
    assert (S.DRAFT, S.APPROVED) in missing and (S.SUBMITTED, S.DISBURSED) in missing
    for frm, to in missing:
        Application.objects.filter(pk=app.pk).update(status=frm)
        before = _state(app)
        for actor in (world.user_a, world.donghai, world.city, world.finance):
            with pytest.raises(ValidationError):
                transition(actor=actor, application=app, to=to, comment="x")
        assert _state(app) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), EDGES, ids=[f"{f}->{t}" for f, t in EDGES])
def test_roles_outside_the_rule_are_denied(world: Any, make_app: Any, frm: str, to: str) -> None:
    rule = TRANSITIONS[(frm, to)]
    app = make_app(frm)
    before = _state(app)
    for role, attr in ROLE_USER.items():
        if role in rule.roles:
            continue
        with pytest.raises(PermissionDenied):
            transition(actor=getattr(world, attr), application=app, to=to, comment="x")
    assert _state(app) == before


@pytest.mark.django_db
def test_county_officer_cannot_act_on_another_county(world: Any, make_app: Any) -> None:
    app = make_app(S.SUBMITTED)  # enterprise A is in 东海县
    before = _state(app)
    for to in (S.COUNTY_REVIEW, S.CITY_REVIEW, S.RETURNED, S.REJECTED):
        with pytest.raises(PermissionDenied):
            transition(actor=world.ganyu, application=app, to=to, comment="x")
    assert _state(app) == before
    assert allowed_transitions(actor=world.ganyu, application=app) == []
    assert {e.to for e in allowed_transitions(actor=world.donghai, application=app)} == {
        S.COUNTY_REVIEW,
        S.CITY_REVIEW,
        S.RETURNED,
        S.REJECTED,
    }


@pytest.mark.django_db
def test_enterprise_cannot_move_another_enterprises_application(world: Any, make_app: Any) -> None:
    app = make_app(S.DRAFT)
    before = _state(app)
    for to in (S.SUBMITTED, S.WITHDRAWN):
        with pytest.raises(PermissionDenied):
            transition(actor=world.user_b, application=app, to=to)
    assert _state(app) == before


@pytest.mark.django_db
def test_inactive_user_is_denied(world: Any, make_app: Any) -> None:
    app = make_app(S.SUBMITTED)
    world.donghai.is_active = False
    before = _state(app)
    with pytest.raises(PermissionDenied):
        transition(actor=world.donghai, application=app, to=S.CITY_REVIEW)
    assert _state(app) == before


@pytest.mark.django_db
@pytest.mark.parametrize("to", [S.RETURNED, S.REJECTED])
def test_return_and_reject_need_a_comment(world: Any, make_app: Any, to: str) -> None:
    app = make_app(S.CITY_REVIEW)
    before = _state(app)
    with pytest.raises(ValidationError) as exc:
        transition(actor=world.city, application=app, to=to, comment="   ")
    assert "comment" in exc.value.message_dict
    assert _state(app) == before


@pytest.mark.django_db
def test_submit_outside_the_window_is_refused(world: Any, make_app: Any) -> None:
    app = make_app(S.DRAFT)
    from applications import services

    services.round_close(actor=world.city, round=world.round)
    before = _state(app)
    with pytest.raises(ValidationError, match="不在申报期内"):
        transition(actor=world.user_a, application=app, to=S.SUBMITTED)
    assert _state(app) == before


@pytest.mark.django_db
def test_draft_to_city_review_only_for_no_application_origin(world: Any, make_app: Any) -> None:
    app = make_app(S.DRAFT)
    before = _state(app)
    with pytest.raises(ValidationError, match="免申即享"):
        transition(actor=world.city, application=app, to=S.CITY_REVIEW)
    assert _state(app) == before


@pytest.mark.django_db
def test_changes_are_applied_in_the_same_transaction(world: Any, make_app: Any) -> None:
    app = make_app(S.CITY_REVIEW)
    explanation = [{"code": "rate_applied", "article": "(七)", "message": "费用 × 50%"}]
    transition(
        actor=world.city,
        application=app,
        to=S.PROPOSED,
        amount_proposed=Decimal("40000.00"),
        explanation=explanation,
    )
    app.refresh_from_db()
    assert (app.status, app.amount_proposed, app.explanation) == (
        S.PROPOSED,
        Decimal("40000.00"),
        explanation,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"status": "approved"},
        {"cost": Decimal("1")},
        {"amount_proposed": 5.0},
        {"amount_paid": Decimal("-1")},
    ],
)
def test_other_changes_are_refused(world: Any, make_app: Any, changes: dict[str, Any]) -> None:
    app = make_app(S.CITY_REVIEW)
    before = (_state(app), app.cost)
    with pytest.raises(ValidationError):
        transition(actor=world.city, application=app, to=S.PROPOSED, **changes)
    assert (_state(app), app.cost) == before


@pytest.mark.django_db
def test_finance_officer_only_disburses(world: Any, make_app: Any) -> None:
    app = make_app(S.APPROVED)
    with pytest.raises(PermissionDenied):
        transition(actor=world.city, application=app, to=S.DISBURSED)
    transition(actor=world.finance, application=app, to=S.DISBURSED, amount_paid=Decimal("100"))
    app.refresh_from_db()
    assert (app.status, app.amount_paid) == (S.DISBURSED, Decimal("100.00"))


@pytest.mark.django_db
def test_submission_time_is_kept_on_resubmission(world: Any, make_app: Any) -> None:
    app = make_app(S.DRAFT)
    transition(actor=world.user_a, application=app, to=S.SUBMITTED)
    first = Application.objects.get(pk=app.pk).submitted_at
    transition(actor=world.donghai, application=app, to=S.RETURNED, comment="请补充发票")
    transition(actor=world.user_a, application=app, to=S.SUBMITTED)
    app.refresh_from_db()
    assert app.submitted_at == first and app.status == S.SUBMITTED
    assert list(app.events.values_list("to_status", flat=True)) == [
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.SUBMITTED,
    ]


@pytest.mark.django_db
def test_notification_and_email_carry_the_comment(
    world: Any, make_app: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_app(S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        transition(actor=world.donghai, application=app, to=S.RETURNED, comment="请补充合同扫描件")
    notes = Notification.objects.filter(application=app)
    assert {n.user_id for n in notes} == {world.user_a.pk, world.user_a2.pk}
    assert all("请补充合同扫描件" in n.message and "退回修改" in n.message for n in notes)
    assert len(mail.outbox) == 1 and "请补充合同扫描件" in mail.outbox[0].body
    assert not Notification.objects.filter(user=world.user_b).exists()


@pytest.mark.django_db
def test_enterprise_without_email_gets_no_mail(
    world: Any, make_app: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_app(S.SUBMITTED, user=world.user_b)
    with django_capture_on_commit_callbacks(execute=True):
        transition(actor=world.ganyu, application=app, to=S.COUNTY_REVIEW)
    assert mail.outbox == []
    assert Notification.objects.filter(application=app, user=world.user_b).count() == 1
