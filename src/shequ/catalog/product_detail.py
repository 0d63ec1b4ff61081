"""A product for the storefront's hot path: its ref (id or slug → version), its detail and the variant picker.

``product_ref`` resolves an id or slug to (id, slug, version) from the cache, and everything built for that
product (the detail below, the API's JSON, the page's HTML) is cached under keys that contain the version.
``products_touch`` bumps the version and, after commit, ``product_refs_refresh`` (an ``on_products_changed``
listener registered in apps.py) repoints the refs, so a change is visible on the next request without anybody
deleting the old entries; they expire on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.catalog.models import SKU, Category, Product, ProductImage, ProductStatus, Tag
from shequ.catalog.selectors import language
from shequ.core import fragment_cache
from shequ.core.errors import NotFound

# Only this few left → "only N left"; above it the page just says "in stock" (exact stock is not published).
LOW_STOCK = 10
REF_TTL = 300  # safety net: a ref is repointed on every change anyway
DETAIL_TTL = 600  # a category rename does not bump product versions; this bounds how long the old name shows
_MISSING = "missing"
_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,160}$")


# --- product refs: id or slug → (id, slug, version) -------------------------------------------------------


@dataclass(frozen=True)
class ProductRef:
    id: int
    slug: str
    version: int


def _ref_key(kind: str, value: object) -> str:
    return f"catalog:ref:{kind}:{value}"


def _not_found() -> NotFound:
    return NotFound("product_not_found", _("This product does not exist or is no longer on sale."))


def product_ref(*, key: str | int) -> ProductRef:
    """The shop-visible product with this id (digits) or slug, from the cache; NotFound for anything else."""
    text = str(key).strip()
    if text.isdigit() and len(text) < 19:
        kind, value = "id", int(text)
    elif _SLUG_RE.match(text):
        kind, value = "slug", text
    else:
        raise _not_found()
    cache_key = _ref_key(kind, value)

    def load():
        cached = cache.get(cache_key)
        if cached is None:
            row = (
                Product.objects.filter(**{"pk" if kind == "id" else "slug": value})
                .values_list("pk", "slug", "version", "status")
                .first()
            )
            if row is None and kind == "id":
                # An all-digit slug is still a slug.
                row = Product.objects.filter(slug=text).values_list("pk", "slug", "version", "status").first()
            cached = (row[0], row[1], row[2]) if row and row[3] == ProductStatus.ON_SALE else _MISSING
            cache.set(cache_key, cached, REF_TTL)
        return cached

    cached = fragment_cache.get_fresh(cache_key, load)
    if cached == _MISSING:
        raise _not_found()
    return ProductRef(*cached)


def product_refs_refresh(product_ids: list[int]) -> None:
    """After a change: point the cached refs at the new versions (and forget a changed slug)."""
    ids = list(product_ids)
    if not ids:
        return
    fragment_cache.forget_fresh()
    old = cache.get_many([_ref_key("id", pk) for pk in ids])
    rows = {
        pk: (pk, slug, version, status)
        for pk, slug, version, status in Product.objects.filter(pk__in=ids).values_list(
            "pk", "slug", "version", "status"
        )
    }
    fresh: dict[str, object] = {}
    stale: list[str] = []
    for pk in ids:
        row = rows.get(pk)
        previous = old.get(_ref_key("id", pk))
        if isinstance(previous, tuple) and (row is None or previous[1] != row[1]):
            stale.append(_ref_key("slug", previous[1]))
        if row is None:
            stale.append(_ref_key("id", pk))
            continue
        value = (pk, row[1], row[2]) if row[3] == ProductStatus.ON_SALE else _MISSING
        fresh[_ref_key("id", pk)] = value
        fresh[_ref_key("slug", row[1])] = value
    if stale:
        cache.delete_many(stale)
    cache.set_many(fresh, REF_TTL)


# --- product detail -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandView:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class CategoryView:
    id: int
    slug: str
    name: str
    icon: str = ""


@dataclass(frozen=True)
class TagView:
    slug: str
    name: str
    kind: str


@dataclass(frozen=True)
class ImageView:
    url: str
    thumbnail_url: str
    alt: str


@dataclass(frozen=True)
class SkuView:
    id: int
    code: str
    barcode: str
    flavour: str
    pack_size: str
    label: str
    price: Decimal
    list_price: Decimal
    on_sale: bool
    sale_end: datetime | None
    stock_state: str  # "in_stock" | "low" | "out"
    stock_left: int | None  # only when low
    weight_grams: int
    shelf_life_days: int | None

    @property
    def available(self) -> bool:
        return self.stock_state != "out"


@dataclass
class ProductDetail:
    """Everything the product page and the detail API show, in the active language, free of model instances."""

    id: int
    slug: str
    version: int
    name: str
    subtitle: str
    description_html: str
    brand: BrandView
    category_path: list[CategoryView]
    tags: list[TagView]
    images: list[ImageView]
    skus: list[SkuView]
    price_min: Decimal | None
    price_max: Decimal | None
    in_stock: bool
    rating_avg: Decimal
    rating_count: int
    sales_count: int
    published_at: datetime | None
    # The traceability module's BatchSummary list (newest first); None when that module is not installed.
    trace: list | None = None
    language: str = ""

    def sku(self, sku_id: int | None = None) -> SkuView | None:
        """The SKU asked for, else the first one in stock, else the first one."""
        if sku_id is not None:
            for sku in self.skus:
                if sku.id == sku_id:
                    return sku
        return next((s for s in self.skus if s.available), self.skus[0] if self.skus else None)

    @property
    def category(self) -> CategoryView | None:
        return self.category_path[-1] if self.category_path else None


def _image_view(image: ProductImage) -> ImageView:
    url = image.image.url if image.image else ""
    return ImageView(url=url, thumbnail_url=image.thumbnail.url if image.thumbnail else url, alt=image.alt)


def _stock_state(available: int) -> tuple[str, int | None]:
    if available <= 0:
        return "out", None
    if available <= LOW_STOCK:
        return "low", available
    return "in_stock", None


def _trace_batches(product: Product) -> list | None:
    try:
        from shequ.catalog.trace_selectors import trace_batches_for_product
    except ImportError:
        return None
    return list(trace_batches_for_product(product=product, limit=3))


def product_detail_build(*, ref: ProductRef) -> ProductDetail:
    """Build the detail from the database (a fixed handful of queries); callers normally use product_detail."""
    from shequ.inventory.selectors import available_by_sku

    product = (
        Product.objects.select_related("brand", "category")
        .prefetch_related(
            Prefetch(
                "skus", queryset=SKU.objects.filter(is_active=True).order_by("position", "id"), to_attr="active_skus"
            ),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images"),
            Prefetch("tags", queryset=Tag.objects.order_by("kind", "slug"), to_attr="ordered_tags"),
        )
        .filter(pk=ref.id, status=ProductStatus.ON_SALE)
        .first()
    )
    if product is None:
        raise _not_found()
    path_slugs = [part for part in product.category.path.split("/") if part]
    ancestors = {c.slug: c for c in Category.objects.filter(slug__in=path_slugs[:-1])} if len(path_slugs) > 1 else {}
    ancestors[product.category.slug] = product.category
    skus = product.active_skus
    available = available_by_sku(sku_ids=[s.pk for s in skus])
    now = timezone.now()
    sku_views = []
    for sku in skus:
        price = sku.price_at(now)
        state, left = _stock_state(available.get(sku.pk, 0))
        on_sale = price < sku.list_price
        sku_views.append(
            SkuView(
                id=sku.pk,
                code=sku.code,
                barcode=sku.barcode,
                flavour=sku.t("flavour"),
                pack_size=sku.t("pack_size"),
                label=sku.variant_label or sku.code,
                price=price,
                list_price=sku.list_price,
                on_sale=on_sale,
                sale_end=sku.sale_end if on_sale else None,
                stock_state=state,
                stock_left=left,
                weight_grams=sku.weight_grams,
                shelf_life_days=sku.shelf_life_days,
            )
        )
    english = language().startswith("en")
    return ProductDetail(
        id=product.pk,
        slug=product.slug,
        version=product.version,
        name=product.t("name"),
        subtitle=product.t("subtitle"),
        description_html=(
            product.description_en_html if english and product.description_en_html else product.description_html
        ),
        brand=BrandView(id=product.brand_id, slug=product.brand.slug, name=product.brand.t("name")),
        category_path=[
            CategoryView(id=c.pk, slug=c.slug, name=c.t("name"), icon=c.icon)
            for c in (ancestors[s] for s in path_slugs if s in ancestors)
        ],
        tags=[TagView(slug=t.slug, name=t.t("name"), kind=t.kind) for t in product.ordered_tags],
        images=[_image_view(image) for image in product.ordered_images],
        skus=sku_views,
        price_min=product.price_min,
        price_max=product.price_max,
        in_stock=product.in_stock,
        rating_avg=product.rating_avg,
        rating_count=product.rating_count,
        sales_count=product.sales_count,
        published_at=product.published_at,
        trace=_trace_batches(product),
        language=language(),
    )


def product_detail_key(ref: ProductRef, lang: str) -> str:
    return f"catalog:pd:{ref.id}:{ref.version}:{lang}"


def product_detail(*, ref: ProductRef) -> ProductDetail:
    """The product's detail in the active language, cached per (product, version, language)."""
    return fragment_cache.get_or_build(
        product_detail_key(ref, language()), lambda: product_detail_build(ref=ref), DETAIL_TTL
    )


# --- the variant picker -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantOption:
    label: str
    sku_id: int
    selected: bool
    available: bool


@dataclass(frozen=True)
class VariantGroup:
    name: str
    options: list[VariantOption]


def variant_groups(*, detail: ProductDetail, selected: SkuView | None) -> list[VariantGroup]:
    """Flavour and pack-size choices; each option points at the SKU that changes only that dimension."""
    skus = detail.skus
    if not skus or selected is None:
        return []
    combos = {(s.flavour, s.pack_size) for s in skus}
    dimensions = [("flavour", _("Flavour")), ("pack_size", _("Pack size"))]
    used = [(attr, name) for attr, name in dimensions if any(getattr(s, attr) for s in skus)]
    if not used or len(combos) < len(skus):
        # No flavour/pack size to pick by (or two SKUs look the same): pick the SKU itself.
        return [
            VariantGroup(
                name=str(_("Specification")),
                options=[VariantOption(s.label, s.id, s.id == selected.id, s.available) for s in skus],
            )
        ]
    groups = []
    for attr, name in used:
        values = list(dict.fromkeys(getattr(s, attr) for s in skus))
        others = [a for a, _n in used if a != attr]
        options = []
        for value in values:
            candidates = [s for s in skus if getattr(s, attr) == value]
            exact = [s for s in candidates if all(getattr(s, o) == getattr(selected, o) for o in others)]
            target = (exact or [s for s in candidates if s.available] or candidates)[0]
            options.append(
                VariantOption(
                    label=value or "—",
                    sku_id=target.id,
                    selected=getattr(selected, attr) == value,
                    available=target.available,
                )
            )
        groups.append(VariantGroup(name=str(name), options=options))
    return groups
