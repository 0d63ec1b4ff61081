"""Community search: posts (doc type "post") and brand articles (doc type "article") matching a query.

Matching comes from the search module (cached per index generation); this module pages the matched post ids
by relevance and builds the cards (a fixed number of queries per page, like the feeds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from shequ.community.search_documents import DOC_TYPE
from shequ.community.selectors.cards import PostCard, post_cards
from shequ.core.errors import InvalidInput

PAGE_SIZE = 20
MAX_PAGES = 50
ARTICLES_SHOWN = 3


@dataclass
class CommunitySearchResults:
    q: str
    page: int = 1
    items: list[PostCard] = field(default_factory=list)
    post_count: int = 0
    has_more: bool = False
    articles: list = field(default_factory=list)
    relaxed: bool = False

    @property
    def next_cursor(self) -> str | None:  # the feed templates' "load more"
        return str(self.page + 1) if self.has_more else None


def _page_number(page) -> int:
    try:
        value = 1 if page in (None, "") else int(page)
    except (TypeError, ValueError):
        raise InvalidInput("invalid_page", _("The page must be a number.")) from None
    if not 1 <= value <= MAX_PAGES:
        raise InvalidInput("invalid_page", _("The page must be between 1 and %(max)d.") % {"max": MAX_PAGES})
    return value


def community_search(*, q: str, page=1, viewer=None, page_size: int = PAGE_SIZE) -> CommunitySearchResults:
    """Posts matching ``q``, best first, one page; on page 1 also the best matching brand articles."""
    from shequ.search.selectors import search_documents

    q = " ".join((q or "").split())[:100]
    number = _page_number(page)
    results = CommunitySearchResults(q=q, page=number)
    if not q:
        return results
    matches = search_documents(doc_type=DOC_TYPE, query=q, limit=PAGE_SIZE * MAX_PAGES)
    ranked = sorted(matches.scores.items(), key=lambda item: (-item[1], -item[0]))
    start = (number - 1) * page_size
    ids = [pk for pk, _score in ranked[start : start + page_size]]
    results.post_count = len(ranked)
    results.has_more = len(ranked) > start + page_size
    results.relaxed = matches.relaxed
    results.items = post_cards(post_ids=ids, viewer=viewer)
    if number == 1:
        from shequ.articles.selectors import article_search

        results.articles = article_search(q=q, limit=ARTICLES_SHOWN)
    return results
