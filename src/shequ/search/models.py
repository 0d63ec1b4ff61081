"""The search index as rows: one analysed document per searchable object, and the suggestion vocabulary.

A SearchDocument holds tokens, not text: the providers (catalog products, later community posts) say what an
object's title, keywords and body are; ``shequ.search.analysis`` turns them into space-separated tokens. The
database's full-text machinery indexes those token columns — an FTS5 table kept in step by triggers on SQLite,
a generated, GIN-indexed tsvector column on PostgreSQL (see the migrations) — so the database never has to
understand Chinese.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    doc_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=200, blank=True)
    # Analysed tokens, by weight: title (name) > keywords (brand, category, tags) > extra (pinyin, single
    # characters of the title) > body (selling point, variants, description).
    tokens_title = models.TextField(blank=True)
    tokens_keywords = models.TextField(blank=True)
    tokens_body = models.TextField(blank=True)
    tokens_extra = models.TextField(blank=True)
    boost = models.FloatField(default=0.0, help_text="popularity in [0, 1]; nudges relevance")
    # What this document adds to the suggestion vocabulary, kept so that a change can be undone exactly:
    # {"p": [phrases], "w": weight added per phrase}.
    suggest = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_document_unique")]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id}"


class SearchSuggestion(models.Model):
    """One way of reaching a suggested phrase: ``key`` is the phrase itself or its pinyin / initials.

    A phrase is identified by ``ident`` (kind, ref and text: the brand 伊利 and the word 伊利 are two). Its
    ``doc_count`` and ``weight`` are sums over the documents that contribute it, moved by deltas as documents
    change (and recounted by `shequ reindex`); rows at zero are ignored, and swept by reindex."""

    doc_type = models.CharField(max_length=20)
    key = models.CharField(max_length=100)
    phrase = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, default="query")
    ref = models.CharField(max_length=160, blank=True)
    ident = models.CharField(max_length=300)
    doc_count = models.IntegerField(default=0)
    weight = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "key", "ident"], name="search_suggestion_unique"),
        ]
        indexes = [models.Index(fields=["doc_type", "ident"], name="search_suggestion_ident")]

    def __str__(self) -> str:
        return f"{self.key} → {self.phrase}"
