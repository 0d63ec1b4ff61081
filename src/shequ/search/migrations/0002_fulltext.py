"""The full-text index over SearchDocument's token columns, in each database's own way.

SQLite: an external-content FTS5 table (rowid = search_searchdocument.id) kept in step by triggers, ranked with
bm25() weighted title 10 > keywords 4 > extra (pinyin) 2 > body 1.
PostgreSQL: a generated tsvector column ('simple' configuration over the pre-analysed tokens, weights A–D) with
a GIN index for matching, a smaller one (title and keywords) for ranking, and a text_pattern_ops index for
suggestion prefixes. Other databases: nothing (no backend).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        tokens_title, tokens_keywords, tokens_extra, tokens_body,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61', prefix='1 2'
    )
    """,
    "INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 2.0, 1.0)')",
    # Matches join back to their documents by id; this narrow covering index saves reading the wide rows.
    "CREATE INDEX search_document_lookup ON search_searchdocument (id, doc_type, object_id, boost)",
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, tokens_title, tokens_keywords, tokens_extra, tokens_body)
        VALUES (new.id, new.tokens_title, new.tokens_keywords, new.tokens_extra, new.tokens_body);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, tokens_title, tokens_keywords, tokens_extra, tokens_body)
        VALUES ('delete', old.id, old.tokens_title, old.tokens_keywords, old.tokens_extra, old.tokens_body);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update
    AFTER UPDATE OF tokens_title, tokens_keywords, tokens_extra, tokens_body ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, tokens_title, tokens_keywords, tokens_extra, tokens_body)
        VALUES ('delete', old.id, old.tokens_title, old.tokens_keywords, old.tokens_extra, old.tokens_body);
        INSERT INTO search_fts(rowid, tokens_title, tokens_keywords, tokens_extra, tokens_body)
        VALUES (new.id, new.tokens_title, new.tokens_keywords, new.tokens_extra, new.tokens_body);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_lookup",
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    """
    ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, tokens_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, tokens_keywords), 'B')
        || setweight(to_tsvector('simple'::regconfig, tokens_extra), 'C')
        || setweight(to_tsvector('simple'::regconfig, tokens_body), 'D')
    ) STORED
    """,
    "CREATE INDEX search_document_tsv ON search_searchdocument USING gin (tsv)",
    # Ranking reads a tsvector per match: this one holds only the title and keywords (a quarter of the size),
    # which is where relevance is decided; pinyin- or body-only matches rank by popularity after them.
    """
    ALTER TABLE search_searchdocument ADD COLUMN tsv_rank tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, tokens_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, tokens_keywords), 'B')
    ) STORED
    """,
    "CREATE INDEX search_suggestion_prefix ON search_searchsuggestion (doc_type, key text_pattern_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_suggestion_prefix",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv_rank",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
