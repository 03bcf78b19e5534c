"""Trainings and matchmaking events (培训与对接活动), registrations and attendance.

Definitions used by the 2027 targets (see docs/events-and-warehouses.md):

- training person-times (培训人次) = attended registrations of non-cancelled training and
  competition events;
- matchmaking events (对接活动) = non-cancelled events whose kind is matchmaking, salon or summit
  and that have started.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.status import tones


class EventKind(models.TextChoices):
    TRAINING = "training", _("培训")
    MATCHMAKING = "matchmaking", _("供需对接会")
    SALON = "salon", _("沙龙")
    SUMMIT = "summit", _("峰会/论坛")
    COMPETITION = "competition", _("大赛")


#: Kinds whose attendance counts toward "training ≥ 4,000 person-times a year" (art. (十六):
#: talent training, including the competitions that article lists).
TRAINING_KINDS: frozenset[str] = frozenset({EventKind.TRAINING, EventKind.COMPETITION})

#: Kinds that count toward the "matchmaking events ≥ 40 a year" target (art. (十八)).
MATCHMAKING_KINDS: frozenset[str] = frozenset(
    {EventKind.MATCHMAKING, EventKind.SALON, EventKind.SUMMIT}
)


@tones(published="ok", cancelled="err")
class EventStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")
    FINISHED = "finished", _("已结束")


class Event(models.Model):
    title = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=16, choices=EventKind.choices)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    county = models.ForeignKey(
        "codes.County",
        verbose_name=_("举办县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("为空表示全市性活动。"),
    )
    venue = models.CharField(_("地点"), max_length=300, blank=True)
    organiser = models.CharField(_("主办单位"), max_length=200)
    organiser_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organised_events",
    )
    capacity = models.PositiveIntegerField(_("名额"))
    description = models.TextField(_("活动介绍"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=EventStatus.choices, default=EventStatus.PUBLISHED
    )
    check_in_code = models.CharField(_("签到码"), max_length=8, unique=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        indexes = [
            models.Index(fields=["kind", "starts_at"]),
            models.Index(fields=["county", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(name="event_capacity_positive", condition=Q(capacity__gt=0)),
            models.CheckConstraint(
                name="event_ends_after_start",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def counts_as_matchmaking(self) -> bool:
        return self.kind in MATCHMAKING_KINDS


#: Letters and digits of check-in codes: no 0/O, 1/I, so a code read aloud or from a phone
#: screen is typed right.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_registration_code() -> str:
    """A random personal check-in code, unique among registrations (the field's default)."""
    while True:
        code = random_code()
        if not Registration.objects.filter(check_in_code=code).exists():
            return code


class RegistrationSource(models.TextChoices):
    ONLINE = "online", _("线上报名")
    IMPORT = "import", _("名单导入")
    CHECK_IN = "check_in", _("现场签到")


class Registration(models.Model):
    """One person registered for (or attending) one event."""

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="registrations"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    organisation = models.CharField(_("单位"), max_length=200, blank=True)
    source = models.CharField(
        _("来源"),
        max_length=16,
        choices=RegistrationSource.choices,
        default=RegistrationSource.ONLINE,
    )
    attended = models.BooleanField(_("已签到"), default=False)
    check_in_code = models.CharField(
        _("个人签到码"),
        max_length=8,
        unique=True,
        default=new_registration_code,
        help_text=_("报名人到场后出示或输入，用于本人签到。"),
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        indexes = [models.Index(fields=["event", "attended"])]
        constraints = [
            models.UniqueConstraint(fields=["event", "phone"], name="registration_unique_phone"),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="registration_unique_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.name}"
