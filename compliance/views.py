"""Compliance desk pages: the knowledge base (search, read, write, publish) and the questions
(ask, answer, the bureau's open and overdue view)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from compliance import selectors, services
from compliance.filters import ArticleFilterSet, QuestionFilterSet
from compliance.forms import AnswerForm, ArticleForm, AskForm, TopicsForm
from compliance.models import Article, ArticleStatus, Topic
from core.forms import attempt, form_status, submit
from core.http import AuthedHttpRequest
from core.lists import Column, ListPage

ARTICLES = ListPage(
    filters=ArticleFilterSet,
    columns=(
        Column(_l("标题"), "title"),
        Column(_l("主题"), "get_topic_display"),
        Column(_l("撰写单位"), "organisation"),
        Column(_l("发布时间"), "published_at"),
    ),
    template="compliance/articles.html",
    results_template="compliance/_article_results.html",
    page_size=20,
)

QUESTIONS = ListPage(
    filters=QuestionFilterSet,
    columns=(
        Column(_l("企业"), "enterprise.name"),
        Column(_l("主题"), "get_topic_display"),
        Column(_l("提问时间"), "asked_at"),
        Column(_l("答复期限"), "due_at"),
        Column(_l("状态"), "get_status_display"),
    ),
    template="compliance/questions.html",
    results_template="compliance/_question_results.html",
    export_name="compliance-questions",
)


@login_required
def article_list(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_read(request.user):
        raise PermissionDenied(_("无权查看合规知识库。"))
    topic = request.GET.get("topic", "")
    return ARTICLES.render(
        request,
        lambda values: selectors.article_list_for(user=request.user, filters=values),
        {
            "can_write": selectors.can_write(request.user),
            "can_ask": selectors.can_ask(request.user),
            "trainings": selectors.trainings_for(topic if topic in Topic.values else ""),
        },
    )


def _article_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "topic": data["topic"],
        "body": data["body"],
        "summary": data["summary"],
        "source": data["source"],
        "countries": data["countries"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def article_create(request: AuthedHttpRequest) -> HttpResponse:
    if not selectors.can_write(request.user):
        raise PermissionDenied(_("只有市商务局和合规服务机构可以撰写合规知识。"))
    form = ArticleForm(request.POST if request.method == "POST" else None)
    done = submit(
        request,
        form,
        lambda data: services.article_create(actor=request.user, **_article_values(data)),
    )
    if done:
        messages.success(request, _("草稿已保存，发布后企业即可阅读。"))
        return redirect("compliance:article", pk=done.value.pk)
    return render(
        request,
        "compliance/article_form.html",
        {"form": form, "article": None},
        status=form_status(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for(user=request.user, pk=pk)
    if not selectors.can_edit(request.user, article):
        raise PermissionDenied(_("无权修改该文章。"))
    initial = {
        "title": article.title,
        "topic": article.topic,
        "summary": article.summary,
        "body": article.body,
        "source": article.source,
        "countries": list(article.countries.all()),
    }
    form = ArticleForm(request.POST if request.method == "POST" else None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.article_update(
            actor=request.user, article=article, **_article_values(data)
        ),
    )
    if done:
        messages.success(request, _("已保存。"))
        return redirect("compliance:article", pk=pk)
    return render(
        request,
        "compliance/article_form.html",
        {"form": form, "article": article},
        status=form_status(request),
    )


@login_required
def article_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for(user=request.user, pk=pk)
    return render(
        request,
        "compliance/article_detail.html",
        {
            "article": article,
            "can_edit": selectors.can_edit(request.user, article),
            "can_ask": selectors.can_ask(request.user),
            "trainings": selectors.trainings_for(article.topic),
        },
    )


@login_required
@require_POST
def article_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    article: Article = selectors.article_get_for(user=request.user, pk=pk)
    status = request.POST.get("status", "")
    if status not in ArticleStatus.values:
        status = ""
    attempt(
        request,
        lambda: services.article_set_status(actor=request.user, article=article, status=status),
        success=_("已发布。") if status == ArticleStatus.PUBLISHED else _("已撤回为草稿。"),
    )
    return redirect("compliance:article", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def question_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.is_question_user(user):
        raise PermissionDenied(_("无权查看合规咨询。"))
    ask_form = topics_form = None
    if request.method == "POST" and request.POST.get("form") == "topics":
        if not selectors.is_advisor(user):
            raise PermissionDenied(_("只有合规服务机构可以设置服务主题。"))
        topics_form = TopicsForm(request.POST)
        if submit(
            request,
            topics_form,
            lambda data: services.advisor_topics_set(actor=user, topics=data["topics"]),
        ):
            messages.success(request, _("服务主题已保存。"))
            return redirect("compliance:questions")
    elif request.method == "POST":
        if not selectors.can_ask(user):
            raise PermissionDenied(_("只有企业用户可以提出合规咨询。"))
        ask_form = AskForm(request.POST)
        done = submit(
            request,
            ask_form,
            lambda data: services.question_ask(
                actor=user, topic=data["topic"], text=data["text"], country=data["country"]
            ),
        )
        if done:
            messages.success(
                request, _("咨询已提交，将在 %(n)s 天内答复。") % {"n": services.response_days()}
            )
            return redirect("compliance:question", pk=done.value.pk)
    if selectors.can_ask(user) and ask_form is None:
        ask_form = AskForm(initial={"topic": request.GET.get("topic", "")})
    if selectors.is_advisor(user) and topics_form is None:
        topics_form = TopicsForm(initial={"topics": selectors.advisor_topics(user)})
    overdue = request.GET.get("overdue") == "1"
    response = QUESTIONS.render(
        request,
        lambda values: selectors.question_list_for(
            user=user, filters={**values, "overdue": overdue}
        ),
        {
            "ask_form": ask_form,
            "topics_form": topics_form,
            "by_topic": selectors.open_by_topic(user=user),
            "response_days": services.response_days(),
            "overdue_only": overdue,
        },
    )
    response.status_code = form_status(request)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def question_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for(user=request.user, pk=pk)
    can_answer = selectors.can_answer(request.user, question)
    form = None
    if can_answer:
        form = AnswerForm(request.POST if request.method == "POST" else None)
        done = submit(
            request,
            form,
            lambda data: services.question_answer(
                actor=request.user, question=question, answer=data["answer"]
            ),
        )
        if done:
            messages.success(request, _("已答复，企业会收到站内消息。"))
            return redirect("compliance:question", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied(_("该咨询未分派给贵单位。"))
    return render(
        request,
        "compliance/question_detail.html",
        {"question": question, "answer_form": form},
        status=form_status(request),
    )
