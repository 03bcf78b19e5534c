"""Compliance desk (article 十九): a knowledge base of compliance articles written by the city
and by compliance advisory organisations, searchable in Chinese, and questions (咨询) from
enterprises routed to the organisations that cover the topic (docs/compliance.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.status import tones

TITLE_MAX = 200
BODY_MAX = 20_000
QUESTION_MAX = 2_000
ANSWER_MAX = 5_000


class Topic(models.TextChoices):
    CLEARANCE = "clearance", _("境外清关规则")
    TAX = "tax", _("税务法规")
    FUNDS = "funds", _("资金管理")
    IP = "ip", _("知识产权纠纷")
    PLATFORM = "platform", _("平台规则")


#: Words that mark an event of the events app as a compliance training of a topic: the events
#: app has no topic field, so the desk links events by their title (docs/compliance.md).
TOPIC_EVENT_WORDS: dict[str, tuple[str, ...]] = {
    Topic.CLEARANCE: ("清关", "通关", "海关"),
    Topic.TAX: ("税",),
    Topic.FUNDS: ("资金", "结汇", "外汇", "收汇"),
    Topic.IP: ("知识产权", "商标", "专利", "侵权"),
    Topic.PLATFORM: ("平台规则", "平台政策"),
}
#: Any compliance training (a page without a topic).
COMPLIANCE_EVENT_WORDS: tuple[str, ...] = ("合规",)


@tones(published="ok", draft="")
class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Article(models.Model):
    """A knowledge-base article: plain text paragraphs (rendered escaped), one topic, the
    countries it concerns (none = general). ``search_text`` is the lower-cased title and body
    the search index reads (kept by the services)."""

    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    topic = models.CharField(_("主题"), max_length=16, choices=Topic.choices, db_index=True)
    countries = models.ManyToManyField(
        "codes.Country", verbose_name=_("国别（地区）"), blank=True, related_name="+"
    )
    body = models.TextField(_("正文"))
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    source = models.CharField(_("依据/出处"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰写人"),
        on_delete=models.PROTECT,
        related_name="compliance_articles",
    )
    organisation = models.CharField(_("撰写单位"), max_length=200)
    by_city = models.BooleanField(_("市商务局撰写"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("合规知识")
        verbose_name_plural = _("合规知识")
        indexes = [models.Index(fields=["status", "topic"], name="compliance_article_st")]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n") if p.strip()]


class AdvisorTopic(models.Model):
    """A topic an advisory organisation (partner kind ``advisor``) covers: questions on it are
    routed to the organisation."""

    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("合规服务机构"),
        on_delete=models.CASCADE,
        related_name="compliance_topics",
    )
    topic = models.CharField(_("主题"), max_length=16, choices=Topic.choices)

    class Meta:
        verbose_name = _("服务主题")
        verbose_name_plural = _("服务主题")
        constraints = [
            models.UniqueConstraint(fields=["advisor", "topic"], name="compliance_advisor_topic")
        ]

    def __str__(self) -> str:
        return f"{self.advisor_id} {self.topic}"


@tones(open="warn", answered="ok")
class QuestionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")


class Question(models.Model):
    """An enterprise's question (咨询), routed to the advisors of its topic and to the city;
    due ``COMPLIANCE_RESPONSE_DAYS`` calendar days after it was asked."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="compliance_questions",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提问人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic = models.CharField(_("主题"), max_length=16, choices=Topic.choices, db_index=True)
    country = models.ForeignKey(
        "codes.Country",
        verbose_name=_("国别（地区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("问题"))
    status = models.CharField(
        _("状态"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    asked_at = models.DateTimeField(_("提问时间"), default=timezone.now)
    due_at = models.DateTimeField(_("答复期限"))
    routed_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分派机构"),
        blank=True,
        related_name="compliance_questions_routed",
    )
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_org = models.CharField(_("答复单位"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("合规咨询")
        verbose_name_plural = _("合规咨询")
        indexes = [models.Index(fields=["status", "due_at"], name="compliance_question_due")]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def overdue(self) -> bool:
        return self.status == QuestionStatus.OPEN and self.due_at < timezone.now()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n") if p.strip()]

    @property
    def answer_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.answer.split("\n") if p.strip()]
