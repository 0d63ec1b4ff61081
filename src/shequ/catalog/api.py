"""Catalog API (read-only for consumers; no login needed, though a bearer token is used for attribution).

Every answer is cached as serialised JSON and served with a strong ETag and public Cache-Control: a product's
detail under (id, version, language) so the hot path is a cache lookup or two and no query, lists under the
catalog generation. ``If-None-Match`` gets a 304. See http_cache.py for the header policy.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import TypeAdapter

from shequ.accounts.api_auth import optional_user_auth
from shequ.catalog import http_cache, product_detail, selectors, tracking
from shequ.catalog.browse import parse_browse_query
from shequ.catalog.schemas import (
    BannerOut,
    BrandOut,
    CategoryNodeOut,
    ErrorOut,
    ProductDetailOut,
    ProductListOut,
    SuggestListOut,
    TagOut,
)
from shequ.catalog.services import catalog_generation
from shequ.core import fragment_cache

router = Router(tags=["catalog"])

LIST_TTL = 60
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
_categories_json = TypeAdapter(list[CategoryNodeOut])
_brands_json = TypeAdapter(list[BrandOut])
_tags_json = TypeAdapter(list[TagOut])
_banners_json = TypeAdapter(list[BannerOut])


def product_url(slug: str) -> str:
    return reverse("catalog:product", args=[slug])


def _file_url(field) -> str | None:
    return field.url if field else None


def card_out(product) -> dict:
    images = getattr(product, "ordered_images", None)
    image = images[0] if images else None
    image_url = _file_url(image.image) if image else None
    return {
        "id": product.pk,
        "slug": product.slug,
        "url": product_url(product.slug),
        "name": product.t("name"),
        "subtitle": product.t("subtitle"),
        "brand": {"slug": product.brand.slug, "name": product.brand.t("name")},
        "price_min": product.price_min,
        "price_max": product.price_max,
        "in_stock": product.in_stock,
        "is_featured": product.is_featured,
        "rating_avg": product.rating_avg,
        "rating_count": product.rating_count,
        "sales_count": product.sales_count,
        "image": {"url": image_url, "thumbnail_url": _file_url(image.thumbnail) or image_url, "alt": image.alt}
        if image and image_url
        else None,
    }


def _category_out(node: selectors.CategoryNode) -> dict:
    return {
        "id": node.id,
        "slug": node.slug,
        "name": node.name,
        "icon": node.icon,
        "url": reverse("catalog:category", args=[node.slug]),
        "children": [_category_out(child) for child in node.children],
    }


def _generation_cached(
    request: HttpRequest, name: str, build, *, variant: str = "", listing: bool = False
) -> tuple[str, bytes, object]:
    """(etag, body, extra) for a list answer, built once per catalog generation and language (for product
    listings also per search-index generation)."""
    generation = selectors.listing_generation() if listing else catalog_generation()
    key = f"catalog:api:{name}:{generation}:{selectors.language()}:{variant}"

    def fresh() -> tuple[str, bytes, object]:
        body, extra = build()
        return http_cache.body_etag(body), body, extra

    return fragment_cache.get_or_build(key, fresh, LIST_TTL)  # versioned key: safe to keep in process too


def _dump(adapter: TypeAdapter, data: list[dict]) -> bytes:
    return adapter.dump_json(adapter.validate_python(data))


def _list_response(request: HttpRequest, name: str, build):
    tag, body, _extra = _generation_cached(request, name, lambda: (build(), None))
    return http_cache.json_response(request, body, tag=tag, cache_control=http_cache.API_LIST_CACHE)


@router.get("/categories", response={200: list[CategoryNodeOut], 304: None}, summary="The category tree")
def categories(request: HttpRequest):
    """Active categories as a tree, in their display order."""
    return _list_response(
        request, "categories", lambda: _dump(_categories_json, [_category_out(n) for n in selectors.category_tree()])
    )


@router.get("/brands", response={200: list[BrandOut], 304: None}, summary="Brands")
def brands(request: HttpRequest):
    return _list_response(
        request,
        "brands",
        lambda: _dump(
            _brands_json,
            [
                {"id": b.pk, "slug": b.slug, "name": b.t("name"), "logo_url": _file_url(b.logo)}
                for b in selectors.brand_list()
            ],
        ),
    )


@router.get("/tags", response={200: list[TagOut], 304: None}, summary="Tags (dietary, features, occasions)")
def tags(request: HttpRequest):
    return _list_response(
        request,
        "tags",
        lambda: _dump(
            _tags_json, [{"slug": t.slug, "name": t.t("name"), "kind": t.kind} for t in selectors.tag_list()]
        ),
    )


@router.get("/banners", response={200: list[BannerOut], 304: None}, summary="Home page banners showing now")
def banners(request: HttpRequest):
    return _list_response(
        request,
        "banners",
        lambda: _dump(
            _banners_json,
            [
                {
                    "id": b.pk,
                    "title": b.t("title"),
                    "subtitle": b.t("subtitle"),
                    "image_url": _file_url(b.image),
                    "link": b.link,
                    "colour": b.colour,
                }
                for b in selectors.banner_list()
            ],
        ),
    )


class ProductFilters(Schema):
    """Documented here; parsed and checked by catalog.browse.parse_browse_query (bad values → 400 invalid_filter)."""

    q: str | None = Field(None, description="Search text (Chinese or English); cut to 100 characters.")
    category: str | None = Field(None, description="Category slug; includes its sub-categories.")
    brand: list[str] | None = Field(None, description="Brand slugs (repeat or comma-separate); any of them.")
    tag: list[str] | None = Field(None, description="Tag slugs; a product must have all of them.")
    price_min: str | None = Field(None, description="Lowest price, e.g. 9.9")
    price_max: str | None = Field(None, description="Highest price")
    in_stock: bool | None = Field(None, description="Only products that can be bought now")
    sort: Literal["relevance", "price_asc", "price_desc", "newest", "sales", "rating"] | None = None
    page: int | None = Field(None, description="1 to 500")
    page_size: int | None = Field(None, description="1 to 60 (default 20)")


@router.get(
    "/products",
    response={200: ProductListOut, 304: None, **ERRORS},
    auth=optional_user_auth,
    summary="Browse and search products",
)
def products(request: HttpRequest, filters: Query[ProductFilters]):
    """One page of shop-visible products with facet counts (brand, tag, category) for the current filters."""
    query = parse_browse_query(request.GET)
    variant = hashlib.blake2b(repr(query).encode(), digest_size=12).hexdigest()

    def build():
        result = selectors.product_list(query=query)
        body = ProductListOut(
            items=[card_out(p) for p in result.products],
            count=result.count,
            page=result.page,
            page_size=query.page_size,
            pages=result.pages,
            facets={name: [vars(f) for f in facets] for name, facets in result.facets.items()},
            corrected_query=result.corrected_query,
        ).model_dump_json()
        return body.encode(), result.count

    tag, body, count = _generation_cached(request, "products", build, variant=variant, listing=True)
    tracking.listing_viewed(request, query=query, result_count=count, context="api")
    return http_cache.json_response(request, body, tag=tag, cache_control=http_cache.API_LIST_CACHE)


def _trace_out(batch) -> dict:
    report = batch.latest_report
    return {
        "batch_no": batch.batch_no,
        "production_date": batch.production_date,
        "expiry_date": batch.expiry_date,
        "origin": batch.origin,
        "variant_label": batch.variant_label,
        "sku_code": batch.sku_code,
        "status": batch.flags.status,
        "latest_inspection": {
            "agency": report.agency,
            "report_no": report.report_no,
            "inspected_on": report.inspected_on,
            "result": report.result,
        }
        if report
        else None,
        "url": batch.url,
    }


def _detail_out(detail: product_detail.ProductDetail) -> bytes:
    data = {
        **{name: getattr(detail, name) for name in ProductDetailOut.model_fields if hasattr(detail, name)},
        "url": product_url(detail.slug),
        "brand": {"slug": detail.brand.slug, "name": detail.brand.name},
        "category_path": [vars(c) for c in detail.category_path],
        "tags": [vars(t) for t in detail.tags],
        "images": [vars(i) for i in detail.images],
        "skus": [vars(s) for s in detail.skus],
        "trace": None if detail.trace is None else [_trace_out(b) for b in detail.trace],
    }
    return ProductDetailOut.model_validate(data).model_dump_json().encode()


@router.get(
    "/products/{id_or_slug}",
    response={200: ProductDetailOut, 304: None, **ERRORS},
    auth=optional_user_auth,
    summary="A product with its SKUs, prices, stock state, images and trace summary",
)
def product_get(request: HttpRequest, id_or_slug: str, sku: int | None = None):
    """Unknown, draft and off-sale products are 404 ``product_not_found``. Links from search results may add
    ``?from=search&q=…&pos=N`` so the click is attributed to the search."""
    ref = product_detail.product_ref(key=id_or_slug)
    lang = selectors.language()
    key = f"catalog:pdj:{ref.id}:{ref.version}:{lang}"

    def build() -> tuple:
        detail = product_detail.product_detail(ref=ref)
        default = detail.sku()
        return _detail_out(detail), default.id if default else None, tuple(s.id for s in detail.skus)

    body, default_sku, sku_ids = fragment_cache.get_or_build(key, build, product_detail.DETAIL_TTL)
    tracking.product_viewed(request, product_id=ref.id, sku_id=sku if sku in sku_ids else default_sku)
    tag = http_cache.etag("pd", ref.id, ref.version, lang)
    return http_cache.json_response(request, body, tag=tag, cache_control=http_cache.API_DETAIL_CACHE)


@router.get("/search/suggest", response={200: SuggestListOut, 304: None}, summary="Search box autocomplete")
def search_suggest(request: HttpRequest, q: str = ""):
    """Up to 8 suggestions for what has been typed so far (queries, products, categories, brands)."""
    text = " ".join(q.split())[:40]
    variant = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    def build():
        items = [{"text": s.text, "kind": s.kind, "url": s.url} for s in selectors.search_suggestions(q=text)]
        return SuggestListOut(items=items).model_dump_json().encode(), None

    tag, body, _ = _generation_cached(request, "suggest", build, variant=variant, listing=True)
    return http_cache.json_response(request, body, tag=tag, cache_control=http_cache.API_LIST_CACHE)
