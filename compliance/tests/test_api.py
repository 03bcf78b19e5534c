"""The compliance API: the same permissions as the pages (each refusal asserts nothing
changed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from compliance.models import Question
from compliance.tests.conftest import login_client


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_articles_search_and_drafts(world: SimpleNamespace) -> None:
    client = login_client(world.ent_a)
    items = client.get("/api/v1/compliance/articles", {"q": "增值税"}).json()["items"]
    assert {i["title"] for i in items} == {world.published.title, world.city_article.title}
    assert client.get(f"/api/v1/compliance/articles/{world.published.pk}").json()["countries"] == [
        "304"
    ]
    assert client.get(f"/api/v1/compliance/articles/{world.draft.pk}").status_code == 404
    bank = login_client(world.bank)
    assert bank.get("/api/v1/compliance/articles").json()["items"] == []


def test_ask_and_answer(world: SimpleNamespace) -> None:
    ent = login_client(world.ent_a)
    response = _post(
        ent, "/api/v1/compliance/questions", {"topic": "clearance", "country": "502", "text": "问"}
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    before = list(Question.objects.values_list("status", "answer"))
    other = login_client(world.advisor2)
    assert (
        _post(other, f"/api/v1/compliance/questions/{pk}/answer", {"answer": "x"}).status_code
        == 404
    )
    ent_b = login_client(world.ent_b)
    assert ent_b.get("/api/v1/compliance/questions").json()["items"] == []
    assert (
        _post(ent_b, f"/api/v1/compliance/questions/{pk}/answer", {"answer": "x"}).status_code
        == 404
    )
    assert list(Question.objects.values_list("status", "answer")) == before
    advisor = login_client(world.advisor)
    answered = _post(advisor, f"/api/v1/compliance/questions/{pk}/answer", {"answer": "答复"})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert ent.get("/api/v1/compliance/questions").json()["items"][0]["answer"] == "答复"


def test_only_enterprises_ask(world: SimpleNamespace, ask: Callable[..., Any]) -> None:
    for user in (world.advisor, world.bank, world.city):
        response = _post(
            login_client(user), "/api/v1/compliance/questions", {"topic": "tax", "text": "问"}
        )
        assert response.status_code == 403
    assert Question.objects.count() == 0


def test_bad_input_is_a_client_error(world: SimpleNamespace) -> None:
    client = login_client(world.ent_a)
    bad_topic = _post(client, "/api/v1/compliance/questions", {"topic": "weather", "text": "问"})
    too_long = _post(client, "/api/v1/compliance/questions", {"topic": "tax", "text": "问" * 2001})
    assert bad_topic.status_code in (400, 422) and too_long.status_code == 422
    assert Question.objects.count() == 0
