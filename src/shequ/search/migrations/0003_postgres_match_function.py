"""PostgreSQL: the match as a function, so that it always walks the GIN index.

For a word in many documents the planner may prefer reading the whole table and testing every tsvector, which
is several times slower than the index (it underestimates the cost of decompressing each tsvector). A SET
clause on a function applies only while the function runs — safe behind a transaction-pooling proxy, unlike a
session SET. STABLE and not inlined (because of the SET), so it is planned with the query as a parameter.
Relevance is ts_rank_cd over the title-and-keywords vector (plus a floor, so pinyin- or body-only matches
follow by popularity), times the popularity factor.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION search_match(
    match_doc_type text, match_query tsquery, field_weights float4[], popularity float8, max_rows integer
) RETURNS TABLE (object_id bigint, score float8)
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
    SELECT d.object_id, (ts_rank_cd(field_weights, d.tsv_rank, match_query) + 0.01) * (1 + popularity * d.boost)
        AS score
    FROM search_searchdocument d
    WHERE d.doc_type = match_doc_type AND d.tsv @@ match_query
    ORDER BY score DESC
    LIMIT max_rows
$$
"""
BACKWARD = "DROP FUNCTION IF EXISTS search_match(text, tsquery, float4[], float8, integer)"


def _on_postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
