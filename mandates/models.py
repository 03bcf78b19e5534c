"""Mandates: an enterprise authorises a service platform (外贸综合服务平台, e.g. 晶贸通) to act
for it, within scopes and a period, revocable at once; every act the platform makes under a
mandate is recorded with both the platform and the enterprise (docs/mandates.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.status import tones

# The periods an enterprise may choose (days).
MANDATE_DAYS = (30, 90, 180, 365)


class MandateScope(models.TextChoices):
    CUSTOMS_UPLOAD = "customs_upload", _("代为上传海关数据")
    APPLY = "apply", _("代为申请服务")
    TRADE_PROFILE = "trade_profile", _("查看贸易画像")


@tones(active="ok", revoked="", expired="")
class MandateState(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤回")
    EXPIRED = "expired", _("已到期")


class Mandate(models.Model):
    """An enterprise's authorisation of a service platform user: which acts, until when.
    Active while not revoked and ``granted_at <= now < expires_at``."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("授权企业"),
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    platform = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务平台用户"),
        on_delete=models.PROTECT,
        related_name="mandates_received",
    )
    organisation = models.CharField(_("服务平台"), max_length=200)
    scopes = models.JSONField(_("授权范围"), default=list)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授权时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    state_choices = MandateState

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("代办授权")
        verbose_name_plural = _("代办授权")
        constraints = [
            models.CheckConstraint(
                name="mandate_period", condition=Q(expires_at__gt=F("granted_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.organisation}"

    @staticmethod
    def active_q(*, now: dt.datetime | None = None) -> Q:
        now = now or timezone.now()
        return Q(revoked_at__isnull=True, granted_at__lte=now, expires_at__gt=now)

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.granted_at <= now < self.expires_at

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return MandateState.REVOKED
        return MandateState.ACTIVE if self.is_active() else MandateState.EXPIRED

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(MandateScope.choices)
        return [str(labels.get(s, s)) for s in self.scopes]


class MandateAction(models.Model):
    """One act a platform made for an enterprise under a mandate: who, when, what."""

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("代办授权"), on_delete=models.PROTECT, related_name="actions"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    platform = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务平台用户"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("操作用户"), max_length=150)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    scope = models.CharField(_("事项"), max_length=16, choices=MandateScope.choices)
    what = models.CharField(_("内容"), max_length=300)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("代办记录")
        verbose_name_plural = _("代办记录")

    def __str__(self) -> str:
        return f"{self.username} {self.scope} {self.enterprise_id}"
