"""Export products+SKUs and stock as CSV or XLSX, in exactly the columns the imports read, so an operator can
export, edit in Excel and import the file back (an untouched file imports as "unchanged")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from shequ.catalog.imports import COLUMNS, MONEY_COLUMNS, TEXT_COLUMNS
from shequ.catalog.models import SKU, Product
from shequ.catalog.tabular import write_table

STOCK_COLUMNS = ["sku_code", "product_name", "variant", "barcode", "on_hand", "reserved", "available", "reason"]
CHUNK = 2000


def _skus(*, products: QuerySet[Product] | None, sku_ids: list[int] | None = None) -> QuerySet[SKU]:
    skus = SKU.objects.select_related("product__brand", "product__category").order_by("product_id", "position", "id")
    if products is not None:
        skus = skus.filter(product_id__in=products.order_by().values("pk"))
    if sku_ids is not None:
        skus = skus.filter(pk__in=sku_ids)
    return skus


def _batches(skus: QuerySet[SKU]) -> Iterator[list[SKU]]:
    batch: list[SKU] = []
    for sku in skus.iterator(chunk_size=CHUNK):
        batch.append(sku)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def product_rows(*, products: QuerySet[Product] | None = None) -> Iterator[list[Any]]:
    """One row per SKU in ``COLUMNS`` order; a few queries per 2,000 SKUs, whatever the catalog size."""
    from shequ.inventory.selectors import stock_by_sku

    for batch in _batches(_skus(products=products)):
        product_ids = sorted({sku.product_id for sku in batch})
        tags: dict[int, list[str]] = {}
        for product_id, slug in (
            Product.tags.through.objects.filter(product_id__in=product_ids)
            .order_by("tag__slug")
            .values_list("product_id", "tag__slug")
        ):
            tags.setdefault(product_id, []).append(slug)
        stock = stock_by_sku(sku_ids=[sku.pk for sku in batch])
        for sku in batch:
            product = sku.product
            yield [
                sku.code,
                product.slug,
                product.name,
                product.name_en,
                product.brand.slug,
                product.category.slug,
                product.status,
                product.subtitle,
                product.subtitle_en,
                product.description,
                product.description_en,
                ",".join(tags.get(product.pk, [])),
                sku.flavour,
                sku.flavour_en,
                sku.pack_size,
                sku.pack_size_en,
                sku.barcode,
                sku.weight_grams,
                sku.shelf_life_days,
                sku.list_price,
                sku.sale_price,
                sku.sale_start,
                sku.sale_end,
                stock.get(sku.pk, (0, 0))[0],
            ]


def products_export(*, fmt: str, products: QuerySet[Product] | None = None) -> bytes:
    """All products (or those in ``products``) with their SKUs, as "csv" or "xlsx" bytes."""
    return write_table(
        fmt,
        COLUMNS,
        product_rows(products=products),
        title="products",
        text_columns=TEXT_COLUMNS,
        money_columns=MONEY_COLUMNS,
    )


def stock_rows(*, sku_ids: list[int] | None = None) -> Iterator[list[Any]]:
    """Every SKU (not only those with a stock row yet: a stock-take sheet must list them all)."""
    from shequ.inventory.selectors import stock_by_sku

    for batch in _batches(_skus(products=None, sku_ids=sku_ids)):
        stock = stock_by_sku(sku_ids=[sku.pk for sku in batch])
        for sku in batch:
            on_hand, reserved = stock.get(sku.pk, (0, 0))
            yield [
                sku.code,
                sku.product.name,
                sku.variant_label,
                sku.barcode,
                on_hand,
                reserved,
                on_hand - reserved,
                "",
            ]


def stock_export(*, fmt: str, sku_ids: list[int] | None = None) -> bytes:
    """Stock per SKU; edit ``on_hand`` (and optionally ``reason``) and import the file as a stock count."""
    return write_table(
        fmt, STOCK_COLUMNS, stock_rows(sku_ids=sku_ids), title="stock", text_columns=("sku_code", "barcode")
    )


def export_filename(kind: str, fmt: str) -> str:
    from django.utils import timezone

    return f"shequ-{kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
