"""What a SKU costs and whether it can be bought right now: the one read the cart, checkout and placement share.

``sku_offers`` answers in one cache round trip and one small query, however many SKUs:

* What a SKU *is* (names, picture, list and sale price, weight, whether its product is on sale) is cached per SKU
  for a few seconds (SHEQU_ORDERS["OFFER_CACHE_SECONDS"]) and only while the generations it was read under
  are current: the catalog's (bumped by every change made through the catalog's services) and our own (bumped
  when a SKU, product or picture row is saved or deleted, e.g. in the admin), so an edited price or a product
  taken off sale is seen at once; only a bulk UPDATE that bypasses both is seen within those seconds. Loading
  it is the expensive ORM query (product, first picture), hence the cache.
* What changes with every purchase — stock on hand and reserved, the flash sale running now (its price, limit
  and units left) and what the asking person already holds in it — is read fresh every time, in one raw query.

The database stays the authority anyway: placement takes stock and flash-sale units with conditional UPDATEs.
The catalog is read through its models here, in this one module (an OrderItem points at catalog.SKU anyway);
stock is joined in from inventory's StockLevel, which only ever changes through inventory's services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language

from shequ.catalog.models import SKU, ProductImage, ProductStatus
from shequ.core.prepared import prepared_cursor
from shequ.inventory.models import StockLevel
from shequ.orders.conf import orders_setting
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


@dataclass(frozen=True)
class _SkuFacts:
    """What a SKU is, apart from stock and flash sales (the cached half of an offer)."""

    sku_code: str
    product_id: int
    product_slug: str
    product_name: str
    product_name_en: str
    variant_label: str
    variant_label_en: str
    image_url: str
    list_price: Decimal
    sale_price: Decimal | None
    sale_start: datetime | None
    sale_end: datetime | None
    weight_grams: int
    purchasable: bool

    def price_at(self, at: datetime) -> Decimal:
        """SKU.price_at on the cached fields."""
        return SKU(
            list_price=self.list_price, sale_price=self.sale_price, sale_start=self.sale_start, sale_end=self.sale_end
        ).price_at(at)


def _facts_key(sku_id: int) -> str:
    return f"orders:offer:v1:{sku_id}"  # v1: the shape of _SkuFacts (bump when it changes)


OFFERS_GENERATION_KEY = "orders:offer:generation"


def _bump_offers_generation() -> None:
    try:
        cache.incr(OFFERS_GENERATION_KEY)
    except ValueError:  # not there (first change, or the cache was flushed)
        cache.set(OFFERS_GENERATION_KEY, 1, timeout=None)


def offers_changed(**_kwargs) -> None:
    """A SKU, product or picture row was saved or deleted (signal receiver, see apps.py): cached facts are stale.
    Now, and again after the commit, so a reader in between cannot cache what is being replaced."""
    _bump_offers_generation()
    transaction.on_commit(_bump_offers_generation)


def _load_facts(ids: list[int]) -> dict[int, _SkuFacts]:
    skus = (
        SKU.objects.filter(pk__in=ids)
        .select_related("product")
        .only(*SKU_FIELDS, *(f"product__{name}" for name in PRODUCT_FIELDS))
        .annotate(image_name=_first_image("image"), thumbnail_name=_first_image("thumbnail"))
    )
    return {
        sku.pk: _SkuFacts(
            sku_code=sku.code,
            product_id=sku.product.pk,
            product_slug=sku.product.slug,
            product_name=sku.product.name,
            product_name_en=sku.product.name_en,
            variant_label=_label(sku.flavour, sku.pack_size),
            variant_label_en=_label(sku.flavour_en or sku.flavour, sku.pack_size_en or sku.pack_size),
            image_url=_media_url(sku.thumbnail_name or sku.image_name),
            list_price=sku.list_price,
            sale_price=sku.sale_price,
            sale_start=sku.sale_start,
            sale_end=sku.sale_end,
            weight_grams=sku.weight_grams,
            purchasable=sku.is_active and sku.product.status == ProductStatus.ON_SALE,
        )
        for sku in skus
    }


def _sku_facts(ids: list[int]) -> dict[int, _SkuFacts]:
    """Cached per SKU under the catalog generation (one round trip for all of them and the generation)."""
    from shequ.catalog.services import CATALOG_GENERATION_KEY, catalog_generation

    seconds = int(orders_setting("OFFER_CACHE_SECONDS"))
    if seconds <= 0:
        return _load_facts(ids)
    found = cache.get_many([CATALOG_GENERATION_KEY, OFFERS_GENERATION_KEY, *(_facts_key(sku_id) for sku_id in ids)])
    stamp = (found.get(CATALOG_GENERATION_KEY), found.get(OFFERS_GENERATION_KEY))
    facts: dict[int, _SkuFacts] = {}
    if stamp[0] is not None:
        for sku_id in ids:
            hit = found.get(_facts_key(sku_id))
            if hit is not None and hit[0] == stamp:
                facts[sku_id] = hit[1]
    missing = [sku_id for sku_id in ids if sku_id not in facts]
    if missing:
        # The generations are read before the rows: a change committed meanwhile moves them past what we store.
        if stamp[0] is None:
            stamp = (catalog_generation(), stamp[1])
        loaded = _load_facts(missing)
        cache.set_many({_facts_key(sku_id): (stamp, row) for sku_id, row in loaded.items()}, seconds)
        facts.update(loaded)
    return facts


def _db_datetime(value) -> datetime:
    """A datetime from a raw query (SQLite hands back text in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC) if timezone.is_naive(value) else value


def _db_money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _live_rows(ids: list[int], *, at: datetime, user) -> dict[int, tuple]:
    """Per existing SKU id: (available, flash sale or None), fresh from the database in one statement."""
    sku, level = SKU._meta.db_table, StockLevel._meta.db_table
    sale, mine = FlashSale._meta.db_table, FlashSalePurchase._meta.db_table
    user_id = user.pk if user is not None and user.is_authenticated else None
    when = connection.ops.adapt_datetimefield_value(at)
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT s.id, l.on_hand, l.reserved, f.id, f.title, f.price, f.per_user_limit, f.allotment, f.sold, "  # noqa: S608
        f"f.ends_at, p.quantity FROM {sku} s "
        f"LEFT JOIN {level} l ON l.sku_id = s.id "
        f"LEFT JOIN {sale} f ON f.sku_id = s.id AND f.is_active = %s AND f.starts_at <= %s AND f.ends_at > %s "
        f"LEFT JOIN {mine} p ON p.flash_sale_id = f.id AND p.user_id = %s "
        f"WHERE s.id IN ({placeholders}) ORDER BY s.id, f.ends_at, f.id"
    )
    rows: dict[int, tuple] = {}
    with prepared_cursor() as cursor:
        cursor.execute(sql, [True, when, when, user_id, *ids])
        for sku_id, on_hand, reserved, sale_id, title, price, limit, allotment, sold, ends_at, bought in cursor:
            if sku_id in rows:  # several sales overlap: the one ending soonest (first) applies
                continue
            flash = None
            if sale_id is not None:
                flash = FlashOffer(
                    id=sale_id,
                    title=title,
                    price=_db_money(price),
                    per_user_limit=limit,
                    allotment_left=None if allotment is None else max(0, allotment - sold),
                    ends_at=_db_datetime(ends_at),
                    bought=bought or 0,
                )
            rows[sku_id] = (max(0, (on_hand or 0) - (reserved or 0)), flash)
    return rows


def sku_offers(*, sku_ids: list[int], at: datetime | None = None, user=None) -> dict[int, SkuOffer]:
    """Price, availability and display data per SKU id (unknown ids are left out): the SKUs' facts from the
    cache (or one query), then stock and the flash sales running on them fresh, in one query."""
    ids = sorted({int(i) for i in sku_ids})
    if not ids:
        return {}
    at = at or timezone.now()
    live = _live_rows(ids, at=at, user=user)
    facts = _sku_facts([sku_id for sku_id in ids if sku_id in live])
    offers = {}
    for sku_id, fact in facts.items():
        available, flash = live[sku_id]
        offers[sku_id] = SkuOffer(
            sku_id=sku_id,
            sku_code=fact.sku_code,
            product_id=fact.product_id,
            product_slug=fact.product_slug,
            product_name=fact.product_name,
            product_name_en=fact.product_name_en,
            variant_label=fact.variant_label,
            variant_label_en=fact.variant_label_en,
            image_url=fact.image_url,
            list_price=fact.list_price,
            regular_price=fact.price_at(at),
            weight_grams=fact.weight_grams,
            purchasable=fact.purchasable,
            available=available,
            flash=flash,
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
