"""Writes to the catalog. Every change to a product goes through ``products_touch`` so that its
denormalised price/stock fields, its version (cache keys, ETags) and the search index follow."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.catalog import signals
from shequ.catalog.models import SKU, Banner, Brand, Category, Product, ProductImage, ProductStatus, Tag
from shequ.catalog.richtext import render_description
from shequ.core import fragment_cache
from shequ.core.errors import InvalidInput

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
    fragment_cache.forget_fresh()
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
        shown_before = (
            Category.objects.filter(pk=category.pk).values_list("name", "name_en", "is_active").first()
            if category.pk
            else None
        )
        category.save()
        if old_path and old_path != category.path:
            for child in Category.objects.filter(path__startswith=old_path).exclude(pk=category.pk):
                child.path = category.path + child.path[len(old_path) :]
                child.depth = child.path.count("/") - 1
                child.save(update_fields=["path", "depth"])
        if shown_before is not None and (
            old_path != category.path or shown_before != (category.name, category.name_en, category.is_active)
        ):
            # Product pages, their caches and search documents show the category: move them on too. Only
            # versions are bumped (prices and stock did not change), so this stays cheap for big categories.
            ids = list(Product.objects.filter(category__path__startswith=category.path).values_list("pk", flat=True))
            Product.objects.filter(pk__in=ids).update(version=F("version") + 1)
            transaction.on_commit(lambda: signals.products_changed(ids))
        transaction.on_commit(_bump_generation)
    return category


def products_add_sales(*, quantities: dict[int, int]) -> None:
    """Count units sold per product (for "best-selling" sorting and the "N sold" line); no cache churn."""
    for product_id, quantity in sorted(quantities.items()):
        if quantity:
            Product.objects.filter(pk=product_id).update(sales_count=F("sales_count") + quantity)


def products_set_ratings(*, ratings: dict[int, tuple]) -> None:
    """Set products' rating average and count (from the reviews module) for listings' "top rated" sort and
    search ranking; like sales counts, no version bump (the product page shows the reviews' own summary)."""
    for product_id, (average, count) in sorted(ratings.items()):
        Product.objects.filter(pk=product_id).update(rating_avg=average, rating_count=count)


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


# --- back office: SKU rules, status changes, reference data ----------------------------------------------

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits before it (weights 3,1,3,… from the right)."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_validate(barcode: str) -> str:
    """Return the barcode if it is a GTIN-8/12/13/14 with a correct check digit (blank is allowed)."""
    barcode = (barcode or "").strip()
    if not barcode:
        return ""
    if not barcode.isascii() or not barcode.isdigit() or len(barcode) not in GTIN_LENGTHS:
        raise InvalidInput("gtin_invalid", _("A barcode (GTIN) has 8, 12, 13 or 14 digits."))
    if gtin_check_digit(barcode[:-1]) != int(barcode[-1]):
        raise InvalidInput("gtin_check_digit", _("The barcode's check digit is wrong; check for a typo."))
    return barcode


def sku_validate(*, sku: SKU) -> None:
    """Check the rules a SKU must follow beyond its field types: GTIN, sale price and sale window.

    Raises InvalidInput whose ``details["field"]`` names the offending field.
    """
    try:
        sku.barcode = gtin_validate(sku.barcode)
    except InvalidInput as exc:
        exc.details = {"field": "barcode"}
        raise
    if sku.sale_price is not None and sku.list_price is not None and sku.sale_price > sku.list_price:
        raise InvalidInput(
            "sale_price_above_list",
            _("The sale price cannot be higher than the list price."),
            details={"field": "sale_price"},
        )
    if sku.sale_start and sku.sale_end and sku.sale_end <= sku.sale_start:
        raise InvalidInput(
            "sale_window_invalid", _("The sale must end after it starts."), details={"field": "sale_end"}
        )


def sku_save(*, sku: SKU, touch: bool = True) -> SKU:
    """Validate and save a SKU; its product's prices and stock state follow unless the caller touches later."""
    sku_validate(sku=sku)
    with transaction.atomic():
        sku.save()
        if touch:
            products_touch(product_ids=[sku.product_id])
    return sku


def products_set_status(*, product_ids: Iterable[int], status: str) -> int:
    """Put products on sale, take them off sale or back to draft, in one go; return how many changed."""
    ids = sorted(set(product_ids))
    if status not in ProductStatus.values:
        raise InvalidInput("status_invalid", _("Unknown product status."))
    with transaction.atomic():
        changing = list(Product.objects.filter(pk__in=ids).exclude(status=status).values_list("pk", flat=True))
        if not changing:
            return 0
        Product.objects.filter(pk__in=changing).update(status=status)
        if status == ProductStatus.ON_SALE:
            Product.objects.filter(pk__in=changing, published_at__isnull=True).update(published_at=timezone.now())
        products_touch(product_ids=changing)
    return len(changing)


def brand_save(*, brand: Brand) -> Brand:
    """Save a brand; its products are touched so pages, caches and the search index show the new name."""
    with transaction.atomic():
        brand.save()
        products_touch(product_ids=Product.objects.filter(brand=brand).values_list("pk", flat=True))
    return brand


def tag_save(*, tag: Tag) -> Tag:
    """Save a tag; the products carrying it are touched (their pages and search documents show tags)."""
    with transaction.atomic():
        tag.save()
        products_touch(product_ids=tag.products.values_list("pk", flat=True))
    return tag


def banner_save(*, banner: Banner) -> Banner:
    """Save a home-page banner; list caches keyed on the catalog generation drop it."""
    with transaction.atomic():
        banner.save()
        transaction.on_commit(_bump_generation)
    return banner


def banner_delete(*, banner: Banner) -> None:
    """Remove a banner from the home page."""
    with transaction.atomic():
        banner.delete()
        transaction.on_commit(_bump_generation)


def product_image_update(*, image: ProductImage) -> ProductImage:
    """Save an image's alt text and position (the gallery order)."""
    with transaction.atomic():
        image.save(update_fields=["alt", "position"])
        products_touch(product_ids=[image.product_id])
    return image


def product_image_delete(*, image: ProductImage) -> None:
    """Remove a product photo; its files go once the deletion has committed (a rollback keeps them)."""
    files = [f for f in (image.image, image.thumbnail) if f]
    storage_names = [(f.storage, f.name) for f in files]
    with transaction.atomic():
        product_id = image.product_id
        image.delete()
        products_touch(product_ids=[product_id])

        def remove_files() -> None:
            for storage, name in storage_names:
                storage.delete(name)

        transaction.on_commit(remove_files)


def products_delete(*, product_ids: Iterable[int]) -> int:
    """Delete products with their SKUs and photos; pages, caches and the search index drop them after commit.

    A product whose SKU has production batches is protected (the trace pages must keep working): Django's
    ProtectedError propagates and nothing is deleted.
    """
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    with transaction.atomic():
        Product.objects.filter(pk__in=ids).delete()
        transaction.on_commit(_bump_generation)
        transaction.on_commit(lambda: signals.products_changed(ids))
    return len(ids)


def sku_delete(*, sku: SKU, touch: bool = True) -> None:
    """Delete a SKU (its stock row and ledger go with it; one with production batches is protected)."""
    with transaction.atomic():
        product_id = sku.product_id
        sku.delete()
        if touch:
            products_touch(product_ids=[product_id])
