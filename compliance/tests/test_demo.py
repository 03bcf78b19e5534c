"""The demo loader: the association's topics, six published articles, enterprise A's answered
question; running it again creates nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from compliance.demo import ARTICLES, load_demo
from compliance.models import Article, Question
from compliance.selectors import article_list_for
from enterprises.demo import generate_uscc


def test_demo_is_idempotent(counties: dict[str, Any], make_user: Callable[..., Any]) -> None:
    from enterprises.services import enterprise_create

    enterprise = enterprise_create(
        actor=None,
        name="东海水晶跨境电商有限公司",
        county=counties["donghai"],
        kind="trader",
        uscc=generate_uscc(random.Random(1), "320722"),
    )
    assert load_demo() == 0  # no demo users yet
    make_user("city", "city_reviewer")
    advisor = make_user(
        "advisor", "partner", partner_kind="advisor", organisation="连云港跨境电商协会"
    )
    enterprise_user = make_user("enterprise_a", "enterprise", enterprise=enterprise)
    assert load_demo() == len(ARTICLES)
    assert set(advisor.compliance_topics.values_list("topic", flat=True)) == {
        "clearance",
        "ip",
        "platform",
    }
    question = Question.objects.get(asked_by=enterprise_user)
    assert question.status == "answered" and question.answered_by == advisor
    found = article_list_for(user=enterprise_user, filters={"q": "一站式申报"})
    assert [a.title for a in found] == ["欧盟进口增值税一站式申报（IOSS）实务"]
    assert load_demo() == 0
    assert Article.objects.count() == len(ARTICLES) and Question.objects.count() == 1
