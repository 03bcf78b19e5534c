"""Questions (咨询): an enterprise asks, the advisors of the topic and the city answer, the
enterprise is notified; the response-time target and the bureau's view; who sees what. Every
refusal asserts nothing changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.test import override_settings
from time_machine import TimeMachineFixture

from applications.models import Notification
from audit.models import AuditEntry
from compliance.models import AdvisorTopic, Question
from compliance.tests.conftest import TODAY, login_client


def _state() -> list[tuple[Any, ...]]:
    return list(
        Question.objects.order_by("pk").values_list("pk", "status", "answer", "answered_by")
    )


def test_enterprise_asks_and_it_is_routed_by_topic(world: SimpleNamespace) -> None:
    client = login_client(world.ent_a)
    response = client.post(
        "/compliance/questions/",
        {"form": "ask", "topic": "clearance", "country": "304", "text": "德国海外仓如何清关？"},
    )
    question = Question.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/compliance/questions/{question.pk}/"
    )
    assert question.enterprise == world.a and question.asked_by == world.ent_a
    assert question.country == world.de and question.status == "open"
    assert list(question.routed_to.all()) == [world.advisor]
    assert question.due_at - question.asked_at == dt.timedelta(days=3)
    assert AuditEntry.objects.filter(action="compliance.question_ask").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "德国海外仓如何清关？" in page and "待答复" in page


@override_settings(COMPLIANCE_RESPONSE_DAYS=5)
def test_the_target_is_a_setting(world: SimpleNamespace, ask: Callable[..., Any]) -> None:
    question = ask()
    assert question.due_at - question.asked_at == dt.timedelta(days=5)


def test_routed_advisor_answers_and_the_enterprise_is_notified(
    world: SimpleNamespace, ask: Callable[..., Any]
) -> None:
    question = ask()
    advisor = login_client(world.advisor)
    listing = advisor.get("/compliance/questions/").content.decode()
    assert f"/compliance/questions/{question.pk}/" in listing
    url = f"/compliance/questions/{question.pk}/"
    assert "answer-form" in advisor.get(url).content.decode()
    response = advisor.post(url, {"answer": "海外仓备货按一般贸易进口清关。"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == "answered" and question.answered_by == world.advisor
    assert question.answered_org == "连云港跨境电商协会"
    note = Notification.objects.get(user=world.ent_a)
    assert "连云港跨境电商协会" in note.message
    page = login_client(world.ent_a).get(url).content.decode()
    assert "海外仓备货按一般贸易进口清关。" in page
    assert AuditEntry.objects.filter(action="compliance.question_answer").count() == 1


def test_an_answered_question_is_not_answered_twice(
    world: SimpleNamespace, ask: Callable[..., Any]
) -> None:
    from compliance.services import question_answer

    question = question_answer(actor=world.advisor, question=ask(), answer="第一次答复")
    before = _state()
    response = login_client(world.city).post(
        f"/compliance/questions/{question.pk}/", {"answer": "第二次"}
    )
    assert response.status_code == 403
    assert _state() == before and Notification.objects.count() == 1


def test_an_advisor_not_routed_sees_nothing_and_cannot_answer(
    world: SimpleNamespace, ask: Callable[..., Any]
) -> None:
    question = ask()
    before = _state()
    client = login_client(world.advisor2)
    listing = client.get("/compliance/questions/").content.decode()
    assert f"/compliance/questions/{question.pk}/" not in listing
    url = f"/compliance/questions/{question.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "越权答复"}).status_code == 404
    assert _state() == before and Notification.objects.count() == 0


def test_another_enterprise_sees_nothing(world: SimpleNamespace, ask: Callable[..., Any]) -> None:
    question = ask()
    before = _state()
    client = login_client(world.ent_b)
    listing = client.get("/compliance/questions/").content.decode()
    assert f"/compliance/questions/{question.pk}/" not in listing
    url = f"/compliance/questions/{question.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "x"}).status_code == 404
    # the asker itself cannot answer its own question either
    assert login_client(world.ent_a).post(url, {"answer": "x"}).status_code == 403
    assert _state() == before


def test_who_has_no_questions_page(world: SimpleNamespace, ask: Callable[..., Any]) -> None:
    question = ask()
    before = _state()
    for user in (world.bank, world.county):
        client = login_client(user)
        assert client.get("/compliance/questions/").status_code == 403
        data = {"form": "ask", "topic": "tax", "text": "问题"}
        assert client.post("/compliance/questions/", data).status_code == 403
        assert client.get(f"/compliance/questions/{question.pk}/").status_code == 404
    assert _state() == before


def test_only_enterprises_ask_and_only_advisors_set_topics(world: SimpleNamespace) -> None:
    topics = set(AdvisorTopic.objects.values_list("advisor", "topic"))
    advisor = login_client(world.advisor)
    ask = {"form": "ask", "topic": "tax", "text": "问题"}
    assert advisor.post("/compliance/questions/", ask).status_code == 403
    enterprise = login_client(world.ent_a)
    data = {"form": "topics", "topics": ["tax"]}
    assert enterprise.post("/compliance/questions/", data).status_code == 403
    assert Question.objects.count() == 0
    assert set(AdvisorTopic.objects.values_list("advisor", "topic")) == topics


def test_advisor_declares_its_topics_and_gets_new_questions(
    world: SimpleNamespace, ask: Callable[..., Any]
) -> None:
    client = login_client(world.advisor2)
    response = client.post("/compliance/questions/", {"form": "topics", "topics": ["tax", "funds"]})
    assert response.status_code == 302
    assert set(
        AdvisorTopic.objects.filter(advisor=world.advisor2).values_list("topic", flat=True)
    ) == {
        "tax",
        "funds",
    }
    funds = ask(topic="funds", text="如何办理轧差结算？")
    assert list(funds.routed_to.all()) == [world.advisor2]
    nobody = ask(topic="platform", text="平台冻结资金怎么办？")
    assert list(nobody.routed_to.all()) == []  # the city still sees and answers it
    city = login_client(world.city)
    assert "answer-form" in city.get(f"/compliance/questions/{nobody.pk}/").content.decode()


def test_bureau_sees_open_and_overdue_by_topic(
    world: SimpleNamespace, ask: Callable[..., Any], time_machine: TimeMachineFixture
) -> None:
    first = ask()
    time_machine.move_to(TODAY + dt.timedelta(days=2))
    ask(text="美国清关需要什么单证？")
    ask(topic="tax", text="无票免税的条件？")
    time_machine.move_to(TODAY + dt.timedelta(days=4))
    client = login_client(world.city)
    page = client.get("/compliance/questions/").content.decode()
    assert 'data-testid="by-topic"' in page
    from compliance.selectors import open_by_topic

    rows = {r["topic"]: (r["open"], r["overdue"]) for r in open_by_topic(user=world.city)}
    assert rows["clearance"] == (2, 1) and rows["tax"] == (1, 0) and rows["ip"] == (0, 0)
    overdue = client.get("/compliance/questions/", {"overdue": "1"}).content.decode()
    assert overdue.count('data-testid="question-row"') == 1
    assert f"/compliance/questions/{first.pk}/" in overdue and 'data-testid="overdue"' in overdue
    # the enterprise and the advisor see no bureau table
    assert (
        'data-testid="by-topic"'
        not in login_client(world.ent_a).get("/compliance/questions/").content.decode()
    )
    assert open_by_topic(user=world.advisor) == []


def test_long_questions_are_refused(world: SimpleNamespace) -> None:
    client = login_client(world.ent_a)
    data = {"form": "ask", "topic": "tax", "text": "问" * 2001}
    assert client.post("/compliance/questions/", data).status_code == 400
    assert Question.objects.count() == 0
