"""How a brand article becomes a search document (doc type "article").

Published and scheduled articles are documents (a scheduled one is filtered out at read time until its
publication time, so it needs no re-index the moment it goes live); drafts and archived ones are removed.
Title: the title in both languages; keywords: the column and the linked products' names; body: the summary
and the start of the text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from shequ.articles.models import Article
from shequ.articles.selectors import LIVE_STATUSES

DOC_TYPE = "article"
BODY_CHARS = 3000
_MARKUP = re.compile(r"<[^>]*>|[*_#`>\[\]()!|~]+|&[a-z]+;")


def article_documents(article_ids: list[int]):
    from shequ.search.registry import SourceDocument, Suggestion

    articles = list(Article.objects.filter(pk__in=article_ids, status__in=LIVE_STATUSES))
    products: dict[int, list[str]] = defaultdict(list)
    through = Article.products.through
    for article_id, name in through.objects.filter(article_id__in=[a.pk for a in articles]).values_list(
        "article_id", "product__name"
    ):
        products[article_id].append(name)
    return [
        SourceDocument(
            object_id=a.pk,
            title=a.title,
            title_texts=[a.title, a.title_en],
            keyword_texts=[a.category, *products.get(a.pk, [])],
            body_texts=[a.summary, " ".join(_MARKUP.sub(" ", a.body[: BODY_CHARS * 2]).split())[:BODY_CHARS]],
            suggest=[Suggestion(a.title, "article", a.slug)],
            popularity=min(1.0, a.view_count / 10_000),
        )
        for a in articles
    ]


def article_ids_searchable() -> Iterable[int]:
    return Article.objects.filter(status__in=LIVE_STATUSES).order_by("pk").values_list("pk", flat=True)


def register() -> None:
    from shequ.search.registry import register_provider

    register_provider(doc_type=DOC_TYPE, documents=article_documents, all_ids=article_ids_searchable)
