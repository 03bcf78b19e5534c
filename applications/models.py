"""Application rounds (申报批次), applications (申报), evidence files, status history and
in-app notifications.

Status changes happen only through ``applications.workflow.transition``; the table of allowed
edges lives there (and in docs/applications.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.status import tones


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("未开放")
    OPEN = "open", _("申报中")
    CLOSED = "closed", _("已截止")


class BudgetMode(models.TextChoices):
    PRO_RATA = "pro_rata", _("按比例分配")
    FIRST_COME = "first_come", _("先到先得")


class Round(models.Model):
    """One application round (申报批次) of a guide year; the guide fixes measures and terms."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    name = models.CharField(_("批次名称"), max_length=200)
    guide_year = models.CharField(_("申报指南年度"), max_length=8)
    guide_hash = models.CharField(_("指南内容哈希"), max_length=80)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    budget_total = models.DecimalField(_("预算总额（元）"), max_digits=16, decimal_places=2)
    budget_mode = models.CharField(
        _("预算分配方式"), max_length=16, choices=BudgetMode.choices, default=BudgetMode.PRO_RATA
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year", "-opens_on", "-pk"]
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        constraints = [
            models.CheckConstraint(
                name="round_dates_ordered", condition=Q(closes_on__gte=models.F("opens_on"))
            ),
            models.CheckConstraint(
                name="round_budget_not_negative", condition=Q(budget_total__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name


@tones(
    approved="ok",
    disbursed="ok",
    proposed="ok",
    public_notice="ok",
    returned="warn",
    submitted="warn",
    county_review="warn",
    city_review="warn",
    rejected="err",
)
class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待县区审核")
    COUNTY_REVIEW = "county_review", _("县区审核中")
    CITY_REVIEW = "city_review", _("待市级审核")
    PROPOSED = "proposed", _("拟支持")
    PUBLIC_NOTICE = "public_notice", _("公示中")
    APPROVED = "approved", _("已批准")
    DISBURSED = "disbursed", _("已拨付")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("不予支持")
    WITHDRAWN = "withdrawn", _("已撤回")


class ApplicationOrigin(models.TextChoices):
    APPLICATION = "application", _("企业申报")
    NO_APPLICATION = "no_application", _("免申即享")


class Application(models.Model):
    """One claim of one enterprise for one measure in one round."""

    round = models.ForeignKey(
        Round, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("申报企业"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    measure = models.CharField(_("支持事项"), max_length=64, db_index=True)
    matter = models.CharField(
        _("事项凭证号（发票/合同号）"), max_length=100, blank=True, db_index=True
    )
    # the matter's identity (entitlement.matter.matter_key of ``matter``: case, spaces,
    # full-width forms and punctuation ignored), set by the services; ``matter`` stays as typed
    matter_key = models.CharField(
        _("事项标识"), max_length=100, blank=True, db_index=True, editable=False
    )
    cost = models.DecimalField(
        _("申报费用（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # the day the cost arose (invoice/payment date): the engine compares it with the policy
    # start and the round's guide period (考核期); empty on applications made before it existed
    cost_date = models.DateField(_("费用发生日期"), null=True, blank=True)
    attributes = models.JSONField(_("其他申报信息"), default=dict, blank=True)
    other_public_money = models.DecimalField(
        _("同一事项已获其他财政资金（元）"), max_digits=16, decimal_places=2, default=0
    )
    other_public_money_note = models.CharField(_("其他财政资金说明"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    origin = models.CharField(
        _("来源"),
        max_length=16,
        choices=ApplicationOrigin.choices,
        default=ApplicationOrigin.APPLICATION,
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=80, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    county = models.ForeignKey(
        "codes.County",
        verbose_name=_("所属县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_proposed = models.DecimalField(
        _("拟支持金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    amount_approved = models.DecimalField(
        _("批准金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    amount_paid = models.DecimalField(
        _("拨付金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    explanation = models.JSONField(_("金额说明"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("资金申报")
        verbose_name_plural = _("资金申报")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="application_idempotency_key_unique",
            ),
            models.CheckConstraint(
                name="application_cost_not_negative",
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
            ),
            models.CheckConstraint(
                name="application_other_money_not_negative", condition=Q(other_public_money__gte=0)
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status"], name="application_county_status"),
            models.Index(fields=["round", "status"], name="application_round_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.enterprise_id} {self.measure}"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A private path: the name never comes from the client (only the extension we chose)."""
    import uuid

    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"private/evidence/{instance.application_id}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """An evidence file (证明材料) of an application, stored through Django's storage API."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=evidence_upload_to, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")

    def __str__(self) -> str:
        return self.original_name


class EvidenceMatchDecision(models.TextChoices):
    SAME = "same", _("同一事项")
    DIFFERENT = "different", _("不同事项")


class EvidenceMatch(models.Model):
    """A reviewer's decision on two applications of one enterprise that share an evidence file
    (same SHA-256): the same matter (就高不重复: grouped as one matter in proposal runs) or
    different matters (the flag is cleared). ``first`` is the application with the smaller id.
    """

    first = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        Application, verbose_name=_("另一申报"), on_delete=models.CASCADE, related_name="+"
    )
    decision = models.CharField(_("审核认定"), max_length=16, choices=EvidenceMatchDecision.choices)
    comment = models.CharField(_("说明"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), auto_now=True)

    class Meta:
        ordering = ["first", "second"]
        verbose_name = _("证明材料重复认定")
        verbose_name_plural = _("证明材料重复认定")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="evidence_match_pair_unique"),
            models.CheckConstraint(
                name="evidence_match_pair_ordered", condition=Q(first__lt=models.F("second"))
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} ~ #{self.second_id}: {self.decision}"


class ApplicationEvent(models.Model):
    """One status change of an application (the history the enterprise and reviewers see)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("申报状态记录")
        verbose_name_plural = _("申报状态记录")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Notification(models.Model):
    """An in-app message to one user about one application."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="application_notifications",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("申报"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.TextField(_("消息"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")

    def __str__(self) -> str:
        return self.message[:50]
