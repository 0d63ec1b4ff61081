"""Browse and search the catalog: one query object for category pages, search results and the API.

``product_browse`` takes a validated BrowseQuery and returns one page of products, the total, and facet
counts (categories, brands, tags, price bands, in stock) for the current filters — each facet counted with
every filter but its own, so choosing one brand still shows how many the other brands have.

Two paths, each a fixed number of queries whatever the page size:

- With a text query, the search module (``shequ.search``) returns the matching product ids with their
  relevance (at most ``SHEQU_SEARCH_MAX_MATCHES``, the best by relevance). One query then reads the few
  columns filters, facets and sorting need for those products, one more their tags; filtering, counting and
  sorting run in Python over that set, and only the page's products are loaded as cards.
- Without one (category pages), filters, counts and ordering run in the database on the denormalised
  Product columns.

Whole results are cached per query, language and ``browse_generation()`` (the catalog generation plus the
search index generation), so any catalog change or index update invalidates them.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import json
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import astuple, dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from shequ.catalog.models import Brand, Category, Product, ProductStatus, Tag
from shequ.core import fragment_cache
from shequ.core.errors import InvalidInput, NotFound

SORTS = {
    "relevance": None,  # search order; for plain browsing, featured then best-selling
    "price_asc": ("price_min", "id"),
    "price_desc": ("-price_min", "-id"),
    "newest": ("-published_at", "-id"),
    "sales": ("-sales_count", "-id"),
    "rating": ("-rating_avg", "-rating_count", "-id"),
}
MAX_QUERY_LENGTH = 100
MAX_PAGE = 500
PRICE_BANDS = [
    (Decimal("0"), Decimal("20")),
    (Decimal("20"), Decimal("50")),
    (Decimal("50"), Decimal("100")),
    (Decimal("100"), Decimal("200")),
    (Decimal("200"), None),
]
CACHE_SECONDS = 300
FACET_LIMIT = 20
SEARCH_DOC_TYPE = "product"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class BrowseQuery:
    q: str = ""
    category: str = ""  # slug; includes its sub-categories
    brands: tuple[str, ...] = ()  # slugs
    tags: tuple[str, ...] = ()  # slugs; a product must have all of them
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20


@dataclass
class Facet:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class BrowseResult:
    query: BrowseQuery
    products: list[Product]
    count: int
    page: int
    pages: int
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    category: Category | None = None
    # The results are for this spelling instead (牛乃 → 牛奶) because the query as typed found nothing.
    corrected_query: str = ""
    # Nothing matched every word: these products match some of them (say so above the results).
    relaxed: bool = False
    # The text matched more products than an unfiltered search reads (SHEQU_SEARCH_MAX_MATCHES, 1000, the best by
    # relevance): ``count`` and the facets are for those — show "1000+". A filtered search reads every match.
    capped: bool = False
    # When nothing matched: things to search for instead (shequ.search.registry.Suggestion: text, kind, ref/slug).
    suggestions: list = field(default_factory=list)


def _bad(field_name: str, message) -> InvalidInput:
    return InvalidInput("invalid_filter", message, details={"field": field_name})


def parse_browse_query(params, *, category: str = "") -> BrowseQuery:
    """Read a BrowseQuery from request parameters (a QueryDict or dict); bad values raise InvalidInput."""

    def get(name: str, default: str = "") -> str:
        value = params.get(name, default)
        # Control characters (a NUL breaks PostgreSQL) are dropped from every parameter.
        return _CONTROL.sub(" ", value or default).strip() if isinstance(value, str) else default

    def get_list(name: str) -> tuple[str, ...]:
        values = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
        if isinstance(values, str):
            values = [values]
        out: list[str] = []
        for value in values:
            out.extend(part.strip() for part in _CONTROL.sub(" ", str(value)).split(",") if part.strip())
        return tuple(dict.fromkeys(v[:60] for v in out))[:20]

    def money(name: str) -> Decimal | None:
        raw = get(name)
        if not raw:
            return None
        try:
            value = Decimal(raw[:40])
        except InvalidOperation:
            raise _bad(name, _("Prices are numbers, like 19.9.")) from None
        if not value.is_finite() or value < 0 or value > Decimal("1000000"):
            raise _bad(name, _("Prices are between 0 and 1,000,000."))
        return value.quantize(Decimal("0.01"))

    def integer(name: str, default: int, lo: int, hi: int) -> int:
        raw = get(name)
        if not raw:
            return default
        try:
            value = int(raw[:20])
        except ValueError:
            raise _bad(name, _("This must be a whole number.")) from None
        if not lo <= value <= hi:
            raise _bad(name, _("This must be between %(lo)d and %(hi)d.") % {"lo": lo, "hi": hi})
        return value

    sort = get("sort", "relevance")
    if sort not in SORTS:
        raise _bad("sort", _("Unknown sort order."))
    low, high = money("price_min"), money("price_max")
    if low is not None and high is not None and low > high:
        low, high = high, low
    # Long queries are cut rather than refused: someone pasting a whole product description still gets results.
    q = " ".join(get("q")[: MAX_QUERY_LENGTH * 4].split())[:MAX_QUERY_LENGTH]
    return BrowseQuery(
        q=q,
        category=category or get("category")[:60],
        brands=get_list("brand"),
        tags=get_list("tag"),
        price_min=low,
        price_max=high,
        in_stock=get("in_stock") in {"1", "true", "on", "yes"},
        sort=sort,
        page=integer("page", 1, 1, MAX_PAGE),
        page_size=integer("page_size", 20, 1, 60),
    )


# --- the public entry points ------------------------------------------------------------------------------


def _generations() -> tuple[int, int]:
    """(catalog generation, search index generation), in one cache round trip when both are set."""
    from shequ.catalog.services import CATALOG_GENERATION_KEY, catalog_generation
    from shequ.search.selectors import GENERATION_KEY, search_generation

    search_key = GENERATION_KEY.format(doc_type=SEARCH_DOC_TYPE)

    def load() -> tuple[int, int]:
        found = cache.get_many([CATALOG_GENERATION_KEY, search_key])
        catalog = found.get(CATALOG_GENERATION_KEY)
        index = found.get(search_key)
        catalog = int(catalog) if catalog is not None else catalog_generation()
        index = int(index) if index is not None else search_generation(doc_type=SEARCH_DOC_TYPE)
        return catalog, index

    return fragment_cache.get_fresh("catalog:generations", load)


def browse_generation() -> str:
    """Changes whenever a listing may change: any catalog write, or the search index catching up with one
    (with a Celery broker the index is updated a moment after the write). Key listing caches on it."""
    catalog, index = _generations()
    return f"{catalog}.{index}"


def product_browse(*, query: BrowseQuery, with_facets: bool = True) -> BrowseResult:
    """One page of products for the query, with facet counts (cached until the catalog or index changes)."""
    generations = _generations()
    parts = ("browse", astuple(query), with_facets, get_language() or "", generations)
    key = "catalog:browse:" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    result = cache.get(key)
    if result is None:
        category = _category(query)
        if query.q:
            result = _search(query, category, with_facets, generations)
        else:
            result = _browse(query, category, with_facets)
        cache.set(key, result, CACHE_SECONDS)
    return result


def product_filter_q(*, category_path: str | None = None) -> Q:
    """The "visible in the shop" condition, for other modules that list products."""
    q = Q(status=ProductStatus.ON_SALE)
    if category_path:
        q &= Q(category__path__startswith=category_path)
    return q


# --- shared pieces ----------------------------------------------------------------------------------------


def _category(query: BrowseQuery) -> Category | None:
    if not query.category:
        return None
    category = Category.objects.filter(slug=query.category, is_active=True).first()
    if category is None:
        raise NotFound("category_not_found", _("Category not found."))
    return category


def _with_cards(qs: QuerySet[Product]) -> QuerySet[Product]:
    """What a product card shows: brand and the first image, in a fixed number of queries (descriptions are
    deferred: reading one from a result costs a query)."""
    from django.db.models import Prefetch

    from shequ.catalog.models import ProductImage

    # Long texts stay behind: a card never shows them, and result pages are cached whole.
    return (
        qs.select_related("brand")
        .defer("description", "description_en", "description_html", "description_en_html", "brand__story")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images")
        )
    )


def _pages(count: int, page_size: int) -> int:
    return (count + page_size - 1) // page_size


def _band_value(low: Decimal, high: Decimal | None) -> str:
    """A band as the price_min-price_max pair that selects exactly it ("20-49.99", "200-")."""
    return f"{low:.0f}-{high - Decimal('0.01')}" if high is not None else f"{low:.0f}-"


def _band_label(low: Decimal, high: Decimal | None) -> str:
    return f"¥{low:.0f}–{high:.0f}" if high is not None else f"¥{low:.0f}+"


def _band_selected(query: BrowseQuery, low: Decimal, high: Decimal | None) -> bool:
    top = high - Decimal("0.01") if high is not None else None
    return query.price_min == low and query.price_max == top


def _price_facets(query: BrowseQuery, counts: list[int]) -> list[Facet]:
    return [
        Facet(_band_value(low, high), _band_label(low, high), n, _band_selected(query, low, high))
        for (low, high), n in zip(PRICE_BANDS, counts, strict=True)
        if n
    ]


_BAND_EDGES = [float(low) for low, _high in PRICE_BANDS[1:]]


def _band_index(price) -> int | None:
    """Which PRICE_BANDS band a price (float or Decimal) falls in."""
    if price is None or price < 0:
        return None
    return bisect.bisect_right(_BAND_EDGES, float(price))


def _stock_facet(query: BrowseQuery, count: int) -> list[Facet]:
    return [Facet("1", gettext("In stock"), count, query.in_stock)] if count else []


def _children(category: Category | None) -> list[Category]:
    children = Category.objects.filter(parent=category, is_active=True).order_by("position", "id")
    return list(children.only("slug", "name", "name_en", "path", "parent_id", "position", "icon"))


# --- with a text query: the search module ranks, Python filters and counts --------------------------------


@dataclass
class _Matched:
    """Everything a search needs about the products matching one text, whatever the filters, sort or page —
    kept per text and browse generation, so the next page or another filter costs no text match."""

    scores: dict[int, float]
    # (pk, brand_id, category path, price, in_stock, sales, rating, ratings, published (a number), tag ids)
    rows: list[tuple]
    brands: dict[int, Brand]
    tags: dict[int, Tag]
    relaxed: bool = False
    corrected: str = ""
    capped: bool = False


# Row positions in _Matched.rows
PK, BRAND, PATH, PRICE, STOCK, SALES, RATING, RATINGS, PUBLISHED, TAGS = range(10)


class _Recent:
    """The last few values computed in this process, by key: a follow-up (the next page, another sort or filter)
    usually reaches the same worker moments later, and keeping the values here costs no serialisation and no
    round trip. Keys carry the generations, so a value is never stale; small and bounded."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_recent_matches = _Recent(64)  # text → what the search module matched (small: ids and scores)
_recent_rows = _Recent(32)  # text → those products' rows (larger)


def _matched(text: str, generations: tuple[int, int], *, every: bool) -> _Matched:
    limit = _limit(every)
    key = (text, limit, *generations)
    matched = _recent_rows.get(key)
    if matched is None:
        matched = _match(text, index_generation=generations[1], limit=limit)
        _recent_rows.put(key, matched)
    return matched


def _limit(every: bool) -> int:
    """The best SHEQU_SEARCH_MAX_MATCHES (1000) to browse a text's results; with ``every``, for a filtered
    search, up to SHEQU_SEARCH_MAX_FILTERED_MATCHES (20,000) so a filter finds what ranked below the first."""
    from shequ.search.selectors import max_matches

    if every:
        return max(max_matches(), int(getattr(settings, "SHEQU_SEARCH_MAX_FILTERED_MATCHES", 20_000)))
    return max_matches()


def _text_matches(text: str, index_generation: int, limit: int):
    """(matches, corrected): every word as typed; else every word as corrected (牛乃 → 牛奶); else any word as
    typed. Kept per text and index generation, so a stock or price change (which moves only the catalog
    generation) re-reads the product rows but not the text match."""
    from shequ.search.selectors import search_did_you_mean, search_documents

    key = (text, index_generation, limit)
    found = _recent_matches.get(key)
    if found is not None:
        return found
    search = {"doc_type": SEARCH_DOC_TYPE, "limit": limit, "cached": False}
    matches = search_documents(query=text, relax=False, **search)
    corrected = ""
    if not matches.scores:
        corrected = search_did_you_mean(doc_type=SEARCH_DOC_TYPE, query=text)
        if corrected:
            matches = search_documents(query=corrected, relax=False, **search)
            corrected = corrected if matches.scores else ""
    if not matches.scores:
        matches = search_documents(query=text, any_term=True, **search)
    _recent_matches.put(key, (matches, corrected))
    return matches, corrected


def _match(text: str, *, index_generation: int, limit: int) -> _Matched:
    matches, corrected = _text_matches(text, index_generation, limit)
    rows = _rows(list(matches.scores)) if matches.scores else []
    brands: dict[int, Brand] = {}
    tags: dict[int, Tag] = {}
    if rows:
        label = ("slug", "name", "name_en")
        brands = {b.pk: b for b in Brand.objects.filter(pk__in={row[BRAND] for row in rows}).only(*label)}
        tags = {t.pk: t for t in Tag.objects.filter(pk__in={t for row in rows for t in row[TAGS]}).only(*label)}
    return _Matched(
        matches.scores,
        rows,
        brands,
        tags,
        relaxed=matches.relaxed,
        corrected=corrected,
        capped=len(matches.scores) >= limit,
    )


def _rows(ids: list[int]) -> list[tuple]:
    """What filtering, counting and sorting need about these products (those on sale), in one query; the ids
    go as one parameter (an array, or a JSON list on SQLite) however many there are."""
    product, category = Product._meta.db_table, Category._meta.db_table
    through = Product.tags.through
    link, product_column, tag_column = (
        through._meta.db_table,
        through._meta.get_field("product").column,
        through._meta.get_field("tag").column,
    )
    columns = "p.id, p.brand_id, c.path, {price}, p.in_stock, p.sales_count, {rating}, p.rating_count, {published}"
    if connection.vendor == "postgresql":
        # Set-based: a hash of the ids drives index lookups, the tags are aggregated in one pass.
        param = ids
        columns = columns.format(
            price="p.price_min::float8",
            rating="p.rating_avg::float8",
            published="extract(epoch FROM p.published_at)::float8",
        )
        sql = (
            "WITH m(id) AS (SELECT unnest(%s::bigint[])), "  # noqa: S608 - names from the models; values are parameters
            f"tg AS (SELECT t.{product_column} AS product_id, array_agg(t.{tag_column}) AS tags FROM {link} t "
            f"WHERE t.{product_column} IN (SELECT id FROM m) GROUP BY t.{product_column}) "
            f"SELECT {columns}, tg.tags FROM {product} p JOIN {category} c ON c.id = p.category_id "
            "LEFT JOIN tg ON tg.product_id = p.id WHERE p.id IN (SELECT id FROM m) AND p.status = %s"
        )
    else:
        # Rowid lookups for the ids ("+" keeps SQLite from scanning the status index instead), tags per row.
        param = json.dumps(ids)
        columns = columns.format(
            price="CAST(p.price_min AS REAL)",
            rating="CAST(p.rating_avg AS REAL)",
            published="julianday(p.published_at)",
        )
        sql = (
            f"SELECT {columns}, (SELECT group_concat(t.{tag_column}) FROM {link} t "  # noqa: S608 - as above
            f"WHERE t.{product_column} = p.id) FROM {product} p JOIN {category} c ON c.id = p.category_id "
            "WHERE p.id IN (SELECT value FROM json_each(%s)) AND +p.status = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [param, ProductStatus.ON_SALE])
        rows = cursor.fetchall()
    # Tag ids as a tuple: PostgreSQL gives a list (or NULL), SQLite "3,7"; the same few strings repeat.
    tag_tuples: dict = {None: ()}

    def tags_of(value) -> tuple[int, ...]:
        key = value if isinstance(value, str) or value is None else tuple(value)
        found = tag_tuples.get(key)
        if found is None:
            found = tag_tuples[key] = tuple(int(t) for t in value.split(",")) if isinstance(value, str) else key
        return found

    return [(*row[:TAGS], tags_of(row[TAGS])) for row in rows]


def _search(
    query: BrowseQuery, category: Category | None, with_facets: bool, generations: tuple[int, int]
) -> BrowseResult:
    filtered = bool(category or query.brands or query.tags or query.in_stock) or (
        query.price_min is not None or query.price_max is not None
    )
    matched = _matched(query.q, generations, every=False)
    if filtered and matched.capped:
        # The best 1000 were enough to show the first pages; a filter must see every match.
        matched = _matched(query.q, generations, every=True)
    rows, scores = matched.rows, matched.scores
    # One boolean list per filter in use; a product is kept when it passes all of them, and counts towards a
    # facet when it passes all but that facet's own.
    checks: dict[str, list[bool]] = {}
    if category is not None:
        prefix = category.path
        checks["category"] = [row[PATH].startswith(prefix) for row in rows]
    if query.brands:
        wanted = {pk for pk, b in matched.brands.items() if b.slug in query.brands}
        checks["brand"] = [row[BRAND] in wanted for row in rows]
    if query.tags:
        wanted_tags = {pk for pk, t in matched.tags.items() if t.slug in query.tags}
        if len(wanted_tags) < len(set(query.tags)):
            checks["tag"] = [False] * len(rows)  # an unknown tag: nothing has it
        else:
            checks["tag"] = [wanted_tags.issubset(row[TAGS]) for row in rows]
    if query.price_min is not None or query.price_max is not None:
        low = float(query.price_min) if query.price_min is not None else float("-inf")
        high = float(query.price_max) if query.price_max is not None else float("inf")
        checks["price"] = [row[PRICE] is not None and low <= row[PRICE] <= high for row in rows]
    if query.in_stock:
        checks["stock"] = [bool(row[STOCK]) for row in rows]

    def passing(*, but: str = "") -> list[tuple]:
        lists = [flags for name, flags in checks.items() if name != but]
        if not lists:
            return rows
        return [row for row, *flags in zip(rows, *lists, strict=True) if all(flags)]

    kept = passing()
    start = (query.page - 1) * query.page_size
    page_ids = [row[PK] for row in _ordered(kept, query.sort, scores, start + query.page_size)[start:]]
    by_id = {p.pk: p for p in _with_cards(Product.objects.filter(pk__in=page_ids))} if page_ids else {}
    result = BrowseResult(
        query=query,
        products=[by_id[pk] for pk in page_ids if pk in by_id],
        count=len(kept),
        page=query.page,
        pages=_pages(len(kept), query.page_size),
        category=category,
        corrected_query=matched.corrected,
        relaxed=matched.relaxed,
        capped=matched.capped,
    )
    if with_facets and rows:
        subsets = {name: passing(but=name) if name in checks else kept for name in FACETS}
        result.facets = _search_facets(query, category, subsets, matched)
    if not kept:
        result.suggestions = _no_result_help(query)
    return result


FACETS = ("category", "brand", "tag", "price", "stock")


def _ordered(rows: list[tuple], sort: str, scores: dict[int, float], needed: int) -> list[tuple]:
    """The first ``needed`` rows in SORTS order; products without a price or a date last."""
    if sort == "price_asc":
        key = lambda r: (r[PRICE] is None, r[PRICE] or 0.0, r[PK])  # noqa: E731
    elif sort == "price_desc":
        key = lambda r: (r[PRICE] is None, -(r[PRICE] or 0.0), -r[PK])  # noqa: E731
    elif sort == "newest":
        key = lambda r: (r[PUBLISHED] is None, -(r[PUBLISHED] or 0.0), -r[PK])  # noqa: E731
    elif sort == "sales":
        key = lambda r: (-r[SALES], -r[PK])  # noqa: E731
    elif sort == "rating":
        key = lambda r: (-(r[RATING] or 0.0), -r[RATINGS], -r[PK])  # noqa: E731
    else:
        key = lambda r: (-scores.get(r[PK], 0.0), -r[SALES], r[PK])  # noqa: E731
    if needed * 4 < len(rows):
        return heapq.nsmallest(needed, rows, key=key)
    return sorted(rows, key=key)[:needed]


def _search_facets(query, category, subsets: dict[str, list[tuple]], matched: _Matched) -> dict[str, list[Facet]]:
    brands, tags = matched.brands, matched.tags
    brand_counts = Counter(row[BRAND] for row in subsets["brand"])
    tag_counts = Counter(t for row in subsets["tag"] for t in row[TAGS])
    price_counts = Counter(_band_index(row[PRICE]) for row in subsets["price"])
    stock_count = sum(1 for row in subsets["stock"] if row[STOCK])
    children = _children(category)
    child_of: dict[str, int | None] = {}
    child_counts: Counter = Counter()
    for path, n in Counter(row[PATH] for row in subsets["category"]).items():
        if path not in child_of:
            child_of[path] = next((c.pk for c in children if path.startswith(c.path)), None)
        if child_of[path] is not None:
            child_counts[child_of[path]] += n

    def top(counts: Counter, things: dict) -> list:
        present = [(pk, n) for pk, n in counts.items() if pk in things]
        return sorted(present, key=lambda item: (-item[1], things[item[0]].t("name")))[:FACET_LIMIT]

    return {
        "category": [Facet(c.slug, c.t("name"), child_counts[c.pk]) for c in children if child_counts[c.pk]],
        "brand": [_labelled(brands[pk], n, query.brands) for pk, n in top(brand_counts, brands)],
        "tag": [_labelled(tags[pk], n, query.tags) for pk, n in top(tag_counts, tags)],
        "price": _price_facets(query, [price_counts[i] for i in range(len(PRICE_BANDS))]),
        "stock": _stock_facet(query, stock_count),
    }


def _no_result_help(query: BrowseQuery) -> list:
    """What to try when nothing matched: completions of the first word typed, else popular searches."""
    from shequ.search import analysis
    from shequ.search.selectors import search_popular, search_suggest

    runs = analysis.runs(analysis.normalize(query.q))
    suggestions = []
    if runs:
        is_chinese, first = runs[0]
        suggestions = search_suggest(doc_type=SEARCH_DOC_TYPE, prefix=first[: 1 if is_chinese else 2], limit=8)
    typed = analysis.suggestion_prefix(query.q)
    suggestions = [s for s in suggestions if analysis.suggestion_prefix(s.text) != typed]
    return suggestions or search_popular(doc_type=SEARCH_DOC_TYPE, limit=8)


# --- without a text query: the database filters, counts and orders ----------------------------------------


def _filtered(query: BrowseQuery, category: Category | None, *, skip: str | tuple[str, ...] = ()) -> QuerySet[Product]:
    """Shop-visible products passing the query's filters, except those named in ``skip``."""
    skip = (skip,) if isinstance(skip, str) else skip
    qs = Product.objects.filter(status=ProductStatus.ON_SALE)
    if category is not None and "category" not in skip:
        qs = qs.filter(category__path__startswith=category.path)
    if query.brands and "brand" not in skip:
        qs = qs.filter(brand__slug__in=query.brands)
    for tag in query.tags if "tag" not in skip else ():
        qs = qs.filter(tags__slug=tag)
    if "price" not in skip:
        qs = qs.filter(_price_q(query))
    if query.in_stock and "stock" not in skip:
        qs = qs.filter(in_stock=True)
    return qs


def _database_order(sort: str) -> list:
    """SORTS as expressions, products without a price or a publication date last on every database."""
    if sort == "relevance":
        return ["-is_featured", "-sales_count", "-id"]
    order = []
    for name in SORTS[sort]:
        column = name.lstrip("-")
        expression = F(column).desc(nulls_last=True) if name.startswith("-") else F(column).asc(nulls_last=True)
        order.append(expression if column in {"price_min", "published_at"} else name)
    return order


def _price_q(query: BrowseQuery) -> Q:
    condition = Q()
    if query.price_min is not None:
        condition &= Q(price_min__gte=query.price_min)
    if query.price_max is not None:
        condition &= Q(price_min__lte=query.price_max)
    return condition


def _browse(query: BrowseQuery, category: Category | None, with_facets: bool) -> BrowseResult:
    base = _filtered(query, category)
    if query.tags:
        base = base.distinct()
    start = (query.page - 1) * query.page_size
    products = list(_with_cards(base.order_by(*_database_order(query.sort)))[start : start + query.page_size])
    facets: dict[str, list[Facet]] = {}
    if with_facets:
        count, facets = _database_facets(query, category)
    else:
        count = base.count()
    return BrowseResult(
        query=query,
        products=products,
        count=count,
        page=query.page,
        pages=_pages(count, query.page_size),
        facets=facets,
        category=category,
    )


def _database_facets(query: BrowseQuery, category: Category | None) -> tuple[int, dict[str, list[Facet]]]:
    """The total and the facets in five queries: brands, tags, sub-categories and their counts, and one
    aggregate for the total, the price bands and in-stock (each counted without its own filter)."""
    brand_rows = list(
        _filtered(query, category, skip="brand")
        .values("brand_id", "brand__slug", "brand__name", "brand__name_en")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "brand__name")[:FACET_LIMIT]
    )
    tag_rows = list(
        _filtered(query, category, skip="tag")
        .exclude(tags=None)
        .values("tags", "tags__slug", "tags__name", "tags__name_en")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "tags__name")[:FACET_LIMIT]
    )
    children = _children(category)
    child_counts: Counter = Counter()
    for row in _filtered(query, category, skip="category").values("category__path").annotate(n=Count("id")):
        for child in children:
            if row["category__path"].startswith(child.path):
                child_counts[child.pk] += row["n"]
                break
    price, stock = _price_q(query), Q(in_stock=True) if query.in_stock else Q()
    counts = {
        f"b{i}": Count(
            "id",
            distinct=True,
            filter=stock & Q(price_min__gte=low) & (Q(price_min__lt=high) if high is not None else Q()),
        )
        for i, (low, high) in enumerate(PRICE_BANDS)
    }
    counts["stock"] = Count("id", distinct=True, filter=price & Q(in_stock=True))
    counts["total"] = Count("id", distinct=True, filter=price & stock)
    totals = _filtered(query, category, skip=("price", "stock")).aggregate(**counts)
    return totals["total"], {
        "category": [Facet(c.slug, c.t("name"), child_counts[c.pk]) for c in children if child_counts[c.pk]],
        "brand": [
            _labelled(
                Brand(slug=r["brand__slug"], name=r["brand__name"], name_en=r["brand__name_en"]), r["n"], query.brands
            )
            for r in brand_rows
        ],
        "tag": [
            _labelled(Tag(slug=r["tags__slug"], name=r["tags__name"], name_en=r["tags__name_en"]), r["n"], query.tags)
            for r in tag_rows
        ],
        "price": _price_facets(query, [totals[f"b{i}"] for i in range(len(PRICE_BANDS))]),
        "stock": _stock_facet(query, totals["stock"]),
    }


def _labelled(thing: Brand | Tag, count: int, selected: tuple[str, ...]) -> Facet:
    return Facet(thing.slug, thing.t("name"), count, thing.slug in selected)
