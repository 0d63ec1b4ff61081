"""How a post becomes a search document (doc type "post"), for the community search page.

Only published posts that everyone may see are documents: a followers-only or private post, a draft, a
hidden or deleted one is removed from the index when it is handed to the indexer. The title is the start of
the text; keywords are the topics and the tagged products' names; the body is the whole text. Popularity
(engagement, logarithmic) nudges ranking. The index follows ``post.published`` / ``post.updated`` /
``post.removed`` through a task (``search_index_later``), as the catalog does for products.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from shequ.community.models import ContentStatus, Post, PostProduct, Visibility

DOC_TYPE = "post"
TITLE_CHARS = 40


def _popularity(post: Post) -> float:
    engagement = post.like_count + 2 * post.comment_count + 3 * post.favourite_count + 4 * post.share_count
    return min(1.0, math.log1p(engagement) / math.log1p(10_000))


def _author_public(post: Post) -> bool:
    try:
        return post.author.privacy.posts_visibility == Visibility.PUBLIC
    except Exception:
        return True


def post_documents(post_ids: list[int]):
    """Search documents of the given posts that everyone may see (the others are to be removed)."""
    from shequ.search.registry import SourceDocument, Suggestion

    posts = list(
        Post.objects.filter(
            pk__in=post_ids,
            status=ContentStatus.PUBLISHED,
            visibility=Visibility.PUBLIC,
            author__is_active=True,
        )
        .select_related("author", "author__privacy")
        .only(
            *("text", "like_count", "comment_count", "favourite_count", "share_count", "author__nickname"),
            *("author__is_active", "author__privacy__posts_visibility"),
        )
    )
    posts = [post for post in posts if _author_public(post)]
    ids = [post.pk for post in posts]
    topics: dict[int, list[str]] = defaultdict(list)
    for post_id, name in Post.topics.through.objects.filter(post_id__in=ids).values_list("post_id", "topic__name"):
        topics[post_id].append(name)
    products: dict[int, list[str]] = defaultdict(list)
    for post_id, name, name_en in PostProduct.objects.filter(post_id__in=ids).values_list(
        "post_id", "product__name", "product__name_en"
    ):
        products[post_id].extend(n for n in (name, name_en) if n)
    documents = []
    for post in posts:
        text = " ".join(post.text.split())
        title = text[:TITLE_CHARS]
        documents.append(
            SourceDocument(
                object_id=post.pk,
                title=title,
                title_texts=[title],
                keyword_texts=[*topics.get(post.pk, []), *products.get(post.pk, [])],
                body_texts=[text],
                suggest=[Suggestion(f"#{name}#", "topic", name) for name in topics.get(post.pk, [])],
                popularity=_popularity(post),
            )
        )
    return documents


def post_ids_searchable() -> Iterable[int]:
    return (
        Post.objects.filter(status=ContentStatus.PUBLISHED, visibility=Visibility.PUBLIC)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def posts_changed(post_ids: list[int]) -> None:
    """Queue re-indexing of these posts (after publish, edit, delete or hiding)."""
    from shequ.search.services import search_index_later

    search_index_later(doc_type=DOC_TYPE, object_ids=post_ids)


def register() -> None:
    """Register the post document provider with the search module (from CommunityConfig.ready())."""
    from shequ.search.registry import register_provider

    register_provider(doc_type=DOC_TYPE, documents=post_documents, all_ids=post_ids_searchable)
