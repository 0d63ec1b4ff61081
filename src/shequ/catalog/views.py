"""Storefront pages (phone-first, HTMX): home, categories, category listing, search, product, variant switch.

Each view parses the request, calls one selector and renders. What a page shows is cached as rendered HTML
under keys that change with the data: listings and the home page under the catalog generation, a product
under its version (``catalog:frag:pd:<id>:<version>:<lang>``), so a warm product page costs two cache reads
and no query. Nothing user-specific (CSRF token, login state) is inside a cached fragment.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shequ.catalog import http_cache, page_versions, product_detail, selectors, tracking
from shequ.catalog.browse import BrowseQuery, parse_browse_query
from shequ.catalog.services import catalog_generation
from shequ.core import fragment_cache, page_cache
from shequ.core.errors import DomainError, NotFound

HOME_TTL = 60
PAGE_TTL = 300
LISTING_TTL = 300
DEFAULT_PAGE_SIZE = 20
SORTS = [
    ("relevance", _("Recommended")),
    ("sales", _("Best selling")),
    ("newest", _("Newest")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("rating", _("Top rated")),
]
SEARCH_SORTS = [("relevance", _("Best match")), *SORTS[1:]]
# Where other modules plug into the product page (rendered per request, outside the cached fragment).
OPTIONAL_PRODUCT_TEMPLATES = {
    "rating_template": "community/_product_rating.html",
    "reviews_template": "community/_product_reviews.html",
    "qa_template": "community/_product_qa.html",
}
TRACE_SUMMARY_TEMPLATE = "catalog/_trace_summary.html"
# The cart's buy box for the variant panel (cached HTML, so it must not need the request).
ADD_TO_CART_TEMPLATE = "cart/_add_to_cart.html"


@lru_cache(maxsize=32)
def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


@lru_cache(maxsize=1)
def _add_to_cart_template() -> str:
    """The cart's buy box when the cart module is installed, else "" (the panel shows a disabled button)."""
    try:
        reverse("cart:add")
    except NoReverseMatch:
        return ""
    return ADD_TO_CART_TEMPLATE if _template_exists(ADD_TO_CART_TEMPLATE) else ""


def _shared_page(
    request: HttpRequest, template: str, context, *, key: str, ttl: int = LISTING_TTL, meta=None
) -> HttpResponse:
    """A page that, for visitors without a session, depends only on ``key`` (its fragment's versioned key)."""
    return http_cache.page(page_cache.render_page(request, template, context, key=key, ttl=ttl, meta=meta))


def _fragment(html: str, status: int = 200) -> HttpResponse:
    return http_cache.page(HttpResponse(html, status=status))


def _cached(key: str, build, ttl: int):
    """Listing and home fragments: their keys carry the catalog generation, so a copy in process is safe."""
    return fragment_cache.get_or_build(key, build, ttl)


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


# --- home and categories ----------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    key = f"catalog:frag:home:{catalog_generation()}:{selectors.language()}"
    sections = _cached(
        key, lambda: render_to_string("catalog/_home_sections.html", {"sections": selectors.home_sections()}), HOME_TTL
    )
    return _shared_page(request, "catalog/home.html", {"sections_html": sections}, key=key, ttl=HOME_TTL)


@require_safe
def categories_view(request: HttpRequest) -> HttpResponse:
    key = f"catalog:frag:categories:{catalog_generation()}:{selectors.language()}"
    tree = _cached(
        key, lambda: render_to_string("catalog/_category_tree.html", {"tree": selectors.category_tree()}), LISTING_TTL
    )
    return _shared_page(request, "catalog/categories.html", {"tree_html": tree}, key=key)


# --- listings: category pages and search -----------------------------------------------------------------


def _params(query: BrowseQuery, *, context: str, **changes) -> list[tuple[str, str]]:
    """The canonical query string of a listing (what links and "load more" use), with ``changes`` applied."""
    values = {
        "q": query.q,
        "category": query.category if context == "search" else "",
        "brand": list(query.brands),
        "tag": list(query.tags),
        "price_min": query.price_min,
        "price_max": query.price_max,
        "in_stock": query.in_stock,
        "sort": query.sort,
        "page": query.page,
        "page_size": query.page_size,
    }
    values.update(changes)
    pairs: list[tuple[str, str]] = []
    for name in ("q", "category"):
        if values[name]:
            pairs.append((name, values[name]))
    pairs += [("brand", slug) for slug in values["brand"]]
    pairs += [("tag", slug) for slug in values["tag"]]
    for name in ("price_min", "price_max"):
        if values[name] is not None:
            pairs.append((name, str(values[name])))
    if values["in_stock"]:
        pairs.append(("in_stock", "1"))
    if values["sort"] != "relevance":
        pairs.append(("sort", values["sort"]))
    if values["page"] != 1:
        pairs.append(("page", str(values["page"])))
    if values["page_size"] != DEFAULT_PAGE_SIZE:
        pairs.append(("page_size", str(values["page_size"])))
    return pairs


def _url(path: str, pairs: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _active_filters(listing: selectors.Listing, path: str, context: str) -> list[dict]:
    """Chips for the filters in use, each with the link that removes it."""
    query = listing.result.query
    facets = listing.result.facets
    labels = {(name, f.value): f.label for name, values in facets.items() for f in values}
    chips = []
    for slug in query.brands:
        rest = [b for b in query.brands if b != slug]
        chips.append(
            {
                "label": labels.get(("brand", slug), slug),
                "url": _url(path, _params(query, context=context, brand=rest, page=1)),
            }
        )
    for slug in query.tags:
        rest = [t for t in query.tags if t != slug]
        chips.append(
            {
                "label": labels.get(("tag", slug), slug),
                "url": _url(path, _params(query, context=context, tag=rest, page=1)),
            }
        )
    if query.price_min is not None or query.price_max is not None:
        low = f"¥{query.price_min}" if query.price_min is not None else ""
        high = f"¥{query.price_max}" if query.price_max is not None else ""
        chips.append(
            {
                "label": f"{low}–{high}",
                "url": _url(path, _params(query, context=context, price_min=None, price_max=None, page=1)),
            }
        )
    if query.in_stock:
        chips.append(
            {"label": _("In stock"), "url": _url(path, _params(query, context=context, in_stock=False, page=1))}
        )
    if context == "search" and listing.result.category is not None:
        chips.append(
            {
                "label": listing.result.category.t("name"),
                "url": _url(path, _params(query, context=context, category="", page=1)),
            }
        )
    return chips


def _listing_context(listing: selectors.Listing, *, path: str, context: str) -> dict:
    result = listing.result
    query = result.query
    has_next = result.page < result.pages
    base = {"from": context}
    if context == "search":
        base["q"] = query.q
    offset = (result.page - 1) * query.page_size
    card_params = urlencode(base)
    cards = []
    for index, product in enumerate(result.products, start=offset + 1):
        href = f"{reverse('catalog:product', args=[product.slug])}?{card_params}"
        cards.append((product, f"{href}&pos={index}" if context == "search" else href))
    return {
        "listing": listing,
        "result": result,
        "query": query,
        "context": context,
        "path": path,
        "sorts": SEARCH_SORTS if context == "search" else SORTS,
        "active_filters": _active_filters(listing, path, context),
        "clear_url": _url(path, [("q", query.q)] if query.q else []),
        "next_url": _url(path, _params(query, context=context, page=result.page + 1)) if has_next else "",
        "cards": cards,
        "price_bands": [
            {**vars(band), "url": _url(path, _params(query, context=context, page=1, **_band_prices(band.value)))}
            for band in result.facets.get("price", [])
        ],
        "page_size_param": query.page_size if query.page_size != DEFAULT_PAGE_SIZE else None,
    }


def _band_prices(value: str) -> dict:
    """ "20-49.99" → price_min=20, price_max=49.99 ("200-": no upper end)."""
    low, _sep, high = value.partition("-")
    return {"price_min": low or None, "price_max": high or None}


def _listing_part(request: HttpRequest) -> str:
    """What to render: the whole page, the results (a filter changed) or more cards ("load more")."""
    if request.htmx and not request.htmx.history_restore_request:
        return "cards" if request.htmx.target == "load-more" else "results"
    return "page"


PART_TEMPLATES = {"cards": "catalog/_cards.html", "results": "catalog/_results.html"}


def _listing_response(
    request: HttpRequest, hit: dict, part: str, template: str, *, canonical: str, key: str, extra: dict | None = None
) -> HttpResponse:
    if part == "results":
        # The form sends empty fields too; the address bar gets the tidy URL of what is shown.
        response = _fragment(hit["html"])
        response["HX-Push-Url"] = canonical
        return response
    if part != "page":
        return _fragment(hit["html"])
    return _shared_page(request, template, {"body": hit["html"], "title": hit["title"], **(extra or {})}, key=key)


def _listing_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A bad filter: inline in the results when HTMX asked, otherwise the error page."""
    if request.htmx:
        html = render_to_string("catalog/_listing_error.html", {"error": exc}, request=request)
        return _fragment(html, status=exc.status)
    raise exc


@require_safe
def category_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        query = parse_browse_query(request.GET, category=slug)
    except DomainError as exc:
        return _listing_error(request, exc)
    part = _listing_part(request)
    path = reverse("catalog:category", args=[slug])
    key = f"catalog:frag:category:{selectors.listing_generation()}:{selectors.language()}:{part}:{_digest(query)}"

    def build() -> dict:
        listing = selectors.category_listing(query=query)
        context = {**_listing_context(listing, path=path, context="category"), "oob": part == "results"}
        html = render_to_string(PART_TEMPLATES.get(part, "catalog/_category_body.html"), context)
        return {"html": html, "count": listing.result.count, "title": listing.result.category.t("name")}

    try:
        hit = _cached(key, build, LISTING_TTL)
    except DomainError as exc:
        return _listing_error(request, exc)
    tracking.listing_viewed(request, query=query, result_count=hit["count"], context="category")
    canonical = _url(path, _params(query, context="category"))
    return _listing_response(request, hit, part, "catalog/category.html", canonical=canonical, key=key)


def _is_blank(query: BrowseQuery) -> bool:
    return not (
        query.q
        or query.category
        or query.brands
        or query.tags
        or query.in_stock
        or query.price_min is not None
        or query.price_max is not None
    )


@require_safe
def search_view(request: HttpRequest) -> HttpResponse:
    try:
        query = parse_browse_query(request.GET)
    except DomainError as exc:
        return _listing_error(request, exc)
    part = _listing_part(request)
    path = reverse("catalog:search")
    lang = selectors.language()
    if _is_blank(query):
        key = f"catalog:frag:search-landing:{catalog_generation()}:{lang}"
        html = _cached(
            key,
            lambda: render_to_string("catalog/_search_landing.html", {"landing": selectors.search_landing()}),
            LISTING_TTL,
        )
        return _shared_page(
            request, "catalog/search.html", {"body": html, "query": query, "title": _("Search")}, key=key
        )
    key = f"catalog:frag:search:{selectors.listing_generation()}:{lang}:{part}:{_digest(query)}"

    def build() -> dict:
        listing = selectors.search_listing(query=query)
        context = {**_listing_context(listing, path=path, context="search"), "oob": part == "results"}
        html = render_to_string(PART_TEMPLATES.get(part, "catalog/_search_body.html"), context)
        return {"html": html, "count": listing.result.count, "title": query.q or _("Search")}

    try:
        hit = _cached(key, build, LISTING_TTL)
    except DomainError as exc:
        return _listing_error(request, exc)
    tracking.listing_viewed(request, query=query, result_count=hit["count"], context="search")
    canonical = _url(path, _params(query, context="search"))
    return _listing_response(
        request, hit, part, "catalog/search.html", canonical=canonical, key=key, extra={"query": query}
    )


@require_safe
def search_suggest_view(request: HttpRequest) -> HttpResponse:
    """HTMX: the autocomplete list under the search box."""
    q = " ".join(request.GET.get("q", "").split())[:40]
    key = f"catalog:frag:suggest:{selectors.listing_generation()}:{selectors.language()}:{_digest(q)}"
    html = _cached(
        key,
        lambda: render_to_string("catalog/_suggest.html", {"suggestions": selectors.search_suggestions(q=q), "q": q}),
        LISTING_TTL,
    )
    return _fragment(html)


# --- product ----------------------------------------------------------------------------------------------


def _product_fragments(ref: product_detail.ProductRef) -> dict:
    """The product page's HTML pieces (head, one variant panel per SKU, body), cached per version and language."""
    key = f"catalog:frag:pd:{ref.id}:{ref.version}:{selectors.language()}"

    def build() -> dict:
        detail = product_detail.product_detail(ref=ref)
        trace = TRACE_SUMMARY_TEMPLATE if detail.trace is not None and _template_exists(TRACE_SUMMARY_TEMPLATE) else ""
        context = {"p": detail, "trace_template": trace, "batches": detail.trace or []}
        default = detail.sku()
        variants = {}
        for sku in detail.skus or [None]:
            groups = product_detail.variant_groups(detail=detail, selected=sku)
            variants[sku.id if sku else 0] = render_to_string(
                "catalog/_variant.html",
                {"p": detail, "sku": sku, "groups": groups, "add_to_cart_template": _add_to_cart_template()},
            )
        return {
            "title": detail.name,
            "description": detail.subtitle,
            "rating_avg": detail.rating_avg,
            "rating_count": detail.rating_count,
            "head": render_to_string("catalog/_product_head.html", context),
            "body": render_to_string("catalog/_product_body.html", context),
            "variants": variants,
            "default": default.id if default else 0,
        }

    return fragment_cache.get_or_build(key, build, product_detail.DETAIL_TTL)


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@require_safe
def product_view(request: HttpRequest, slug: str) -> HttpResponse:
    ref = product_detail.product_ref(key=slug)
    if ref.slug != slug:  # reached by id, or by an old slug
        target = reverse("catalog:product", args=[ref.slug])
        return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target, permanent=True)
    sku_id = _int(request.GET.get("sku"))
    shown: dict[str, int] = {}

    def context() -> dict:
        # Only when the page is rendered: a shared copy's hit needs neither the fragments nor the context.
        fragments = _product_fragments(ref)
        shown["sku"] = sku_id if sku_id in fragments["variants"] else fragments["default"]
        return {
            "ref": ref,
            "fragments": fragments,
            "variant_html": fragments["variants"][shown["sku"]],
            "canonical": reverse("catalog:product", args=[ref.slug]),
            **{name: template for name, template in OPTIONAL_PRODUCT_TEMPLATES.items() if _template_exists(template)},
        }

    key = f"pd:{ref.id}:{ref.version}:{page_versions.product_page_versions(ref.id)}:{sku_id or 0}"
    response = _shared_page(request, "catalog/product.html", context, key=key, ttl=PAGE_TTL, meta=lambda: shown["sku"])
    tracking.product_viewed(request, product_id=ref.id, sku_id=response.page_meta or None)
    return response


@require_safe
def product_variant_view(request: HttpRequest, slug: str, sku_id: int) -> HttpResponse:
    """HTMX: the variant panel (price, stock, picker, specs) for another SKU of the product."""
    ref = product_detail.product_ref(key=slug)
    fragments = _product_fragments(ref)
    html = fragments["variants"].get(sku_id)
    if html is None or not sku_id:
        raise NotFound("sku_not_found", _("This variant does not exist."))
    tracking.variant_selected(request, product_id=ref.id, sku_id=sku_id)
    if not request.htmx:
        return redirect(f"{reverse('catalog:product', args=[ref.slug])}?sku={sku_id}")
    return _fragment(html)
