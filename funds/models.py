"""Proposal runs (decision records), public notices (公示) and objections, disbursements and the
bank-account confirmations that 免申即享 grants need.

Application statuses never change here: services call ``applications.workflow.transition``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.status import tones


@tones(done="ok", accepted="ok", failed="err")
class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("测算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    ACCEPTED = "accepted", _("已采纳")


class ProposalRun(models.Model):
    """One run of the engine over a round: the decision record (决策记录).

    ``scenario`` is the complete engine input (guide embedded), so ``ddt policy replay`` can
    re-evaluate it without the database; ``inputs_hash`` is the sha256 of its canonical JSON.
    """

    round = models.ForeignKey(
        "applications.Round",
        verbose_name=_("申报批次"),
        on_delete=models.PROTECT,
        related_name="proposal_runs",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=200, blank=True)
    engine_version = models.CharField(_("引擎版本"), max_length=32, blank=True)
    guide_hash = models.CharField(_("指南哈希"), max_length=80, blank=True)
    inputs_hash = models.CharField(_("输入哈希"), max_length=80, blank=True)
    scenario = models.JSONField(_("测算输入（情景）"), null=True, blank=True)
    result = models.JSONField(_("测算结果"), null=True, blank=True)
    notes = models.JSONField(_("数据说明"), default=list, blank=True)
    claim_count = models.PositiveIntegerField(_("申报数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("采纳人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("采纳时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("资金测算批次")
        verbose_name_plural = _("资金测算批次")

    def __str__(self) -> str:
        return f"#{self.pk} {self.round_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED, RunStatus.ACCEPTED}


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("公示中")
    APPROVED = "approved", _("已批准")


class PublicNotice(models.Model):
    """A public notice (公示) of proposed amounts; public while it runs and after."""

    round = models.ForeignKey(
        "applications.Round",
        verbose_name=_("申报批次"),
        on_delete=models.PROTECT,
        related_name="public_notices",
    )
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    published_on = models.DateField(_("发布日期"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    ends_on = models.DateField(_("公示截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return self.title


class NoticeEntry(models.Model):
    """One line of a notice: the public sees enterprise name, measure title and amount only."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="entries"
    )
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("申报"),
        on_delete=models.PROTECT,
        related_name="notice_entry",
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    measure_title = models.CharField(_("支持事项"), max_length=200)
    amount = models.DecimalField(_("拟支持金额（元）"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("公示条目")
        verbose_name_plural = _("公示条目")

    def __str__(self) -> str:
        return f"{self.enterprise_name} {self.measure_title} {self.amount}"


@tones(open="warn", resolved="ok")
class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")


class Objection(models.Model):
    """An objection (异议) the public files during a notice period.

    ``reference`` (受理编号, ``YY-NNNNNN``: the year and six random digits) is shown to the
    objector when the objection is filed; with it and the phone or e-mail given, the objector
    looks up the objection's status on the notice page (``funds.selectors.objection_lookup``).
    """

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="objections"
    )
    reference = models.CharField(_("受理编号"), max_length=9, unique=True)
    entry = models.ForeignKey(
        NoticeEntry,
        verbose_name=_("针对条目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objections",
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    text = models.TextField(_("异议内容"))
    client_key = models.CharField(_("来源标识（哈希）"), max_length=64, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        constraints = [
            models.CheckConstraint(
                name="objection_has_contact", condition=~Q(phone="") | ~Q(email="")
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.name}"


class Disbursement(models.Model):
    """Money paid (拨付) for one approved application; history for caps and 就高不重复."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("申报"),
        on_delete=models.PROTECT,
        related_name="disbursement",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    measure = models.CharField(_("支持事项"), max_length=64)
    matter = models.CharField(_("事项凭证号"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("资金年度"))
    amount = models.DecimalField(_("拨付金额（元）"), max_digits=16, decimal_places=2)
    paid_on = models.DateField(_("拨付日期"))
    bank_reference = models.CharField(_("银行流水号"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        indexes = [models.Index(fields=["enterprise", "year"], name="disbursement_ent_year")]
        constraints = [
            models.CheckConstraint(name="disbursement_amount_positive", condition=Q(amount__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.amount}"


class BankAccountConfirmation(models.Model):
    """The enterprise confirms its receiving account and the 免申即享 agreement online.

    The account number is not stored in clear: ``account_masked`` keeps the last four digits for
    display and ``account_digest`` an HMAC-SHA256 keyed with a key derived from SECRET_KEY, so the
    finance officer can check that a number read from a bank statement is the confirmed one
    (``funds.services.account_matches``) while a database dump does not reveal the numbers.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="bank_confirmations",
    )
    account_name = models.CharField(_("户名"), max_length=200)
    bank_name = models.CharField(_("开户银行"), max_length=200)
    account_masked = models.CharField(_("账号（脱敏）"), max_length=40)
    account_digest = models.CharField(_("账号摘要"), max_length=64)
    agreement_version = models.CharField(_("协议版本"), max_length=16)
    agreed_at = models.DateTimeField(_("确认时间"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-agreed_at", "-pk"]
        verbose_name = _("收款账户确认")
        verbose_name_plural = _("收款账户确认")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.account_masked}"
