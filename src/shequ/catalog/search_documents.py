"""How a product becomes a search document, and how the index follows product changes.

Only products on sale are documents; any other product handed to the indexer is removed from the index. The
title is the name (Chinese and English); keywords are the brand, every category on the path and the tags; the
body is the selling point, the variants and the start of the description. Popularity (units sold, rating,
featured) nudges ranking and orders suggestions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from django.db.models import Prefetch

from shequ.catalog import signals
from shequ.catalog.models import SKU, Category, Product, ProductStatus, Tag

DOC_TYPE = "product"
DESCRIPTION_CHARS = 300
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"<[^>]*>|[*_#`>\[\]()!|~]+|&[a-z]+;")


def _plain(text: str) -> str:
    """The start of a Markdown/HTML description as plain words (markup and entities do not matter here)."""
    return _SPACES.sub(" ", _MARKUP.sub(" ", text[: DESCRIPTION_CHARS * 3]))[:DESCRIPTION_CHARS]


def _popularity(product: Product) -> float:
    sales = math.log1p(product.sales_count) / math.log1p(100_000)
    rating = float(product.rating_avg) / 5 if product.rating_count >= 3 else 0.0
    return min(1.0, 0.75 * min(sales, 1.0) + 0.15 * rating + (0.1 if product.is_featured else 0.0))


def _category_names(products: list[Product]) -> dict[str, list[str]]:
    """Category path → the names (both languages) of every category on it, root first, in one query."""
    paths: set[str] = set()
    for product in products:
        parts = product.category.path.strip("/").split("/")
        paths.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    by_path = {c.path: c for c in Category.objects.filter(path__in=paths).only("path", "name", "name_en")}
    names: dict[str, list[str]] = {}
    for product in products:
        path = product.category.path
        parts = path.strip("/").split("/")
        chain = [by_path.get("/".join(parts[: i + 1]) + "/") for i in range(len(parts))]
        names[path] = [n for c in chain if c for n in (c.name, c.name_en) if n]
    return names


def product_documents(product_ids: list[int]):
    """Search documents of the given products that are on sale (the others are to be removed)."""
    from shequ.search.registry import SourceDocument, Suggestion

    products = list(
        Product.objects.filter(pk__in=product_ids, status=ProductStatus.ON_SALE)
        .select_related("brand", "category")
        .only(
            *("name", "name_en", "slug", "subtitle", "subtitle_en", "description", "description_en"),
            *("sales_count", "rating_avg", "rating_count", "is_featured"),
            *("brand__name", "brand__name_en", "brand__slug"),
            *("category__name", "category__name_en", "category__slug", "category__path"),
        )
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("name", "name_en")),
            Prefetch(
                "skus",
                queryset=SKU.objects.filter(is_active=True).only(
                    "product_id", "flavour", "flavour_en", "pack_size", "pack_size_en"
                ),
            ),
        )
    )
    categories = _category_names(products)
    documents = []
    for product in products:
        brand = product.brand
        tags = list(product.tags.all())
        skus = product.skus.all()
        description = _plain(product.description)
        description_en = _plain(product.description_en)
        category = product.category
        documents.append(
            SourceDocument(
                object_id=product.pk,
                title=product.name,
                title_texts=[product.name, product.name_en],
                keyword_texts=[
                    brand.name,
                    brand.name_en,
                    *categories.get(category.path, [category.name, category.name_en]),
                    *(n for t in tags for n in (t.name, t.name_en)),
                ],
                body_texts=[
                    product.subtitle,
                    product.subtitle_en,
                    *(n for s in skus for n in (s.flavour, s.flavour_en, s.pack_size, s.pack_size_en)),
                    description,
                    description_en,
                ],
                suggest=[
                    Suggestion(product.name, "product", product.slug),
                    Suggestion(brand.name, "brand", brand.slug),
                    *([Suggestion(brand.name_en, "brand", brand.slug)] if brand.name_en else []),
                    Suggestion(category.name, "category", category.slug),
                    *(t.name for t in tags),
                ],
                popularity=_popularity(product),
            )
        )
    return documents


def product_ids_on_sale() -> Iterable[int]:
    return Product.objects.filter(status=ProductStatus.ON_SALE).order_by("pk").values_list("pk", flat=True)


def _products_changed(product_ids: list[int]) -> None:
    from shequ.search.services import search_index_later

    search_index_later(doc_type=DOC_TYPE, object_ids=product_ids)


def register() -> None:
    """Register the product document provider with the search module, and re-index products as they change."""
    from shequ.search.registry import register_provider

    register_provider(doc_type=DOC_TYPE, documents=product_documents, all_ids=product_ids_on_sale)
    signals.on_products_changed(_products_changed)
