"""What a SKU costs and whether it can be bought right now: the one read the cart, checkout and placement share.

``sku_offers`` loads everything in two queries, however many SKUs: the SKUs with their products, stock and first
pictures, then the running flash sales with what the buyer already holds in them. The catalog is read through
its models here, in this one module: the catalog exposes no purchase-oriented selector yet, and an OrderItem
points at catalog.SKU anyway. Stock is joined in from inventory's StockLevel in the same query (one round trip
fewer on the buy path than asking ``inventory.selectors.available_by_sku``); it only ever changes through
inventory's services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from shequ.catalog.models import SKU, ProductImage, ProductStatus
from shequ.orders.models import FlashSale, FlashSalePurchase


@dataclass(frozen=True)
class FlashOffer:
    id: int
    title: str
    price: Decimal
    per_user_limit: int
    allotment_left: int | None
    ends_at: datetime
    bought: int = 0  # units the asking person already holds in this sale


@dataclass(frozen=True)
class SkuOffer:
    sku_id: int
    sku_code: str
    product_id: int
    product_slug: str
    product_name: str
    product_name_en: str
    variant_label: str
    variant_label_en: str
    image_url: str
    list_price: Decimal
    regular_price: Decimal  # list or sale price, without a flash sale
    weight_grams: int
    purchasable: bool
    available: int
    flash: FlashOffer | None

    @property
    def price(self) -> Decimal:
        return self.flash.price if self.flash else self.regular_price

    @property
    def name(self) -> str:
        english = (get_language() or "").startswith("en")
        return (self.product_name_en if english and self.product_name_en else self.product_name)[:120]

    @property
    def variant(self) -> str:
        english = (get_language() or "").startswith("en")
        return self.variant_label_en if english and self.variant_label_en else self.variant_label


# Only what pricing and display need: products carry long descriptions that the buy path must not load.
SKU_FIELDS = (
    "id",
    "product_id",
    "code",
    "flavour",
    "flavour_en",
    "pack_size",
    "pack_size_en",
    "weight_grams",
    "list_price",
    "sale_price",
    "sale_start",
    "sale_end",
    "is_active",
)
PRODUCT_FIELDS = ("id", "slug", "name", "name_en", "status")


def _label(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def flash_sales_running(*, sku_ids: list[int], at: datetime | None = None, user=None) -> dict[int, FlashSale]:
    """The flash sale running now for each SKU (the one ending soonest when several overlap); with ``user``,
    each sale carries ``bought``: the units that person already holds in it (same query)."""
    if not sku_ids:
        return {}
    at = at or timezone.now()
    sales = FlashSale.objects.filter(sku_id__in=sku_ids, is_active=True, starts_at__lte=at, ends_at__gt=at)
    if user is not None and user.is_authenticated:
        mine = FlashSalePurchase.objects.filter(flash_sale=OuterRef("pk"), user=user).values("quantity")[:1]
        sales = sales.annotate(bought=Subquery(mine))
    running: dict[int, FlashSale] = {}
    for sale in sales.order_by("ends_at", "id"):
        running.setdefault(sale.sku_id, sale)
    return running


def _first_image(field: str) -> Subquery:
    images = ProductImage.objects.filter(product_id=OuterRef("product_id")).order_by("position", "id")
    return Subquery(images.values(field)[:1])


def _media_url(name: str | None) -> str:
    if not name:
        return ""
    try:
        return ProductImage._meta.get_field("image").storage.url(name)
    except ValueError:
        return ""


def sku_offers(*, sku_ids: list[int], at: datetime | None = None, user=None) -> dict[int, SkuOffer]:
    """Price, availability and display data per SKU id (unknown ids are left out), in two queries however many
    SKUs: the SKUs with their products, stock and first picture, then the flash sales running on them."""
    ids = sorted({int(i) for i in sku_ids})
    if not ids:
        return {}
    at = at or timezone.now()
    skus = list(
        SKU.objects.filter(pk__in=ids)
        .select_related("product")
        .only(*SKU_FIELDS, *(f"product__{name}" for name in PRODUCT_FIELDS))
        # Stock is read from the inventory's row in the same query (a left join on the one-to-one).
        .annotate(
            stock_on_hand=F("stock__on_hand"),
            stock_reserved=F("stock__reserved"),
            image_name=_first_image("image"),
            thumbnail_name=_first_image("thumbnail"),
        )
    )
    flash = flash_sales_running(sku_ids=ids, at=at, user=user)
    offers = {}
    for sku in skus:
        product = sku.product
        sale = flash.get(sku.pk)
        offers[sku.pk] = SkuOffer(
            sku_id=sku.pk,
            sku_code=sku.code,
            product_id=product.pk,
            product_slug=product.slug,
            product_name=product.name,
            product_name_en=product.name_en,
            variant_label=_label(sku.flavour, sku.pack_size),
            variant_label_en=_label(sku.flavour_en or sku.flavour, sku.pack_size_en or sku.pack_size),
            image_url=_media_url(sku.thumbnail_name or sku.image_name),
            list_price=sku.list_price,
            regular_price=sku.price_at(at),
            weight_grams=sku.weight_grams,
            purchasable=sku.is_active and product.status == ProductStatus.ON_SALE,
            available=max(0, (sku.stock_on_hand or 0) - (sku.stock_reserved or 0)),
            flash=FlashOffer(
                id=sale.pk,
                title=sale.title,
                price=sale.price,
                per_user_limit=sale.per_user_limit,
                allotment_left=None if sale.allotment is None else max(0, sale.allotment - sale.sold),
                ends_at=sale.ends_at,
                bought=getattr(sale, "bought", None) or 0,
            )
            if sale
            else None,
        )
    return offers


def purchasable_sku_ids(*, limit: int = 5000) -> list[int]:
    """Ids of SKUs that can be bought (active, product on sale, in stock) — for seeding and benchmarks."""
    from shequ.inventory.models import StockLevel

    stocked = StockLevel.objects.filter(on_hand__gt=0).values("sku_id")
    return list(
        SKU.objects.filter(is_active=True, product__status=ProductStatus.ON_SALE, pk__in=stocked)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
