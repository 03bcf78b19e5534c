"""Writes for rounds, applications, evidence and notifications.

Status changes go through ``applications.workflow.transition``; everything here is keyword-only,
transactional and audited. Bad input raises ``ValidationError`` with a Chinese message and
changes nothing; a role or scope the rules do not allow raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from applications import evidence as ev
from applications.measures import fields_for, measures_open_for, round_guide
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationOrigin,
    ApplicationStatus,
    Evidence,
    Notification,
    Round,
    RoundStatus,
)
from applications.workflow import transition, transition_inserted
from audit.services import audit_appended_last, audit_record, snapshot
from core.queries import get_or_none
from enterprises.models import Enterprise, IndustryBelt
from entitlement.guide import GuideError, shipped_guide
from entitlement.matter import matter_key
from entitlement.measures import catalogue

if TYPE_CHECKING:
    from accounts.models import User

S = ApplicationStatus
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9._:\-]{8,80}$")
MAX_AMOUNT = Decimal("9999999999999.99")
ATTRIBUTE_KEYS = frozenset({"in_plan", "note", "industry_belt"})


# ---------------------------------------------------------------- rounds


def can_manage_rounds(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.CITY_REVIEWER
    )


def _require_round_manager(actor: Any) -> None:
    if not can_manage_rounds(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以管理申报批次。"))


def _check_dates(opens_on: dt.date, closes_on: dt.date) -> None:
    policy = catalogue().policy
    if closes_on < opens_on:
        raise ValidationError({"closes_on": [_("截止日期不能早于开始日期。")]})
    if opens_on < policy.window_start or closes_on > policy.window_end:
        raise ValidationError(
            _("申报期须在政策有效期（%(start)s 至 %(end)s）之内。")
            % {"start": policy.window_start.isoformat(), "end": policy.window_end.isoformat()}
        )


@transaction.atomic
def round_create_from_guide(*, actor: User, year: int, name: str = "") -> Round:
    """A new round (status draft) with the window, budget and hash of ``guides/<year>.yaml``."""
    _require_round_manager(actor)
    try:
        guide = shipped_guide(int(year))
    except (GuideError, ValueError) as exc:
        raise ValidationError(
            _("没有 %(year)s 年度的申报指南，或指南无效。") % {"year": year}
        ) from exc
    rnd = Round(
        year=guide.year,
        name=(name or "").strip()[:200] or _("%(year)s年度专项资金申报") % {"year": guide.year},
        guide_year=str(guide.year),
        guide_hash=guide.content_hash,
        opens_on=guide.opens,
        closes_on=guide.closes,
        budget_total=guide.budget_total,
        budget_mode=str(guide.budget_mode),
        status=RoundStatus.DRAFT,
        created_by=actor,
    )
    _check_dates(rnd.opens_on, rnd.closes_on)
    rnd.save()
    audit_record(actor=actor, action="round.create", obj=rnd, after=snapshot(rnd))
    return rnd


@transaction.atomic
def round_update(
    *, actor: User, round: Round, opens_on: dt.date, closes_on: dt.date, name: str | None = None
) -> Round:
    """Change the dates (and name) of a round: the city reviewer may adjust the guide's window."""
    _require_round_manager(actor)
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    _check_dates(opens_on, closes_on)
    before = snapshot(rnd, fields=["name", "opens_on", "closes_on"])
    rnd.opens_on, rnd.closes_on = opens_on, closes_on
    if name is not None and name.strip():
        rnd.name = name.strip()[:200]
    rnd.save(update_fields=["opens_on", "closes_on", "name", "updated_at"])
    audit_record(
        actor=actor,
        action="round.update",
        obj=rnd,
        before=before,
        after=snapshot(rnd, fields=["name", "opens_on", "closes_on"]),
    )
    return rnd


def _round_set_status(*, actor: User, round: Round, to: str, allowed_from: set[str]) -> Round:
    _require_round_manager(actor)
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if rnd.status not in allowed_from:
        raise ValidationError(
            _("批次当前状态为“%(status)s”，不能执行此操作。")
            % {"status": RoundStatus(rnd.status).label}
        )
    before = rnd.status
    rnd.status = to
    rnd.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action=f"round.{to}", obj=rnd, before={"status": before}, after={"status": to}
    )
    return rnd


ROUND_OPENS_FROM = frozenset({RoundStatus.DRAFT, RoundStatus.CLOSED})


def round_open_refusal(rnd: Round, *, today: dt.date | None = None) -> str | None:
    """Why ``rnd`` may not be opened for applications today (None when it may): the one rule.

    :func:`round_open` refuses what this refuses, and the round page offers the "开放申报"
    button only when this returns None (with the reason shown otherwise).
    """
    today = today or timezone.localdate()
    if rnd.status not in ROUND_OPENS_FROM:
        return _("批次当前状态为“%(status)s”，不能执行此操作。") % {
            "status": RoundStatus(rnd.status).label
        }
    if today > rnd.closes_on:
        return _("申报期已于 %(closes)s 截止，不能开放申报；如需重新开放，请先调整申报期。") % {
            "closes": rnd.closes_on.isoformat()
        }
    return None


@transaction.atomic
def round_open(*, actor: User, round: Round) -> Round:
    """Open a draft or closed round; refused when its closing date has passed."""
    _require_round_manager(actor)
    locked = Round.objects.select_for_update().get(pk=round.pk)
    refusal = round_open_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    return _round_set_status(
        actor=actor, round=round, to=RoundStatus.OPEN, allowed_from=set(ROUND_OPENS_FROM)
    )


@transaction.atomic
def round_close(*, actor: User, round: Round) -> Round:
    return _round_set_status(actor=actor, round=round, to=RoundStatus.CLOSED, allowed_from={"open"})


def round_accepting(rnd: Round, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return rnd.status == RoundStatus.OPEN and rnd.opens_on <= today <= rnd.closes_on


# ---------------------------------------------------------------- applications


def _require_enterprise_user(actor: Any) -> None:
    if not (
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.ENTERPRISE
        and actor.enterprise_id
    ):
        raise PermissionDenied(_("只有企业用户可以申报。"))


def _decimal(value: Any, field: str, label: str, *, required: bool) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: [_("请填写%(label)s。") % {"label": label}]})
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: [_("%(label)s须为金额。") % {"label": label}]}) from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError({field: [_("%(label)s须为不小于 0 的金额。") % {"label": label}]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("%(label)s最多两位小数。") % {"label": label}]})
    return amount.quantize(Decimal("0.01"))


def _belt_of_county(value: Any, enterprise: Any) -> int:
    """(四): the id of the industry belt named by the application; it must be a belt of the
    enterprise's county (the county names the belt's operating body or platform cooperation)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(
            {"industry_belt": [_("请选择本项目所属的产业带（须为贵单位所在县区的产业带）。")]}
        )
    pk = None
    if isinstance(value, int) and not isinstance(value, bool):
        pk = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 10:
        pk = int(value.strip())
    belt = IndustryBelt.objects.filter(pk=pk).first() if pk is not None and 0 < pk < 2**31 else None
    if belt is None or belt.county_id != enterprise.county_id:
        raise ValidationError(
            {
                "industry_belt": [
                    _("产业带补助只能申报贵单位所在县区的产业带；所选产业带不存在或不属于该县区。")
                ]
            }
        )
    return int(belt.pk)


def clean_fields(
    *,
    rnd: Round,
    enterprise: Any,
    measure: str,
    matter: str = "",
    cost: Any = None,
    attributes: dict[str, Any] | None = None,
    other_public_money: Any = None,
    other_public_money_note: str = "",
    cost_date: dt.date | None = None,
) -> dict[str, Any]:
    """Validate what the enterprise filled in for ``measure``; the cleaned values.

    ``cost_date`` (the day the cost arose) is required where the measure has one (cost
    shares; the form and the API alike) and must lie within the round's guide period (考核期).
    (四) ``a4.industry_belt`` needs ``attributes["industry_belt"]``: a belt of the enterprise's
    county (its id).
    ``matter_key`` is the identity of the matter label (``entitlement.matter``)."""
    open_measures = {m.id: m for m in measures_open_for(rnd=rnd, enterprise_kind=enterprise.kind)}
    m = open_measures.get(measure)
    if m is None:
        raise ValidationError(
            {"measure": [_("该支持事项在本批次未开放，或不适用于贵单位的类型。")]}
        )
    need = fields_for(m)
    matter = (matter or "").strip()
    if len(matter) > 100:
        raise ValidationError({"matter": [_("发票/合同号不能超过 100 个字符。")]})
    if need.matter_required and not matter:
        raise ValidationError({"matter": [_("请填写发票号或合同号。")]})
    cost_value = _decimal(cost, "cost", _("申报费用"), required=need.cost) if need.cost else None
    if need.cost and cost_value is not None and cost_value <= 0:
        raise ValidationError({"cost": [_("申报费用须大于 0。")]})
    attrs_in = dict(attributes or {})
    unknown = set(attrs_in) - ATTRIBUTE_KEYS
    if unknown:
        raise ValidationError(
            {"attributes": [_("不支持的字段：%(keys)s") % {"keys": ", ".join(sorted(unknown))}]}
        )
    attrs: dict[str, Any] = {}
    if need.in_plan:
        in_plan = attrs_in.get("in_plan")
        if not isinstance(in_plan, bool):
            raise ValidationError({"in_plan": [_("请选择该展会是否列入省市贸促计划。")]})
        attrs["in_plan"] = in_plan
    if need.belt:
        attrs["industry_belt"] = _belt_of_county(attrs_in.get("industry_belt"), enterprise)
    note = str(attrs_in.get("note") or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": [_("说明不能超过 1000 个字符。")]})
    if note:
        attrs["note"] = note
    other = _decimal(other_public_money, "other_public_money", _("其他财政资金"), required=False)
    other_note = (other_public_money_note or "").strip()
    if len(other_note) > 300:
        raise ValidationError({"other_public_money_note": [_("说明不能超过 300 个字符。")]})
    if other and not other_note:
        raise ValidationError(
            {"other_public_money_note": [_("已获其他财政资金时，请说明资金来源和文号。")]}
        )
    if need.dated and cost_date is None:
        raise ValidationError({"cost_date": [_("请填写费用发生日期（发票或付款日期）。")]})
    if cost_date is not None:
        if not isinstance(cost_date, dt.date):
            raise ValidationError({"cost_date": [_("请填写有效的费用发生日期。")]})
        guide = round_guide(rnd)
        if not guide.in_period(cost_date):
            raise ValidationError(
                {
                    "cost_date": [
                        _(
                            "费用发生日期 %(date)s 不在本批次指南的考核期（%(start)s 至 %(end)s）内，"  # noqa: E501
                            "本批次不能申报；请在覆盖该日期的年度批次申报。"
                        )
                        % {
                            "date": cost_date.isoformat(),
                            "start": guide.period_from.isoformat(),
                            "end": guide.period_to.isoformat(),
                        }
                    ]
                }
            )
    return {
        "measure": measure,
        "matter": matter,
        "matter_key": matter_key(matter)[:100],
        "cost_date": cost_date if need.dated else None,
        "cost": cost_value,
        "attributes": attrs,
        "other_public_money": other or Decimal("0.00"),
        "other_public_money_note": other_note,
    }


def check_idempotency_key(key: str) -> str:
    key = (key or "").strip()
    if key and not IDEMPOTENCY_KEY_RE.match(key):
        raise ValidationError({"idempotency_key": [_("幂等键须为 8–80 位字母、数字或 . _ : -。")]})
    return key


@transaction.atomic
def application_save_draft(
    *,
    actor: User,
    round: Round | None = None,
    application: Application | None = None,
    idempotency_key: str = "",
    **fields: Any,
) -> tuple[Application, bool]:
    """Create a draft (``round``) or change a draft/returned application (``application``).

    A create with an ``idempotency_key`` already used by the enterprise returns that
    application unchanged (``created`` False): a double click or a retry makes one application.
    """
    return _save_draft(
        actor=actor,
        round=round,
        application=application,
        idempotency_key=idempotency_key,
        **fields,
    )


def _save_draft(
    *,
    actor: User,
    round: Round | None = None,
    application: Application | None = None,
    idempotency_key: str = "",
    round_read_now: bool = False,
    unsaved_events: list[ApplicationEvent] | None = None,
    **fields: Any,
) -> tuple[Application, bool]:
    """``application_save_draft`` inside the caller's transaction (no savepoint of its own).
    ``round_read_now``: the caller read ``round`` in this very request, so it is not read
    again. ``unsaved_events``: a new draft's event is added to it, for the caller to store
    (with the submission's, in one insert), instead of being stored now."""
    _require_enterprise_user(actor)
    key = check_idempotency_key(idempotency_key)
    enterprise = actor.enterprise
    assert enterprise is not None  # checked by _require_enterprise_user
    if application is None and key:
        existing = get_or_none(Application.objects, enterprise=enterprise, idempotency_key=key)
        if existing is not None:
            return existing, False
    if application is not None:
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("round")
            .get(pk=application.pk)
        )
        if app.enterprise_id != actor.enterprise_id:
            raise PermissionDenied(_("您无权修改该申报。"))
        if app.status not in EDITABLE_STATUSES:
            raise ValidationError(_("只有草稿或退回修改的申报可以修改。"))
        cleaned = clean_fields(rnd=app.round, enterprise=enterprise, **fields)
        before = snapshot(app, fields=list(cleaned))
        for name, value in cleaned.items():
            setattr(app, name, value)
        app.save(update_fields=[*cleaned, "updated_at"])
        audit_record(
            actor=actor,
            action="application.update",
            obj=app,
            before=before,
            after=snapshot(app, fields=list(cleaned)),
        )
        return app, False
    if round is None:
        raise ValidationError({"round": [_("请选择申报批次。")]})
    if not round_read_now:
        round = Round.objects.get(pk=round.pk)  # the caller's instance may be stale
    if not round_accepting(round):
        raise ValidationError({"round": [_("该批次当前不在申报期内，不能新建申报。")]})
    cleaned = clean_fields(rnd=round, enterprise=enterprise, **fields)
    app = Application(
        round=round,
        enterprise=enterprise,
        county_id=enterprise.county_id,
        idempotency_key=key,
        created_by=actor,
        status=S.DRAFT,
        **cleaned,
    )
    if Enterprise.county.is_cached(enterprise):
        app.county = enterprise.county  # read with the caller (the API's token look-up)
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:
        if not key:
            raise
        return Application.objects.get(enterprise=enterprise, idempotency_key=key), False
    event = ApplicationEvent(application=app, from_status="", to_status=S.DRAFT, actor=actor)
    if unsaved_events is None:
        event.save()
    else:
        unsaved_events.append(event)
    audit_record(actor=actor, action="application.create", obj=app, after=snapshot(app))
    return app, True


def _check_complete(app: Application) -> None:
    m = catalogue().get(app.measure)
    if m is not None and fields_for(m).cost and not app.evidence.exists():
        raise ValidationError(_("费用类事项须上传费用凭证（发票、合同、付款凭证等）后才能提交。"))


def application_submit(*, actor: User, application: Application) -> Application:
    """Submit a draft, or resubmit a returned application. Submitting an application that is
    already submitted (a retry) returns it unchanged."""
    # The audit chain's lock is taken after every other write (see audit_appended_last): the
    # deadline rush submits many applications at once and they all append to one chain.
    with transaction.atomic(), audit_appended_last():
        return _submit(actor=actor, application=application)


def _submit(*, actor: User, application: Application) -> Application:
    _require_enterprise_user(actor)
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=application.pk)
    )
    if app.enterprise_id != actor.enterprise_id:
        raise PermissionDenied(_("您无权提交该申报。"))
    if app.status not in EDITABLE_STATUSES:
        if app.submitted_at is not None and app.status != S.WITHDRAWN:
            return app  # already submitted: idempotent
        raise ValidationError(_("该申报当前状态不能提交。"))
    # re-check against the guide: a draft made before a measure closed must not slip through
    clean_fields(
        rnd=app.round,
        enterprise=actor.enterprise,
        measure=app.measure,
        matter=app.matter,
        cost=app.cost,
        attributes=app.attributes,
        other_public_money=app.other_public_money,
        other_public_money_note=app.other_public_money_note,
        cost_date=app.cost_date,
    )
    _check_complete(app)
    return transition(actor=actor, application=app, to=S.SUBMITTED)


def application_create_and_submit(
    *,
    actor: User,
    round: Round,
    idempotency_key: str,
    round_read_now: bool = False,
    **fields: Any,
) -> tuple[Application, bool]:
    """One request that creates and submits (API clients, the form's submit button).
    The idempotency key is required: the same key returns the same application.
    ``round_read_now``: the caller read ``round`` in this very request (the API does, through
    the scoped selector), so it is not read a second time.

    One transaction; its two audit entries (create, transition) are linked into the chain
    together at its end, so the chain's lock is held only for that and the commit."""
    if not check_idempotency_key(idempotency_key):
        raise ValidationError({"idempotency_key": [_("提交申报须提供幂等键（Idempotency-Key）。")]})
    with transaction.atomic(), audit_appended_last():
        events: list[ApplicationEvent] = []
        app, created = _save_draft(
            actor=actor,
            round=round,
            idempotency_key=idempotency_key,
            round_read_now=round_read_now,
            unsaved_events=events,
            **fields,
        )
        if created:
            # inserted and validated a moment ago in this transaction: no second look-up,
            # lock or check; the draft's event is stored with the submission's
            _check_complete(app)
            app = transition_inserted(
                actor=actor, application=app, to=S.SUBMITTED, unsaved_events=events
            )
        elif app.status == S.DRAFT:
            app = _submit(actor=actor, application=app)
    return app, created


# ---------------------------------------------------------------- evidence


@transaction.atomic
def evidence_add(*, actor: User, application: Application, upload: UploadedFile) -> Evidence:
    """Store one evidence file after checking its real type (magic bytes) and size."""
    _require_enterprise_user(actor)
    app = Application.objects.select_for_update().get(pk=application.pk)
    if app.enterprise_id != actor.enterprise_id:
        raise PermissionDenied(_("您无权为该申报上传材料。"))
    if app.status not in EDITABLE_STATUSES:
        raise ValidationError(_("只有草稿或退回修改的申报可以上传材料。"))
    if app.evidence.count() >= ev.MAX_FILES_PER_APPLICATION:
        raise ValidationError(
            {"file": [_("每个申报最多上传 %(n)s 个文件。") % {"n": ev.MAX_FILES_PER_APPLICATION}]}
        )
    name = (upload.name or "").strip()[:255] or "upload"
    if upload.size is not None and upload.size > ev.max_bytes():
        raise ValidationError({"file": [_too_big(name)]})
    info = ev.inspect(upload)
    if info.size == 0:
        raise ValidationError({"file": [_("文件“%(name)s”是空文件。") % {"name": name}]})
    if info.size > ev.max_bytes():
        raise ValidationError({"file": [_too_big(name)]})
    if info.content_type is None:
        raise ValidationError(
            {
                "file": [
                    _("文件“%(name)s”不是允许的类型（仅限 %(types)s，按文件内容识别）。")
                    % {"name": name, "types": ev.ALLOWED_LABEL}
                ]
            }
        )
    evidence = Evidence(
        application=app,
        original_name=name,
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        uploaded_by=actor,
    )
    evidence.file.save("upload", upload, save=False)
    stored = evidence.file.name
    storage = evidence.file.storage
    try:
        evidence.save()
        audit_record(actor=actor, action="evidence.add", obj=evidence, after=snapshot(evidence))
    except Exception:
        storage.delete(stored)
        raise
    return evidence


def _too_big(name: str) -> str:
    return _("文件“%(name)s”超过 %(mb)s MB。") % {"name": name, "mb": ev.max_bytes() // 2**20}


@transaction.atomic
def evidence_remove(*, actor: User, evidence: Evidence) -> None:
    _require_enterprise_user(actor)
    app = Application.objects.select_for_update().get(pk=evidence.application_id)
    if app.enterprise_id != actor.enterprise_id:
        raise PermissionDenied(_("您无权删除该材料。"))
    if app.status not in EDITABLE_STATUSES:
        raise ValidationError(_("只有草稿或退回修改的申报可以删除材料。"))
    before = snapshot(evidence)
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    audit_record(
        actor=actor,
        action="evidence.remove",
        object_type="applications.Evidence",
        object_id=str(before.get("id")),
        object_repr=str(before.get("original_name")),
        before=before,
    )
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------- notifications


@transaction.atomic
def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# ---------------------------------------------------------------- writes on behalf of the fund


@transaction.atomic
def application_create_no_application(
    *, actor: User, round: Round, enterprise: Any, measure: str, comment: str
) -> Application:
    """免申即享: the bureau opens an application the platform can prove from its own data.

    The caller (funds) has checked the proof and the enterprise's online confirmation; this
    creates the record and moves it draft → city_review through the workflow.
    """
    if not can_manage_rounds(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以发起免申即享。"))
    earlier = Application.objects.filter(
        round=round, enterprise=enterprise, measure=measure, origin=ApplicationOrigin.NO_APPLICATION
    ).count()
    application = Application.objects.create(
        round=round,
        enterprise=enterprise,
        measure=measure,
        origin=ApplicationOrigin.NO_APPLICATION,
        county_id=enterprise.county_id,
        submitted_at=timezone.now(),
        idempotency_key=f"no-application:{round.pk}:{measure}:{earlier}",
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="applications.create_no_application",
        obj=application,
        after=snapshot(application),
    )
    return transition(
        actor=actor, application=application, to=ApplicationStatus.CITY_REVIEW, comment=comment
    )


@transaction.atomic
def application_record_explanation(
    *, actor: User, application: Application, explanation: list[dict[str, str]], note: str = ""
) -> Application:
    """Record the engine's explanation for an application without changing its status."""
    if not can_manage_rounds(actor):
        raise PermissionDenied(_("只有市商务局审核人员可以记录测算说明。"))
    locked = Application.objects.select_for_update().get(pk=application.pk)
    before = {"explanation": locked.explanation}
    locked.explanation = explanation
    locked.save(update_fields=["explanation", "updated_at"])
    audit_record(
        actor=actor,
        action="applications.record_explanation",
        obj=locked,
        before=before,
        after={"explanation": explanation, "note": note},
    )
    return locked
