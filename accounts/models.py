"""Users and their roles.

Every user has exactly one role. An enterprise user is bound to one enterprise, a county officer
to one county/zone, a partner has a partner kind (bank, insurer, logistics, warehouse, service
platform).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业用户")
    COUNTY_OFFICER = "county_officer", _("县区商务部门")
    CITY_REVIEWER = "city_reviewer", _("市商务局审核")
    FINANCE_OFFICER = "finance_officer", _("财务人员")
    PARTNER = "partner", _("合作机构")
    ADMINISTRATOR = "administrator", _("平台管理员")


class PartnerKind(models.TextChoices):
    BANK = "bank", _("银行")
    INSURER = "insurer", _("保险机构")
    LOGISTICS = "logistics", _("物流企业")
    WAREHOUSE = "warehouse", _("海外仓运营")
    # 外贸综合服务平台 (e.g. Donghai's 晶贸通): acts for the enterprises that authorise it
    # (mandates/, docs/mandates.md)
    SERVICE_PLATFORM = "service_platform", _("外贸综合服务平台")
    # 合规服务机构 (associations, third-party organisations): write compliance articles and answer
    # the questions routed to their topics (compliance/, docs/compliance.md)
    ADVISOR = "advisor", _("合规服务机构")


class DdtUserManager(UserManager["User"]):
    """``ddt createsuperuser`` makes a platform administrator (the role the constraints need)."""

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.ENTERPRISE)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    county = models.ForeignKey(
        "codes.County",
        verbose_name=_("所属县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    partner_kind = models.CharField(
        _("合作机构类型"), max_length=16, choices=PartnerKind.choices, blank=True
    )
    organisation = models.CharField(_("所属机构"), max_length=200, blank=True)
    # A logistics partner's company: the customs code of its logistics enterprise (物流企业代码,
    # ``logisticsCode`` in the CEB messages). Logistics tracking and capacity vouchers both
    # scope a logistics partner user's data by this code (``accounts.access.own_logistics_code``).
    logistics_code = models.CharField(
        _("物流企业海关编码"), max_length=18, blank=True, db_index=True
    )
    phone = models.CharField(_("手机号"), max_length=32, blank=True)
    # Set when an administrator resets the password to a one-time password: every page sends
    # the user to the password change until they choose their own (accounts.middleware).
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    objects: ClassVar[DdtUserManager] = DdtUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="enterprise_user_has_enterprise",
                condition=~Q(role="enterprise") | Q(enterprise__isnull=False) | Q(is_active=False),
            ),
            models.CheckConstraint(
                name="county_officer_has_county",
                condition=~Q(role="county_officer") | Q(county__isnull=False),
            ),
        ]

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def is_county_officer(self) -> bool:
        return self.role == Role.COUNTY_OFFICER

    @property
    def is_city_reviewer(self) -> bool:
        return self.role == Role.CITY_REVIEWER

    @property
    def is_finance_officer(self) -> bool:
        return self.role == Role.FINANCE_OFFICER

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser

    @property
    def is_officer(self) -> bool:
        """Government staff who read the enterprise registry (scope decided by selectors)."""
        return self.role in {Role.COUNTY_OFFICER, Role.CITY_REVIEWER, Role.FINANCE_OFFICER} or (
            self.is_administrator
        )


class LoginFailure(models.Model):
    """One failed login attempt, kept to lock out repeated guessing.

    Counted per (user name, client address) for the lock-out and per client address for the
    log-in throttle (``accounts.services``); rows older than those windows are pruned.
    """

    username = models.CharField(max_length=150, db_index=True)
    client_ip = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [
            models.Index(fields=["username", "client_ip", "at"], name="loginfailure_user_ip_at"),
            models.Index(fields=["client_ip", "at"], name="loginfailure_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.client_ip}"


class RegistrationAttempt(models.Model):
    """One self-registration request from a client address, kept to throttle registrations."""

    client_ip = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("注册请求记录")
        verbose_name_plural = _("注册请求记录")
        indexes = [models.Index(fields=["client_ip", "at"], name="registration_ip_at")]

    def __str__(self) -> str:
        return f"{self.client_ip} @ {self.at:%Y-%m-%d %H:%M}"


class TokenScope(models.TextChoices):
    """What a bearer token may do. ``read``: safe methods only (GET, HEAD, OPTIONS);
    ``write``: everything the owner's role allows, except creating tokens (that needs the
    browser session)."""

    READ = "read", _("只读")
    WRITE = "write", _("读写")


def default_token_expiry() -> dt.datetime:
    """A new token's end of life: ``DDT_API_TOKEN_DAYS`` from now (also the value the
    migration gave the tokens that existed before expiry was introduced)."""
    return timezone.now() + dt.timedelta(days=settings.DDT_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    scope = models.CharField(
        _("权限范围"), max_length=8, choices=TokenScope.choices, default=TokenScope.WRITE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), default=default_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired
