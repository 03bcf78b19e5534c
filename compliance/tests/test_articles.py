"""The knowledge base pages: who reads, writes, edits and publishes; drafts stay with their
author; the text is escaped; trainings from the events app. Every refusal asserts nothing
changed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from audit.models import AuditEntry
from compliance.models import Article
from compliance.tests.conftest import login_client
from core.navigation import nav_for


def _state() -> list[tuple[Any, ...]]:
    return list(Article.objects.order_by("pk").values_list("pk", "title", "status", "body"))


def _form(**over: Any) -> dict[str, Any]:
    return {
        "title": "英国增值税登记要点",
        "topic": "tax",
        "countries": [],
        "summary": "",
        "body": "第一段。\n第二段。",
        "source": "",
        **over,
    }


def test_enterprise_reads_published_and_searches_in_chinese(world: SimpleNamespace) -> None:
    client = login_client(world.ent_a)
    page = client.get("/compliance/").content.decode()
    assert world.published.title in page and world.city_article.title in page
    assert world.draft.title not in page
    found = client.get("/compliance/", {"q": "一站式"}).content.decode()
    assert world.published.title in found and world.city_article.title not in found
    by_country = client.get("/compliance/", {"country": "304"}).content.decode()
    assert world.published.title in by_country and world.city_article.title not in by_country
    detail = client.get(f"/compliance/articles/{world.published.pk}/").content.decode()
    assert "<p>卖家注册后在包裹申报中提供编号。</p>" in detail and "德国" in detail


def test_drafts_are_invisible_to_everyone_but_their_author(world: SimpleNamespace) -> None:
    url = f"/compliance/articles/{world.draft.pk}/"
    for user in (world.ent_a, world.advisor2, world.city, world.county):
        assert login_client(user).get(url).status_code == 404
    assert login_client(world.advisor).get(url).status_code == 200


def test_body_is_plain_text_rendered_escaped(world: SimpleNamespace) -> None:
    client = login_client(world.advisor)
    client.post("/compliance/articles/new/", _form(body="<script>alert(1)</script>\n<b>粗</b>"))
    article = Article.objects.get(title="英国增值税登记要点")
    page = client.get(f"/compliance/articles/{article.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "&lt;b&gt;粗&lt;/b&gt;" in page


def test_advisor_writes_a_draft_then_publishes_it(world: SimpleNamespace) -> None:
    client = login_client(world.advisor)
    response = client.post("/compliance/articles/new/", _form(countries=["502"]))
    article = Article.objects.get(title="英国增值税登记要点")
    assert (
        response.status_code == 302
        and response["Location"] == f"/compliance/articles/{article.pk}/"
    )
    assert article.status == "draft" and article.organisation == "连云港跨境电商协会"
    assert not article.by_city and [c.customs_code for c in article.countries.all()] == ["502"]
    reader = login_client(world.ent_a)
    assert reader.get(response["Location"]).status_code == 404
    client.post(f"/compliance/articles/{article.pk}/status/", {"status": "published"})
    article.refresh_from_db()
    assert article.status == "published" and article.published_at is not None
    assert reader.get(response["Location"]).status_code == 200
    assert AuditEntry.objects.filter(action="compliance.article_published").count() == 1


def test_city_articles_are_the_citys(world: SimpleNamespace, make_user: Any) -> None:
    other_reviewer = make_user("city2", "city_reviewer")
    client = login_client(other_reviewer)
    url = f"/compliance/articles/{world.city_article.pk}/edit/"
    response = client.post(url, _form(title="无票免税要点（修订）"))
    assert response.status_code == 302
    world.city_article.refresh_from_db()
    assert world.city_article.title == "无票免税要点（修订）"
    assert world.city_article.organisation == "连云港市商务局"


def test_readers_who_may_not_write_are_refused(world: SimpleNamespace) -> None:
    before = _state()
    for user in (world.ent_a, world.county):
        client = login_client(user)
        assert client.get("/compliance/articles/new/").status_code == 403
        assert client.post("/compliance/articles/new/", _form()).status_code == 403
        edit = f"/compliance/articles/{world.published.pk}/edit/"
        assert client.post(edit, _form()).status_code == 403
        status = f"/compliance/articles/{world.published.pk}/status/"
        client.post(status, {"status": "draft"})
    assert _state() == before


def test_another_advisor_cannot_edit_or_publish(world: SimpleNamespace) -> None:
    before = _state()
    client = login_client(world.advisor2)
    edit = f"/compliance/articles/{world.published.pk}/edit/"
    assert client.get(edit).status_code == 403
    assert client.post(edit, _form()).status_code == 403
    client.post(f"/compliance/articles/{world.published.pk}/status/", {"status": "draft"})
    response = client.post(
        f"/compliance/articles/{world.draft.pk}/status/", {"status": "published"}
    )
    assert response.status_code == 404
    # the city reviewer does not edit an association's article either
    city = login_client(world.city)
    assert city.post(edit, _form()).status_code == 403
    assert _state() == before


def test_a_bank_partner_has_no_knowledge_base(world: SimpleNamespace) -> None:
    client = login_client(world.bank)
    assert client.get("/compliance/").status_code == 403
    assert client.get(f"/compliance/articles/{world.published.pk}/").status_code == 404
    urls = [url for _label, url in nav_for(world.bank)]
    assert "/compliance/" not in urls and "/compliance/questions/" not in urls
    assert "/compliance/" in [url for _label, url in nav_for(world.advisor)]
    assert "/compliance/questions/" in [url for _label, url in nav_for(world.ent_a)]


def test_invalid_form_is_a_400_and_creates_nothing(world: SimpleNamespace) -> None:
    before = _state()
    client = login_client(world.advisor)
    assert client.post("/compliance/articles/new/", _form(title="")).status_code == 400
    assert client.post("/compliance/articles/new/", _form(body="字" * 20_001)).status_code == 400
    assert _state() == before


def test_upcoming_compliance_trainings_are_linked(world: SimpleNamespace) -> None:
    from events.models import Event

    now = timezone.now()

    def event(title: str, days: int, code: str) -> Event:
        return Event.objects.create(
            title=title,
            kind="training",
            starts_at=now + dt.timedelta(days=days),
            organiser="市商务局",
            capacity=50,
            check_in_code=code,
        )

    tax = event("跨境电商税务合规培训", 10, "A1")
    past = event("跨境电商税务合规培训（上期）", -10, "A2")
    other = event("独立站建站与推广培训", 5, "A3")
    client = login_client(world.ent_a)
    page = client.get(f"/compliance/articles/{world.city_article.pk}/").content.decode()
    assert f"/events/{tax.pk}/" in page
    assert f"/events/{past.pk}/" not in page and f"/events/{other.pk}/" not in page
    clearance = client.get(f"/compliance/articles/{world.published.pk}/").content.decode()
    assert f"/events/{tax.pk}/" in clearance  # "合规" marks every compliance training
