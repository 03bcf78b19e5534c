"""Writes of the mandates app: granting and revoking a mandate, and recording each act a service
platform makes under one (the act itself is done by the app that owns it: a customs upload by
``customs.services.ingest_upload(on_behalf_of=…)``, the trade profile by ``credit.profile``).

Every write is one transaction with its audit entry; an act's entry names the platform user as
actor and the enterprise as the object, so the audit log answers "who did what for whom"."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import own_enterprise_id
from audit.services import audit_record, snapshot
from mandates import selectors
from mandates.models import MANDATE_DAYS, Mandate, MandateAction, MandateScope

if TYPE_CHECKING:
    from accounts.models import User
    from enterprises.models import Enterprise


def _scopes(values: Any) -> list[str]:
    chosen = [str(v) for v in (values or [])]
    if not chosen or any(v not in MandateScope.values for v in chosen):
        raise ValidationError({"scopes": [_("请至少选择一项授权事项。")]})
    return [s for s in MandateScope.values if s in chosen]


@transaction.atomic
def mandate_grant(*, actor: User, platform: User, scopes: Any, days: Any) -> Mandate:
    """An enterprise user authorises a registered service platform to act for its enterprise:
    the chosen scopes, for ``days`` days from now."""
    if not selectors.can_grant(actor):
        raise PermissionDenied(_("只有企业用户可以授权服务平台。"))
    if not selectors.platform_choices().filter(pk=platform.pk).exists():
        raise ValidationError({"platform": [_("请选择已登记的外贸综合服务平台。")]})
    try:
        period = int(days)
    except (TypeError, ValueError):
        period = 0
    if period not in MANDATE_DAYS:
        raise ValidationError({"days": [_("请选择授权期限。")]})
    from enterprises.models import Enterprise

    enterprise = Enterprise.objects.get(pk=own_enterprise_id(actor) or 0)
    now = timezone.now()
    mandate = Mandate.objects.create(
        enterprise=enterprise,
        platform=platform,
        organisation=(platform.organisation or platform.get_username())[:200],
        scopes=_scopes(scopes),
        granted_by=actor,
        granted_at=now,
        expires_at=now + dt.timedelta(days=period),
    )
    audit_record(actor=actor, action="mandates.grant", obj=mandate, after=snapshot(mandate))
    return mandate


@transaction.atomic
def mandate_revoke(*, actor: User, mandate: Mandate) -> Mandate:
    """The enterprise revokes a mandate at once: the platform's next act is refused."""
    locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if not (selectors.can_grant(actor) and own_enterprise_id(actor) == locked.enterprise_id):
        raise PermissionDenied(_("只能撤回本企业的授权。"))
    if locked.revoked_at is not None:
        raise ValidationError(_("该授权已撤回。"))
    before = snapshot(locked)
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor, action="mandates.revoke", obj=locked, before=before, after=snapshot(locked)
    )
    return locked


def mandate_require(*, actor: User, enterprise: Enterprise, scope: str) -> Mandate:
    """The active mandate of ``enterprise`` to ``actor`` that covers ``scope``, locked for the
    caller's transaction; PermissionDenied when there is none (never given, revoked, expired,
    another enterprise's, or outside the granted scopes)."""
    if not selectors.is_service_platform(actor):
        raise PermissionDenied(_("只有外贸综合服务平台可以代企业办理。"))
    candidates = (
        Mandate.objects.select_for_update()
        .filter(Mandate.active_q(), platform_id=actor.pk, enterprise_id=enterprise.pk)
        .order_by("-granted_at", "-pk")
    )
    for mandate in candidates:
        if scope in mandate.scopes:
            return mandate
    raise PermissionDenied(_("该企业未授权贵平台办理此事项，或授权已撤回、已到期。"))


def mandate_act(
    *,
    actor: User,
    mandate: Mandate,
    scope: str,
    what: str,
    obj: models.Model | None = None,
) -> MandateAction:
    """Record one act under ``mandate`` (in the caller's transaction): the act row the
    enterprise sees, and an audit entry with the platform as actor and the enterprise as
    object."""
    action = MandateAction.objects.create(
        mandate=mandate,
        enterprise_id=mandate.enterprise_id,
        platform=actor,
        username=actor.get_username(),
        scope=scope,
        what=what[:300],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    audit_record(
        actor=actor,
        action="mandates.act",
        obj=mandate.enterprise,
        after={
            "mandate": mandate.pk,
            "platform": actor.get_username(),
            "scope": scope,
            "what": action.what,
            "object": f"{action.object_type}:{action.object_id}" if obj is not None else "",
        },
    )
    return action


@transaction.atomic
def trade_profile_read(*, actor: User, enterprise: Enterprise) -> dict[str, Any]:
    """The enterprise's trade profile (``credit.profile.trade``: released customs trade by
    month, direction, mode and market) for a platform it authorised to read it; the read is
    recorded as an act."""
    from credit import profile

    mandate = mandate_require(actor=actor, enterprise=enterprise, scope=MandateScope.TRADE_PROFILE)
    data = profile.trade(enterprise.pk, today=timezone.localdate())
    mandate_act(
        actor=actor,
        mandate=mandate,
        scope=MandateScope.TRADE_PROFILE,
        what=_("查看贸易画像（%(a)s 至 %(b)s）") % {"a": data["from_month"], "b": data["to_month"]},
    )
    return data
