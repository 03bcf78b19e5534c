"""Full-text search of articles in Chinese, one function for both databases.

* SQLite: an FTS5 virtual table ``compliance_article_fts`` with the ``trigram`` tokenizer over
  ``Article.search_text`` (external content, kept by triggers; migration 0002). A trigram index
  matches any substring of three characters or more, which suits Chinese (no word breaks).
* PostgreSQL: a GIN ``gin_trgm_ops`` index (extension ``pg_trgm``) on ``search_text``; the
  ``LIKE '%…%'`` the query makes is answered from the index for three characters or more.

Queries of one or two characters have no trigram: both databases fall back to a plain ``LIKE``
scan (measured in benchmarks/NOTES.md, 2026-12-07). ``search_text`` is lower-cased, so Latin
terms match in any case.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

QUERY_MAX = 100  # characters of a search query kept


def normalise(query: str) -> str:
    return " ".join(str(query or "").split())[:QUERY_MAX].lower()


def search_text_of(*parts: str) -> str:
    return "\n".join(p for p in parts if p).lower()


def matching(qs: QuerySet, query: str) -> QuerySet:
    """``qs`` narrowed to the articles whose title or body contains ``query``."""
    term = normalise(query)
    if not term:
        return qs
    if connection.vendor == "sqlite" and len(term) >= 3:
        phrase = '"' + term.replace('"', '""') + '"'
        return qs.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM compliance_article_fts WHERE compliance_article_fts MATCH %s",
                [phrase],
            )
        )
    return qs.filter(search_text__contains=term)
