"""Reads of the catalog for pages, the API and other modules."""

from __future__ import annotations

from shequ.catalog.models import SKU


def product_ids_for_skus(*, sku_ids: list[int]) -> list[int]:
    return list(SKU.objects.filter(pk__in=sku_ids).values_list("product_id", flat=True).distinct())
