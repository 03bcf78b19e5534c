"""The compliance lists' filters, declared once: the page forms, the API queries and the
selectors' narrowing. The article keyword goes through the Chinese full-text search
(compliance/search.py), not a plain ``icontains``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from compliance import search
from compliance.models import Article, ArticleStatus, QuestionStatus, Topic
from core.filters import Filter, FilterSet, choices_with_all


def _country(qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
    # a subquery, not a join: no duplicate rows, so the list needs no DISTINCT
    through = Article.countries.through
    ids = through.objects.filter(country__customs_code=str(value)[:3]).values("article_id")
    return qs.filter(pk__in=ids)


def _search(qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
    return search.matching(qs, str(value))


class ArticleFilterSet(FilterSet):
    q = Filter(forms.CharField(label=_("关键词"), max_length=search.QUERY_MAX), _search)
    topic = Filter(
        forms.ChoiceField(label=_("主题"), choices=choices_with_all(Topic.choices)), "topic"
    )
    country = Filter(forms.CharField(label=_("国别代码"), max_length=3), _country)
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(ArticleStatus.choices)),
        "status",
    )


class QuestionFilterSet(FilterSet):
    topic = Filter(
        forms.ChoiceField(label=_("主题"), choices=choices_with_all(Topic.choices)), "topic"
    )
    status = Filter(
        forms.ChoiceField(label=_("状态"), choices=choices_with_all(QuestionStatus.choices)),
        "status",
    )
