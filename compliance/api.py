"""Compliance desk API (/api/v1/compliance): search and read published articles, list the
questions the caller may see, ask (enterprise) and answer (routed advisor, city). Same permissions
as the pages; refusals are 403 JSON errors, unknown or hidden objects 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accounts.auth import api_caller
from compliance import selectors, services
from compliance.filters import ArticleFilterSet, QuestionFilterSet
from compliance.models import ANSWER_MAX, QUESTION_MAX
from core.lists import api_list

router = Router(tags=["compliance"])

ArticleQuery = ArticleFilterSet.schema()
QuestionQuery = QuestionFilterSet.schema()


class ArticleOut(Schema):
    id: int
    title: str
    topic: str
    status: str
    organisation: str
    summary: str
    countries: list[str]
    published_at: dt.datetime | None

    @staticmethod
    def resolve_countries(obj: Any) -> list[str]:
        return [c.customs_code for c in obj.countries.all()]


class ArticleDetailOut(ArticleOut):
    body: str
    source: str


class QuestionOut(Schema):
    id: int
    enterprise_name: str
    topic: str
    country: str | None
    text: str
    status: str
    overdue: bool
    asked_at: dt.datetime
    due_at: dt.datetime
    answer: str
    answered_org: str
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise_name(obj: Any) -> str:
        return str(obj.enterprise.name)

    @staticmethod
    def resolve_country(obj: Any) -> str | None:
        return obj.country.customs_code if obj.country else None


class AskIn(Schema):
    topic: str = Field(max_length=16)
    country: str | None = Field(None, max_length=3, description="海关国别代码 / customs code")
    text: str = Field(max_length=QUESTION_MAX)


class AnswerIn(Schema):
    answer: str = Field(max_length=ANSWER_MAX)


@router.get("/articles", response=list[ArticleOut], summary="合规知识 / articles")
@api_list
def article_list(request: HttpRequest, filters: Query[ArticleQuery]) -> Any:  # type: ignore[valid-type]
    """Published articles (and the caller's own drafts); ``q`` is the Chinese full-text search."""
    return selectors.article_list_for(user=api_caller(request), filters=filters.dict())  # type: ignore[attr-defined]


@router.get("/articles/{pk}", response=ArticleDetailOut, summary="合规知识全文 / article")
def article_detail(request: HttpRequest, pk: int) -> Any:
    return selectors.article_get_for(user=api_caller(request), pk=pk)


@router.get("/questions", response=list[QuestionOut], summary="合规咨询 / questions")
@api_list
def question_list(request: HttpRequest, filters: Query[QuestionQuery]) -> Any:  # type: ignore[valid-type]
    """An enterprise's own questions, an advisor's routed questions, every question for the city."""
    return selectors.question_list_for(user=api_caller(request), filters=filters.dict())  # type: ignore[attr-defined]


@router.post("/questions", response={201: QuestionOut}, summary="提出咨询 / ask")
def question_ask(request: HttpRequest, payload: AskIn) -> Status:
    country = selectors.country_by_code(payload.country or "")
    question = services.question_ask(
        actor=api_caller(request), topic=payload.topic, text=payload.text, country=country
    )
    return Status(201, question)


@router.post("/questions/{pk}/answer", response=QuestionOut, summary="答复咨询 / answer")
def question_answer(request: HttpRequest, pk: int, payload: AnswerIn) -> Any:
    caller = api_caller(request)
    question = selectors.question_get_for(user=caller, pk=pk)
    return services.question_answer(actor=caller, question=question, answer=payload.answer)
