"""Reads the catalog back office needs beyond a ModelAdmin's own queryset."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from shequ.catalog.models import SKU, Brand, Category, Product, ProductImage


def category_tree() -> QuerySet[Category]:
    """Every category in tree order (a parent, then its children, depth-first)."""
    return Category.objects.order_by("path")


def category_path(*, category_id: str | int) -> str | None:
    """The materialised path of a category, or None when there is no such category."""
    try:
        return Category.objects.filter(pk=int(category_id)).values_list("path", flat=True).first()
    except (TypeError, ValueError):
        return None


def categories_with_product_counts(queryset: QuerySet[Category]) -> QuerySet[Category]:
    return queryset.annotate(product_count=Count("products"))


def brands_with_product_counts(queryset: QuerySet[Brand]) -> QuerySet[Brand]:
    return queryset.annotate(product_count=Count("products"))


def products_with_gallery(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Products with their photos in gallery order in ``.gallery`` (one query for the whole page)."""
    images = ProductImage.objects.order_by("position", "id").only("id", "product_id", "thumbnail", "image", "alt")
    return queryset.prefetch_related(Prefetch("images", queryset=images, to_attr="gallery"))


def skus_with_stock(queryset: QuerySet[SKU]) -> QuerySet[SKU]:
    """SKUs with their stock row joined, so showing each SKU's stock costs no extra query."""
    return queryset.select_related("stock")
