"""Reads of the catalog for pages, the API and other modules: the category tree, brands, tags, banners, the
home page's shelves, category and search listings, autocomplete. A single product (its ref, detail and variant
picker — the storefront's hot path) is in product_detail.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from shequ.catalog.browse import BrowseQuery, BrowseResult, product_browse
from shequ.catalog.models import SKU, Banner, Brand, Category, Product, ProductImage, ProductStatus, Tag


def product_ids_for_skus(*, sku_ids: list[int]) -> list[int]:
    return list(SKU.objects.filter(pk__in=sku_ids).values_list("product_id", flat=True).distinct())


def language() -> str:
    """The active language as it appears in cache keys."""
    return (get_language() or "zh-hans").lower()


# --- lists: categories, brands, tags, banners, home ------------------------------------------------------


@dataclass
class CategoryNode:
    id: int
    slug: str
    name: str
    icon: str
    children: list[CategoryNode] = field(default_factory=list)


def category_tree() -> list[CategoryNode]:
    """The active category tree (one query); a node under an inactive parent is left out with it."""
    nodes: dict[int, CategoryNode] = {}
    roots: list[CategoryNode] = []
    rows = Category.objects.filter(is_active=True).order_by("depth", "position", "id")
    for category in rows:
        node = CategoryNode(id=category.pk, slug=category.slug, name=category.t("name"), icon=category.icon)
        if category.parent_id is None:
            roots.append(node)
            nodes[category.pk] = node
        elif category.parent_id in nodes:
            nodes[category.parent_id].children.append(node)
            nodes[category.pk] = node
    return roots


def brand_list() -> QuerySet[Brand]:
    return Brand.objects.filter(is_active=True).order_by("name")


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.order_by("kind", "slug")


def banner_list(*, at: datetime | None = None) -> QuerySet[Banner]:
    """Banners showing now, in their order."""
    at = at or timezone.now()
    return (
        Banner.objects.filter(is_active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .order_by("position", "-id")
    )


def product_cards() -> QuerySet[Product]:
    """Shop-visible products with what a product card shows (brand, first image) prefetched."""
    return (
        Product.objects.filter(status=ProductStatus.ON_SALE)
        .select_related("brand")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images")
        )
    )


@dataclass
class HomeSections:
    banners: list[Banner]
    categories: list[Category]
    featured: list[Product]
    new_arrivals: list[Product]
    best_sellers: list[Product]


def home_sections(*, limit: int = 6) -> HomeSections:
    """What the home page shows: banners, top-level categories, featured, new and best-selling products."""
    return HomeSections(
        banners=list(banner_list()[:8]),
        categories=list(Category.objects.filter(parent=None, is_active=True).order_by("position", "id")[:12]),
        featured=list(product_cards().filter(is_featured=True).order_by("-sales_count", "-id")[:limit]),
        new_arrivals=list(product_cards().order_by("-published_at", "-id")[:limit]),
        best_sellers=list(product_cards().order_by("-sales_count", "-id")[:limit]),
    )


# --- listings: category pages and search -----------------------------------------------------------------


def listing_generation() -> str:
    """Changes whenever a listing may change (a catalog write, or the search index catching up with one)."""
    try:
        from shequ.catalog.browse import browse_generation
    except ImportError:
        from shequ.catalog.services import catalog_generation

        return str(catalog_generation())
    return browse_generation()


@dataclass
class Listing:
    result: BrowseResult
    ancestors: list[Category] = field(default_factory=list)
    # When nothing matched: something else to look at.
    popular_categories: list[Category] = field(default_factory=list)
    suggested_products: list[Product] = field(default_factory=list)


def product_list(*, query: BrowseQuery) -> BrowseResult:
    """One page of shop-visible products for the API, with facets."""
    return product_browse(query=query)


def category_listing(*, query: BrowseQuery) -> Listing:
    """A category page: one page of its products with facets, and the breadcrumb above it."""
    result = product_browse(query=query)
    category = result.category
    ancestors: list[Category] = []
    if category is not None and category.depth:
        prefixes = []
        parts = category.path.split("/")[:-1]
        for depth in range(1, len(parts)):
            prefixes.append("/".join(parts[:depth]) + "/")
        ancestors = list(Category.objects.filter(path__in=prefixes).order_by("depth"))
    return Listing(result=result, ancestors=ancestors)


def search_listing(*, query: BrowseQuery, fallback_limit: int = 6) -> Listing:
    """Search results with facets; when nothing matched, popular categories and best sellers to try instead."""
    result = product_browse(query=query)
    listing = Listing(result=result)
    if result.count == 0:
        listing.popular_categories = list(
            Category.objects.filter(parent=None, is_active=True).order_by("position", "id")[:8]
        )
        listing.suggested_products = list(product_cards().order_by("-sales_count", "-id")[:fallback_limit])
    return listing


def search_landing(*, limit: int = 6) -> Listing:
    """The search page before anything is typed: categories to browse and what sells best."""
    return Listing(
        result=BrowseResult(query=BrowseQuery(), products=[], count=0, page=1, pages=0),
        popular_categories=list(Category.objects.filter(parent=None, is_active=True).order_by("position", "id")[:8]),
        suggested_products=list(product_cards().order_by("-sales_count", "-id")[:limit]),
    )


# --- autocomplete ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "query" | "product" | "category" | "brand"
    slug: str = ""

    @property
    def url(self) -> str:
        from urllib.parse import urlencode

        from django.urls import reverse

        if self.kind == "product" and self.slug:
            return reverse("catalog:product", args=[self.slug])
        if self.kind == "category" and self.slug:
            return reverse("catalog:category", args=[self.slug])
        if self.kind == "brand" and self.slug:
            return reverse("catalog:search") + "?" + urlencode({"brand": self.slug})
        return reverse("catalog:search") + "?" + urlencode({"q": self.text})


def search_suggestions(*, q: str, limit: int = 8) -> list[Suggestion]:
    """Autocomplete for the search box: the search module's suggestions, else names that contain the text."""
    q = " ".join((q or "").split())[:40]
    if not q:
        return []
    try:
        from shequ.search.selectors import search_suggest
    except ImportError:
        search_suggest = None
    if search_suggest is not None:
        return [_suggestion(item) for item in search_suggest(doc_type="product", prefix=q, limit=limit)][:limit]
    out: list[Suggestion] = []
    name_q = Q(name__icontains=q) | Q(name_en__icontains=q)
    for category in Category.objects.filter(name_q, is_active=True).order_by("depth", "position")[:3]:
        out.append(Suggestion(category.t("name"), "category", category.slug))
    for brand in Brand.objects.filter(name_q, is_active=True)[:2]:
        out.append(Suggestion(brand.t("name"), "brand", brand.slug))
    products = Product.objects.filter(name_q, status=ProductStatus.ON_SALE).order_by("-sales_count", "-id")
    for product in products[: max(0, limit - len(out))]:
        out.append(Suggestion(product.t("name"), "product", product.slug))
    return out[:limit]


def _suggestion(item) -> Suggestion:
    """Accept what the search module returns: a Suggestion-like object, a dict or a plain string."""
    if isinstance(item, str):
        return Suggestion(item, "query")
    get = item.get if isinstance(item, dict) else (lambda name, default="": getattr(item, name, default))
    return Suggestion(
        str(get("text", "") or get("label", "")),
        str(get("kind", "query") or "query"),
        str(get("slug", "") or get("ref", "") or ""),
    )
