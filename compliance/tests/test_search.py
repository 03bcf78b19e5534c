"""Chinese full-text search, on whichever database the run uses (SQLite FTS5 trigram, or
PostgreSQL pg_trgm): 2-character queries fall back to LIKE, 3 and more use the index."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from compliance import search, services
from compliance.models import Article
from compliance.selectors import article_list_for


def _titles(user: Any, q: str) -> set[str]:
    return {a.title for a in article_list_for(user=user, filters={"q": q})}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("清关", set()),  # 2 characters, not in any text
        ("免税", {"跨境电商出口企业无票免税要点"}),  # 2 characters: LIKE
        ("增值税", {"欧盟进口增值税一站式申报（IOSS）实务", "跨境电商出口企业无票免税要点"}),
        ("一站式", {"欧盟进口增值税一站式申报（IOSS）实务"}),  # 3 characters
        ("有效进货凭", {"跨境电商出口企业无票免税要点"}),  # 5 characters, in the body
        ("ioss", {"欧盟进口增值税一站式申报（IOSS）实务"}),  # Latin, any case
        ("商标侵权", set()),  # only in a draft the enterprise cannot see
        ('"增值税', set()),  # quotes are taken literally, never an FTS syntax error
    ],
)
def test_search_in_chinese(world: SimpleNamespace, query: str, expected: set[str]) -> None:
    assert _titles(world.ent_a, query) == expected


def test_the_author_finds_its_draft(world: SimpleNamespace) -> None:
    assert _titles(world.advisor, "商标侵权") == {"美国商标侵权投诉应对（草稿）"}
    assert _titles(world.advisor2, "商标侵权") == set()


def test_an_edit_is_searchable_at_once_and_the_old_text_is_gone(world: SimpleNamespace) -> None:
    services.article_update(
        actor=world.advisor,
        article=world.published,
        title="欧盟进口清关要点",
        topic="clearance",
        body="海外仓备货按一般贸易进口办理。",
    )
    assert _titles(world.ent_a, "一般贸易进口") == {"欧盟进口清关要点"}
    assert _titles(world.ent_a, "一站式") == set()


def test_deleted_articles_leave_the_index(world: SimpleNamespace) -> None:
    Article.objects.filter(pk=world.city_article.pk).delete()
    assert _titles(world.city, "有效进货凭") == set()


def test_the_index_is_the_databases_own(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'compliance_article_fts'")
            assert "trigram" in cursor.fetchone()[0]
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'compliance_article_trgm'"
            )
            assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_queries_are_size_limited() -> None:
    assert len(search.normalise("税" * 500)) == search.QUERY_MAX
    assert search.normalise("  IOSS   申报 ") == "ioss 申报"
