"""Browse and search the catalog: one query object for category pages, search results and the API.

``product_browse`` takes a validated BrowseQuery and returns one page of products, the total, and facet
counts (brands, categories, tags, price bands, in-stock) for the current filters. The text part of a
search is delegated to the search backend (see shequ.search); filters, facets and sorting run on the
denormalised Product columns, so every page costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shequ.catalog.models import Brand, Category, Product, ProductStatus, Tag
from shequ.core.errors import InvalidInput

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
    corrected_query: str = ""


def _bad(field_name: str, message) -> InvalidInput:
    return InvalidInput("invalid_filter", message, details={"field": field_name})


def parse_browse_query(params, *, category: str = "") -> BrowseQuery:
    """Read a BrowseQuery from request parameters (a QueryDict or dict); bad values raise InvalidInput."""

    def get(name: str, default: str = "") -> str:
        value = params.get(name, default)
        return (value or default).strip() if isinstance(value, str) else default

    def get_list(name: str) -> tuple[str, ...]:
        values = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
        if isinstance(values, str):
            values = [values]
        out: list[str] = []
        for value in values:
            out.extend(part.strip() for part in str(value).split(",") if part.strip())
        return tuple(dict.fromkeys(v[:60] for v in out))[:20]

    def money(name: str) -> Decimal | None:
        raw = get(name)
        if not raw:
            return None
        try:
            value = Decimal(raw)
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
            value = int(raw)
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
    q = " ".join(get("q").split())[:MAX_QUERY_LENGTH]
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


def _filtered(query: BrowseQuery, category: Category | None, *, skip: str = "") -> QuerySet[Product]:
    qs = Product.objects.filter(status=ProductStatus.ON_SALE)
    if category is not None and skip != "category":
        qs = qs.filter(category__path__startswith=category.path)
    if query.brands and skip != "brand":
        qs = qs.filter(brand__slug__in=query.brands)
    for tag in query.tags if skip != "tag" else ():
        qs = qs.filter(tags__slug=tag)
    if query.price_min is not None:
        qs = qs.filter(price_min__gte=query.price_min)
    if query.price_max is not None:
        qs = qs.filter(price_min__lte=query.price_max)
    if query.in_stock:
        qs = qs.filter(in_stock=True)
    return qs


def _text_matches(query: BrowseQuery) -> dict[int, float] | None:
    """Product id → relevance for the text query, or None when there is no text query."""
    if not query.q:
        return None
    from shequ.search.services import search_match

    return search_match(doc_type="product", query=query.q)


def product_browse(*, query: BrowseQuery, with_facets: bool = True) -> BrowseResult:
    """One page of products for the query, with facet counts."""
    category = None
    if query.category:
        category = Category.objects.filter(slug=query.category, is_active=True).first()
        if category is None:
            from shequ.core.errors import NotFound

            raise NotFound("category_not_found", _("Category not found."))
    scores = _text_matches(query)
    base = _filtered(query, category)
    if scores is not None:
        base = base.filter(pk__in=list(scores))
    if scores is not None and query.sort == "relevance":
        ranked = sorted(
            base.values_list("pk", "sales_count"), key=lambda row: (-scores.get(row[0], 0), -row[1], row[0])
        )
        count = len(ranked)
        start = (query.page - 1) * query.page_size
        page_ids = [pk for pk, _sales in ranked[start : start + query.page_size]]
        by_id = {p.pk: p for p in _with_cards(Product.objects.filter(pk__in=page_ids))}
        products = [by_id[pk] for pk in page_ids if pk in by_id]
    else:
        order = SORTS[query.sort] or ("-is_featured", "-sales_count", "-id")
        count = base.count()
        start = (query.page - 1) * query.page_size
        products = list(_with_cards(base.order_by(*order))[start : start + query.page_size])
    pages = (count + query.page_size - 1) // query.page_size
    result = BrowseResult(query=query, products=products, count=count, page=query.page, pages=pages, category=category)
    if with_facets:
        result.facets = _facets(query, category, scores)
    return result


def _with_cards(qs: QuerySet[Product]) -> QuerySet[Product]:
    """What a product card shows: brand and the first image, in a fixed number of queries."""
    from django.db.models import Prefetch

    from shequ.catalog.models import ProductImage

    return qs.select_related("brand").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images")
    )


def _facets(query: BrowseQuery, category: Category | None, scores: dict[int, float] | None) -> dict[str, list[Facet]]:
    def scoped(skip: str) -> QuerySet[Product]:
        qs = _filtered(query, category, skip=skip)
        return qs.filter(pk__in=list(scores)) if scores is not None else qs

    brand_rows = scoped("brand").values("brand_id").annotate(n=Count("id", distinct=True)).order_by("-n")[:20]
    brands = {b.pk: b for b in Brand.objects.filter(pk__in=[r["brand_id"] for r in brand_rows])}
    tag_rows = (
        scoped("tag").values("tags").exclude(tags=None).annotate(n=Count("id", distinct=True)).order_by("-n")[:20]
    )
    tags = {t.pk: t for t in Tag.objects.filter(pk__in=[r["tags"] for r in tag_rows])}
    in_category = scoped("category")
    if category is not None:
        children = Category.objects.filter(parent=category, is_active=True)
    else:
        children = Category.objects.filter(parent=None, is_active=True)
    paths = {c.pk: c.path for c in children}
    child_counts = dict.fromkeys(paths, 0)
    for row in in_category.values("category__path").annotate(n=Count("id")):
        for child_id, path in paths.items():
            if row["category__path"].startswith(path):
                child_counts[child_id] += row["n"]
    return {
        "brand": [
            Facet(
                brands[r["brand_id"]].slug,
                brands[r["brand_id"]].t("name"),
                r["n"],
                brands[r["brand_id"]].slug in query.brands,
            )
            for r in brand_rows
            if r["brand_id"] in brands
        ],
        "tag": [
            Facet(tags[r["tags"]].slug, tags[r["tags"]].t("name"), r["n"], tags[r["tags"]].slug in query.tags)
            for r in tag_rows
            if r["tags"] in tags
        ],
        "category": [Facet(c.slug, c.t("name"), child_counts[c.pk]) for c in children if child_counts[c.pk]],
    }


def product_filter_q(*, category_path: str | None = None) -> Q:
    """The "visible in the shop" condition, for other modules that list products."""
    q = Q(status=ProductStatus.ON_SALE)
    if category_path:
        q &= Q(category__path__startswith=category_path)
    return q
