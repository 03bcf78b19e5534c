"""Reads of the compliance desk, with who may see what:

* articles: every signed-in user reads published articles; a draft is seen by its author only,
  and a city-written draft by every city reviewer;
* writers: city reviewers (for the city) and advisory organisations (partner kind ``advisor``);
* questions: an enterprise user sees its enterprise's questions; an advisor the questions routed
  to it; city level sees every question (and answers any); anyone else sees none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import (
    is_city_level,
    is_city_reviewer,
    is_enterprise_user,
    is_officer,
    is_partner,
    own_enterprise_id,
)
from accounts.models import PartnerKind, Role, User
from compliance.filters import ArticleFilterSet, QuestionFilterSet
from compliance.models import (
    COMPLIANCE_EVENT_WORDS,
    TOPIC_EVENT_WORDS,
    AdvisorTopic,
    Article,
    ArticleStatus,
    Question,
    QuestionStatus,
    Topic,
)

if TYPE_CHECKING:
    from accounts.access import AnyUser
    from codes.models import Country
    from events.models import Event


def is_advisor(user: AnyUser | None) -> bool:
    """A partner user of the advisory organisation kind (合规服务机构)."""
    return is_partner(user) and getattr(user, "partner_kind", "") == PartnerKind.ADVISOR


def can_read(user: AnyUser | None) -> bool:
    """Reads the knowledge base: enterprise users, officers, advisory organisations."""
    return is_enterprise_user(user) or is_officer(user) or is_advisor(user)


def can_write(user: AnyUser | None) -> bool:
    return is_city_reviewer(user) or is_advisor(user)


def can_ask(user: AnyUser | None) -> bool:
    return is_enterprise_user(user)


def is_question_user(user: AnyUser | None) -> bool:
    """Has a questions page: an enterprise user, an advisor, city level."""
    return can_ask(user) or is_advisor(user) or is_city_level(user)


def article_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Article]:
    if not can_read(user):
        return Article.objects.none()
    visible = Q(status=ArticleStatus.PUBLISHED) | Q(author_id=getattr(user, "pk", None))
    if is_city_reviewer(user):
        visible |= Q(by_city=True)
    qs = Article.objects.filter(visible).select_related("author").prefetch_related("countries")
    return ArticleFilterSet.apply(qs, filters)


def article_get_for(*, user: AnyUser | None, pk: int) -> Article:
    article = article_list_for(user=user).filter(pk=pk).first()
    if article is None:
        raise Http404("not found")
    return article


def can_edit(user: AnyUser | None, article: Article) -> bool:
    """The author, or (for a city-written article) any city reviewer."""
    if not can_write(user):
        return False
    return article.author_id == getattr(user, "pk", None) or (
        article.by_city and is_city_reviewer(user)
    )


def advisor_topics(user: AnyUser | None) -> list[str]:
    return list(
        AdvisorTopic.objects.filter(advisor_id=getattr(user, "pk", None)).values_list(
            "topic", flat=True
        )
    )


def advisors_for(topic: str) -> QuerySet[User]:
    """The active advisory organisations that cover ``topic``."""
    return User.objects.filter(
        role=Role.PARTNER,
        partner_kind=PartnerKind.ADVISOR,
        is_active=True,
        compliance_topics__topic=topic,
    ).distinct()


def country_by_code(code: str) -> Country | None:
    """The country (region) with customs code ``code``, or None."""
    from codes.models import Country

    return Country.objects.filter(customs_code=str(code)[:3]).first() if code else None


def question_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Question]:
    qs = Question.objects.select_related("enterprise", "country", "asked_by")
    if is_city_level(user):
        pass
    elif can_ask(user):
        qs = qs.filter(enterprise_id=own_enterprise_id(user) or 0)
    elif is_advisor(user):
        qs = qs.filter(routed_to=getattr(user, "pk", None))
    else:
        return qs.none()
    qs = QuestionFilterSet.apply(qs, filters)
    if (filters or {}).get("overdue"):
        qs = qs.filter(status=QuestionStatus.OPEN, due_at__lt=timezone.now())
    return qs  # one row per question: routed_to is matched against one user


def question_get_for(*, user: AnyUser | None, pk: int) -> Question:
    question = question_list_for(user=user).filter(pk=pk).first()
    if question is None:
        raise Http404("not found")
    return question


def can_answer(user: AnyUser | None, question: Question) -> bool:
    if question.status != QuestionStatus.OPEN:
        return False
    if is_city_reviewer(user):
        return True
    return is_advisor(user) and question.routed_to.filter(pk=getattr(user, "pk", None)).exists()


def open_by_topic(*, user: AnyUser | None) -> list[dict[str, Any]]:
    """The bureau's view: open and overdue questions per topic (city level only)."""
    if not is_city_level(user):
        return []
    now = timezone.now()
    rows = (
        Question.objects.filter(status=QuestionStatus.OPEN)
        .values("topic")
        .annotate(waiting=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
    )
    by_topic = {r["topic"]: r for r in rows}
    return [
        {
            "topic": value,
            "label": label,
            "open": by_topic.get(value, {}).get("waiting", 0),
            "overdue": by_topic.get(value, {}).get("late", 0),
        }
        for value, label in Topic.choices
    ]


def trainings_for(topic: str = "", *, limit: int = 5) -> QuerySet[Event]:
    """Upcoming published events of the events app that are compliance trainings (of
    ``topic`` when given): matched by words in their title (the events app has no topic)."""
    from events.models import Event, EventStatus

    words = COMPLIANCE_EVENT_WORDS + TOPIC_EVENT_WORDS.get(topic, ())
    match = Q()
    for word in words:
        match |= Q(title__contains=word)
    return Event.objects.filter(
        match, status=EventStatus.PUBLISHED, starts_at__gte=timezone.now()
    ).order_by("starts_at")[:limit]
