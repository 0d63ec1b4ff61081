"""Writes to the catalog. Every change to a product goes through ``products_touch`` so that its
denormalised price/stock fields, its version (cache keys, ETags) and the search index follow."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shequ.catalog import signals
from shequ.catalog.models import SKU, Category, Product, ProductStatus
from shequ.catalog.richtext import render_description

CATALOG_GENERATION_KEY = "catalog:generation"


def catalog_generation() -> int:
    """A number that changes whenever anything in the catalog changes (list caches key on it)."""
    value = cache.get(CATALOG_GENERATION_KEY)
    if value is None:
        value = int(timezone.now().timestamp() * 1000)
        cache.add(CATALOG_GENERATION_KEY, value, timeout=None)
        value = cache.get(CATALOG_GENERATION_KEY, value)
    return int(value)


def _bump_generation() -> None:
    try:
        cache.incr(CATALOG_GENERATION_KEY)
    except ValueError:
        cache.set(CATALOG_GENERATION_KEY, int(timezone.now().timestamp() * 1000), timeout=None)


def category_save(*, category: Category) -> Category:
    """Save a category, keeping its path (and its descendants' paths) in step with the tree."""
    with transaction.atomic():
        old_path = (
            Category.objects.filter(pk=category.pk).values_list("path", flat=True).first() if category.pk else None
        )
        parent = category.parent
        category.path = f"{parent.path if parent else ''}{category.slug}/"
        category.depth = (parent.depth + 1) if parent else 0
        if parent and (parent.pk == category.pk or parent.path.startswith(old_path or "\0")):
            raise ValueError("a category cannot be moved under itself")
        category.save()
        if old_path and old_path != category.path:
            for child in Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk):
                child.path = category.path + child.path[len(old_path) :]
                child.depth = child.path.count("/") - 1
                child.save(update_fields=["path", "depth"])
        transaction.on_commit(_bump_generation)
    return category


def product_render_descriptions(product: Product) -> None:
    product.description_html = render_description(product.description)
    product.description_en_html = render_description(product.description_en)


def product_save(*, product: Product) -> Product:
    """Create or update a product (not its SKUs); descriptions are re-rendered and sanitised."""
    with transaction.atomic():
        product_render_descriptions(product)
        if product.status == ProductStatus.ON_SALE and product.published_at is None:
            product.published_at = timezone.now()
        product.save()
        products_touch(product_ids=[product.pk])
    return product


def products_touch(*, product_ids: Iterable[int]) -> None:
    """Recompute prices and stock state, bump versions, and tell listeners after commit."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    products_refresh_denormalised(product_ids=ids)
    Product.objects.filter(pk__in=ids).update(version=F("version") + 1)
    transaction.on_commit(_bump_generation)
    transaction.on_commit(lambda: signals.products_changed(ids))


def products_refresh_denormalised(*, product_ids: Iterable[int]) -> int:
    """Set price_min/price_max/in_stock from the active SKUs' current prices and available stock."""
    from shequ.inventory.selectors import available_by_sku

    ids = list(product_ids)
    now = timezone.now()
    skus = list(
        SKU.objects.filter(product_id__in=ids, is_active=True).only(
            "id", "product_id", "list_price", "sale_price", "sale_start", "sale_end"
        )
    )
    available = available_by_sku(sku_ids=[s.pk for s in skus])
    summary: dict[int, tuple] = {}
    for sku in skus:
        price = sku.price_at(now)
        low, high, stocked = summary.get(sku.product_id, (None, None, False))
        summary[sku.product_id] = (
            price if low is None else min(low, price),
            price if high is None else max(high, price),
            stocked or available.get(sku.pk, 0) > 0,
        )
    products = list(Product.objects.filter(pk__in=ids).only("id", "price_min", "price_max", "in_stock"))
    for product in products:
        product.price_min, product.price_max, product.in_stock = summary.get(product.pk, (None, None, False))
    Product.objects.bulk_update(products, ["price_min", "price_max", "in_stock"], batch_size=500)
    return len(products)


def products_refresh_sale_windows(*, since, until) -> int:
    """Periodic: products whose SKU sale windows opened or closed between ``since`` and ``until``."""
    ids = set(SKU.objects.filter(sale_start__gt=since, sale_start__lte=until).values_list("product_id", flat=True))
    ids |= set(SKU.objects.filter(sale_end__gt=since, sale_end__lte=until).values_list("product_id", flat=True))
    with transaction.atomic():
        products_touch(product_ids=ids)
    return len(ids)
