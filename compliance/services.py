"""Writes of the compliance desk: articles (create, edit, publish, withdraw), an advisor's topics,
questions (ask, answer). Each write is one transaction with its audit entry; an answer notifies
the enterprise user who asked (applications' in-app Notification)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_city_reviewer, own_enterprise_id
from audit.services import audit_record, snapshot
from compliance import search, selectors
from compliance.models import (
    ANSWER_MAX,
    BODY_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    AdvisorTopic,
    Article,
    ArticleStatus,
    Question,
    QuestionStatus,
    Topic,
)

if TYPE_CHECKING:
    from accounts.models import User
    from codes.models import Country


def _text(value: Any, *, field: str, limit: int, required: bool = True) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationError({field: [_("此项为必填项。")]})
    if len(text) > limit:
        raise ValidationError({field: [_("不能超过 %(n)s 个字符。") % {"n": limit}]})
    return text


def _topic(value: Any) -> str:
    if value not in Topic.values:
        raise ValidationError({"topic": [_("请选择主题。")]})
    return str(value)


def _fill(
    article: Article, *, title: Any, topic: Any, body: Any, summary: Any, source: Any
) -> None:
    article.title = _text(title, field="title", limit=TITLE_MAX)
    article.topic = _topic(topic)
    article.body = _text(body, field="body", limit=BODY_MAX)
    article.summary = _text(summary, field="summary", limit=300, required=False)
    article.source = _text(source, field="source", limit=300, required=False)
    article.search_text = search.search_text_of(article.title, article.summary, article.body)


@transaction.atomic
def article_create(
    *,
    actor: User,
    title: Any,
    topic: Any,
    body: Any,
    summary: Any = "",
    source: Any = "",
    countries: Iterable[Country] = (),
    publish: bool = False,
) -> Article:
    if not selectors.can_write(actor):
        raise PermissionDenied(_("只有市商务局和合规服务机构可以撰写合规知识。"))
    by_city = is_city_reviewer(actor)
    article = Article(
        author=actor,
        by_city=by_city,
        organisation=(_("连云港市商务局") if by_city else actor.organisation or actor.username)[
            :200
        ],
    )
    _fill(article, title=title, topic=topic, body=body, summary=summary, source=source)
    if publish:
        article.status = ArticleStatus.PUBLISHED
        article.published_at = timezone.now()
    article.save()
    article.countries.set(list(countries))
    audit_record(
        actor=actor, action="compliance.article_create", obj=article, after=snapshot(article)
    )
    return article


@transaction.atomic
def article_update(
    *,
    actor: User,
    article: Article,
    title: Any,
    topic: Any,
    body: Any,
    summary: Any = "",
    source: Any = "",
    countries: Iterable[Country] = (),
) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if not selectors.can_edit(actor, locked):
        raise PermissionDenied(_("无权修改该文章。"))
    before = snapshot(locked)
    _fill(locked, title=title, topic=topic, body=body, summary=summary, source=source)
    locked.save()
    locked.countries.set(list(countries))
    audit_record(
        actor=actor,
        action="compliance.article_update",
        obj=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def article_set_status(*, actor: User, article: Article, status: str) -> Article:
    """Publish a draft, or withdraw a published article back to draft."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if not selectors.can_edit(actor, locked):
        raise PermissionDenied(_("无权修改该文章。"))
    if status not in ArticleStatus.values or status == locked.status:
        raise ValidationError(_("文章已是该状态。"))
    before = snapshot(locked)
    locked.status = status
    if status == ArticleStatus.PUBLISHED:
        locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action=f"compliance.article_{status}",
        obj=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def advisor_topics_set(*, actor: User, topics: Iterable[Any]) -> list[str]:
    """An advisory organisation declares the topics it answers questions on."""
    if not selectors.is_advisor(actor):
        raise PermissionDenied(_("只有合规服务机构可以设置服务主题。"))
    chosen = {str(t) for t in topics}
    if any(t not in Topic.values for t in chosen):
        raise ValidationError({"topics": [_("请选择有效的主题。")]})
    before = sorted(selectors.advisor_topics(actor))
    AdvisorTopic.objects.filter(advisor=actor).exclude(topic__in=chosen).delete()
    for topic in chosen - set(before):
        AdvisorTopic.objects.create(advisor=actor, topic=topic)
    after = [t for t in Topic.values if t in chosen]
    audit_record(
        actor=actor,
        action="compliance.advisor_topics",
        obj=actor,
        before={"topics": before},
        after={"topics": after},
    )
    return after


def response_days() -> int:
    return int(getattr(settings, "COMPLIANCE_RESPONSE_DAYS", 3))


@transaction.atomic
def question_ask(*, actor: User, topic: Any, text: Any, country: Country | None = None) -> Question:
    """An enterprise user asks; the question goes to every advisor of the topic (and the city,
    which sees all questions), due ``COMPLIANCE_RESPONSE_DAYS`` days later."""
    if not selectors.can_ask(actor):
        raise PermissionDenied(_("只有企业用户可以提出合规咨询。"))
    from enterprises.models import Enterprise

    now = timezone.now()
    question = Question.objects.create(
        enterprise=Enterprise.objects.get(pk=own_enterprise_id(actor) or 0),
        asked_by=actor,
        topic=_topic(topic),
        country=country,
        text=_text(text, field="text", limit=QUESTION_MAX),
        asked_at=now,
        due_at=now + dt.timedelta(days=response_days()),
    )
    question.routed_to.set(list(selectors.advisors_for(question.topic)))
    audit_record(
        actor=actor, action="compliance.question_ask", obj=question, after=snapshot(question)
    )
    return question


@transaction.atomic
def question_answer(*, actor: User, question: Question, answer: Any) -> Question:
    from applications.models import Notification

    locked = Question.objects.select_for_update().get(pk=question.pk)
    if not selectors.can_answer(actor, locked):
        if locked.status != QuestionStatus.OPEN:
            raise ValidationError(_("该咨询已答复。"))
        raise PermissionDenied(_("该咨询未分派给贵单位。"))
    before = snapshot(locked)
    locked.answer = _text(answer, field="answer", limit=ANSWER_MAX)
    locked.status = QuestionStatus.ANSWERED
    locked.answered_by = actor
    locked.answered_org = (
        _("连云港市商务局") if is_city_reviewer(actor) else actor.organisation or actor.username
    )[:200]
    locked.answered_at = timezone.now()
    locked.save()
    Notification.objects.create(
        user=locked.asked_by,
        message=_("您的合规咨询已由 %(org)s 答复：%(q)s")
        % {"org": locked.answered_org, "q": locked.text[:40]},
    )
    audit_record(
        actor=actor,
        action="compliance.question_answer",
        obj=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked
