"""The Chinese full-text index of articles (compliance/search.py): on SQLite an FTS5 table with
the trigram tokenizer kept by triggers; on PostgreSQL pg_trgm and a GIN trigram index."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE compliance_article_fts USING fts5("
    "search_text, content='compliance_article', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER compliance_article_fts_ai AFTER INSERT ON compliance_article BEGIN "
    "INSERT INTO compliance_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER compliance_article_fts_ad AFTER DELETE ON compliance_article BEGIN "
    "INSERT INTO compliance_article_fts(compliance_article_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER compliance_article_fts_au AFTER UPDATE ON compliance_article BEGIN "
    "INSERT INTO compliance_article_fts(compliance_article_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO compliance_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO compliance_article_fts(compliance_article_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS compliance_article_fts_ai",
    "DROP TRIGGER IF EXISTS compliance_article_fts_ad",
    "DROP TRIGGER IF EXISTS compliance_article_fts_au",
    "DROP TABLE IF EXISTS compliance_article_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX compliance_article_trgm ON compliance_article "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS compliance_article_trgm"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
