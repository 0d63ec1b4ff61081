"""Plan a catalog as plain data: products, SKUs, prices, stock, batches and inspection reports.

No database here: ``plan_catalog`` turns the vocabulary in ``seed_data`` into ``ProductPlan`` objects using
only the random generator it is given, so the same seed always plans the same catalog. The demo seeder
(``catalog.seed``) and the benchmark generator (``bench/generate_catalog.py``) write the plans.

Products come from base products multiplied by editions and (for some) flavours; past the core products,
seasonal and special series (夏日限定, 新春礼盒 ...) and, for benchmarks, generated partner brands add more.
Batches and inspection reports are planned by ``seed_trace``, descriptions written by ``seed_text``.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import NamedTuple

from shequ.catalog import seed_data as data
from shequ.catalog.seed_images import PackshotSpec
from shequ.catalog.seed_text import product_description, with_suffix
from shequ.catalog.seed_trace import BatchPlan, TracePlanner

# Products at scale 1 (the issue asks for at least 300 products and 1,000 SKUs) and the smallest sensible
# catalog at any scale: enough for every leaf category to have something in it.
PRODUCTS_AT_SCALE_1 = 360
MIN_PRODUCTS = 30
SEASONAL = {"spring", "summer", "autumn", "new-year", "mid-autumn", "520", "back-to-school", "double-11"}
ACCENTS = ("#F7B7A3", "#FFE066", "#9CCC65", "#A7D3E8", "#F8BBD0", "#FFC857", "#B8A1E3", "#8FE3CF", "#F28B82")

# --- identifiers ------------------------------------------------------------------------------------------


def gtin_check_digit(body: str) -> str:
    """The GS1 check digit for the first 12 (GTIN-13) or 13 (GTIN-14) digits."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gtin_valid(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14) and gtin_check_digit(code[:-1]) == code[-1]


def charm_price(value: float) -> Decimal:
    """A shelf price: ¥x.9 below ¥100 (at least ¥0.9), a whole number ending in 9 from there."""
    if value < 100:
        return max(Decimal("0.9"), Decimal(round(value + 0.1)) - Decimal("0.1"))
    return Decimal(max(99, int(Decimal(str((value + 1) / 10)).quantize(Decimal(1), ROUND_HALF_UP)) * 10 - 1))


def slugify_ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip()


# --- plans ------------------------------------------------------------------------------------------------


@dataclass
class SkuPlan:
    code: str
    barcode: str
    flavour: str
    flavour_en: str
    pack_size: str
    pack_size_en: str
    weight_grams: int
    shelf_life_days: int
    list_price: Decimal
    units: float  # base units in the pack, for price-per-unit checks
    position: int
    is_active: bool = True
    sale_price: Decimal | None = None
    sale_start: datetime | None = None
    sale_end: datetime | None = None
    on_hand: int = 0
    low_stock_threshold: int = 10
    batches: list[BatchPlan] = field(default_factory=list)


@dataclass
class ProductPlan:
    brand: str  # slug
    category: str  # leaf slug
    name: str
    name_en: str
    slug: str
    subtitle: str
    subtitle_en: str
    description: str
    description_en: str
    status: str  # ProductStatus values
    published_at: datetime | None
    is_featured: bool
    sales_count: int
    tags: list[str]
    skus: list[SkuPlan]
    image: PackshotSpec
    image_count: int
    top_category: str


class Candidate(NamedTuple):
    base: data.Base
    brand: data.BrandSpec
    edition: data.Edition
    flavour: tuple[str, str] | None  # one product per flavour ("product" mode)
    series: tuple | None  # an entry of data.SERIES


# --- the vocabulary, indexed ------------------------------------------------------------------------------

CATEGORY_BY_SLUG = {category.slug: category for category in data.CATEGORIES}
BRAND_BY_SLUG = {brand.slug: brand for brand in data.BRANDS}


def top_category(slug: str) -> str:
    category = CATEGORY_BY_SLUG[slug]
    while category.parent:
        category = CATEGORY_BY_SLUG[category.parent]
    return category.slug


def partner_brands() -> list[tuple[data.BrandSpec, str]]:
    """One hundred generated partner brands (山乐 Shanle, 禾味 Hewei ...) with the top category each sells."""
    brands = []
    firsts, seconds = data.PARTNER_NAME_PARTS
    pairs = [(first, second) for first in firsts for second in seconds]
    for index, ((first, first_en), (second, second_en)) in enumerate(pairs):
        top = data.TOP_CATEGORIES[index % len(data.TOP_CATEGORIES)]
        origin = ("jiaxing", "foshan", "chengdu", "tianjin", "suzhou")[index % 5]
        city = data.ORIGINS[origin][0][2:] or data.ORIGINS[origin][0]
        brand = data.BrandSpec(
            slug=f"partner-{slugify_ascii(first_en + second_en)}",
            name=f"{first}{second}",
            name_en=f"{first_en}{second_en}",
            colour=data.PARTNER_COLOURS[index % len(data.PARTNER_COLOURS)],
            initials=(first_en[0] + second_en[0]).upper(),
            gtin_prefix=f"6972{index:03d}",
            batch_prefix=f"P{index:02d}",
            factories=((f"{first}{second}食品（{city}）有限公司", origin),),
            story=f"{first}{second}是入驻 Shequ 好物商城的合作品牌。",
            owned=False,
        )
        brands.append((brand, top))
    return brands


def brand_specs(*, partners: bool = False) -> dict[str, data.BrandSpec]:
    """Every brand a plan may use, by slug."""
    specs = dict(BRAND_BY_SLUG)
    if partners:
        specs.update((brand.slug, brand) for brand, _top in partner_brands())
    return specs


def _bases_by_top() -> dict[str, list[data.Base]]:
    grouped: dict[str, list[data.Base]] = {top: [] for top in data.TOP_CATEGORIES}
    for base in data.BASES:
        grouped[top_category(base.category)].append(base)
    return grouped


def core_candidates() -> list[Candidate]:
    """Every base product × edition (× flavour where flavours are separate products), in vocabulary order."""
    found = []
    for base in data.BASES:
        flavours = base.flavours if base.flavour_mode == "product" and base.flavours else (None,)
        for edition in base.editions:
            for flavour in flavours:
                found.append(Candidate(base, BRAND_BY_SLUG[base.brand], edition, flavour, None))
    return found


def _series_candidates(rng: random.Random) -> list[Candidate]:
    found = []
    for base in data.BASES:
        top = top_category(base.category)
        flavours = base.flavours if base.flavour_mode == "product" and base.flavours else (None,)
        for series in data.SERIES:
            if top not in series[4]:
                continue
            for edition in base.editions:
                for flavour in flavours:
                    found.append(Candidate(base, BRAND_BY_SLUG[base.brand], edition, flavour, series))
    rng.shuffle(found)
    return found


def _partner_candidates(rng: random.Random) -> list[Candidate]:
    by_top = _bases_by_top()
    found = []
    for brand, top in partner_brands():
        for base in by_top.get(top, ()):
            flavours = base.flavours if base.flavour_mode == "product" and base.flavours else (None,)
            # A partner's regular range, and a few of its own seasonal or special series.
            applicable = [series for series in data.SERIES if top in series[4]]
            for series in (None, *rng.sample(applicable, 3)):
                for edition in base.editions:
                    for flavour in flavours:
                        found.append(Candidate(base, brand, edition, flavour, series))
    rng.shuffle(found)
    return found


def iter_candidates(rng: random.Random, *, partner_brands_allowed: bool = False) -> Iterator[Candidate]:
    """Every product the vocabulary can make: the core ones, then series, then (if allowed) partner brands."""
    yield from core_candidates()
    yield from _series_candidates(rng)
    if partner_brands_allowed:
        yield from _partner_candidates(rng)


def select_candidates(rng: random.Random, count: int, *, partner_brands_allowed: bool = False) -> list[Candidate]:
    """``count`` distinct products: a spread of the core ones first, then series, then partner brands."""
    core = core_candidates()
    if count > len(core):
        chosen = list(itertools.islice(iter_candidates(rng, partner_brands_allowed=partner_brands_allowed), count))
        if len(chosen) < count:
            raise ValueError(f"the vocabulary makes at most {len(chosen)} products")
        return chosen
    # Round-robin over leaf categories so that a small catalog still fills every category.
    by_leaf: dict[str, list[Candidate]] = {}
    for candidate in core:
        by_leaf.setdefault(candidate.base.category, []).append(candidate)
    queues = list(by_leaf.values())
    for queue in queues:
        rng.shuffle(queue)
    chosen = []
    while len(chosen) < count:
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop())
    return chosen


# --- the planner --------------------------------------------------------------------------------------------


class CatalogPlanner:
    """Turns candidates into product plans; keeps the counters that make codes and numbers unique."""

    def __init__(self, rng: random.Random, *, now: datetime, today: date, traceability: bool = True):
        self.rng = rng
        self.now = now
        self.today = today
        self.traceability = traceability
        self.slugs: set[str] = set()
        self.item_refs: Counter[str] = Counter()
        self.trace = TracePlanner(rng, today=today)
        self.product_seq = 0

    # --- product level

    def plan(self, candidate: Candidate) -> ProductPlan:
        rng = self.rng
        base, brand, edition, flavour, series = candidate
        self.product_seq += 1
        top = top_category(base.category)
        series_zh, series_en, series_slug = (series[0], series[1], series[2]) if series else ("", "", "")
        name_core = f"{series_zh + ' ' if series_zh else ''}{edition.zh}{base.name[0]}"
        name = f"{brand.name} {name_core}"
        name_en = " ".join(part for part in (brand.name_en, series_en, edition.en, base.name[1]) if part)
        if flavour:
            name += f" {with_suffix(flavour[0], base.flavour_suffix[0])}"
            name_en += f", {with_suffix(flavour[1], base.flavour_suffix[1])}"
        slug = self._slug(brand.slug, series_slug, edition.slug, base.key, flavour[1] if flavour else "")
        subtitle, subtitle_en = edition.subtitle or base.subtitle
        if series:
            subtitle, subtitle_en = f"{series_zh}｜{subtitle}", f"{series_en}: {subtitle_en}"

        status, published_at = self._status(series_slug)
        age_days = (self.now - published_at).days if published_at else 0
        sales = (
            0
            if status == "draft"
            else int(min(rng.paretovariate(1.1) * 30, 150_000) * (0.3 + 0.7 * min(age_days, 365) / 365))
        )

        shelf_life = edition.shelf_life or base.shelf_life
        storage = edition.storage or base.storage
        price_factor = edition.price * (series[3] if series else 1.0) * rng.uniform(0.95, 1.06)
        factory = rng.choice(brand.factories)
        skus = self._skus(candidate, price_factor=price_factor, shelf_life=shelf_life, status=status, factory=factory)

        tags = [*base.tags, *edition.tags, *(series[5] if series else ())]
        if status == "on_sale" and age_days <= 30:
            tags.append("new")
        if any("家庭" in pack.zh for pack in base.packs):
            tags.append("family")
        if any("便携" in pack.zh for pack in base.packs):
            tags.append("travel")
        tags = list(dict.fromkeys(tags))

        flavour_zh = flavour[0] if flavour else (base.flavours[0][0] if base.flavours else edition.zh)
        accent = (
            data.FLAVOUR_COLOURS.get(flavour_zh)
            or ACCENTS[zlib.crc32((flavour_zh or base.key).encode()) % len(ACCENTS)]
        )
        caption = _ascii(flavour[1] if flavour else (edition.en or base.name[1]))
        image = PackshotSpec(
            shape=base.shape,
            colour=brand.colour,
            accent=accent,
            background=data.CATEGORY_COLOURS[top],
            initials=brand.initials,
            caption=caption,
            units=max(pack.units for pack in base.packs),
        )
        description, description_en = product_description(
            candidate, skus=skus, shelf_life=shelf_life, storage=storage, origin=factory[1]
        )
        return ProductPlan(
            brand=brand.slug,
            category=base.category,
            name=name[:120],
            name_en=name_en[:160],
            slug=slug,
            subtitle=subtitle[:160],
            subtitle_en=subtitle_en[:200],
            description=description,
            description_en=description_en,
            status=status,
            published_at=published_at,
            is_featured=False,
            sales_count=sales,
            tags=tags,
            skus=skus,
            image=image,
            image_count=1 + (rng.random() < 0.65) + (rng.random() < 0.3),
            top_category=top,
        )

    def _slug(self, *parts: str) -> str:
        stem = "-".join(slugify_ascii(part) for part in parts if slugify_ascii(part))[:150]
        slug, n = stem, 1
        while slug in self.slugs:
            n += 1
            slug = f"{stem}-{n}"
        self.slugs.add(slug)
        return slug

    def _status(self, series_slug: str) -> tuple[str, datetime | None]:
        rng = self.rng
        roll = rng.random()
        seasonal = series_slug in SEASONAL
        draft, off = (0.1, 0.4) if seasonal else (0.04, 0.08) if series_slug else (0.03, 0.06)
        if roll < draft:
            return "draft", None
        if roll < off:
            return "off_sale", self.now - timedelta(days=rng.uniform(120, 400), minutes=rng.randrange(1440))
        newest = 150 if series_slug else 365
        days = rng.uniform(0, 1) ** 1.1 * newest
        return "on_sale", self.now - timedelta(days=days, minutes=rng.randrange(1440))

    # --- SKUs

    def _skus(
        self, candidate: Candidate, *, price_factor: float, shelf_life: int, status: str, factory
    ) -> list[SkuPlan]:
        rng = self.rng
        base, brand, _edition, flavour, series = candidate
        packs = list(base.packs)
        sku_flavours: list[tuple[str, str] | None] = [flavour] if flavour else [None]
        if base.flavour_mode == "sku" and base.flavours:
            sku_flavours = list(base.flavours)
        if series:
            kept = rng.sample(packs, min(len(packs), rng.choice((1, 2, 3, 3))))
            packs = [pack for pack in packs if pack in kept]
            if len(sku_flavours) > 1:
                sku_flavours = rng.sample(sku_flavours, min(len(sku_flavours), rng.choice((2, 3, 4))))
        prices = _pack_prices(base.unit_price * price_factor, packs)
        skus = []
        for flavour_pair in sku_flavours:
            for pack in packs:
                self.item_refs[brand.gtin_prefix] += 1
                ref = self.item_refs[brand.gtin_prefix]
                if ref > 99_999:
                    raise ValueError(f"brand {brand.slug} ran out of GTIN item references")
                body = f"{brand.gtin_prefix}{ref:05d}"
                units = pack.units * pack.size
                position = len(skus)
                skus.append(
                    SkuPlan(
                        code=f"{brand.batch_prefix}{self.product_seq:05d}-{position + 1:02d}",
                        barcode=body + gtin_check_digit(body),
                        flavour=flavour_pair[0] if flavour_pair else "",
                        flavour_en=flavour_pair[1] if flavour_pair else "",
                        pack_size=pack.zh,
                        pack_size_en=pack.en,
                        weight_grams=int(units * base.unit_grams * 1.03 + 30 + 8 * pack.units),
                        shelf_life_days=shelf_life,
                        list_price=prices[pack],
                        units=units,
                        position=position,
                        is_active=position == 0 or rng.random() > 0.03,
                    )
                )
        self._stock(skus, chilled=base.storage.startswith("chilled"))
        self._sale(skus, status)
        if self.traceability:
            for sku in skus:
                sku.batches = self.trace.batches(
                    candidate.base, candidate.brand, shelf_life=sku.shelf_life_days, status=status, factory=factory
                )
        return skus

    def _stock(self, skus: list[SkuPlan], *, chilled: bool) -> None:
        """About one SKU in twenty is out of stock (and a few products entirely), some are running low."""
        rng = self.rng
        sold_out = rng.random() < 0.02
        for sku in skus:
            roll = 0.0 if sold_out else rng.random()
            sku.low_stock_threshold = rng.choice((10, 10, 20, 50))
            if roll < 0.035:
                sku.on_hand = 0
            elif roll < 0.11:
                sku.on_hand = rng.randint(1, sku.low_stock_threshold - 1)
            else:
                sku.on_hand = rng.randint(20, 240) if chilled else rng.randint(60, 1200)

    def _sale(self, skus: list[SkuPlan], status: str) -> None:
        """About one product in five has a promotion: mostly running now, some upcoming, some over."""
        rng = self.rng
        if status != "on_sale" or rng.random() > 0.2:
            return
        roll = rng.random()
        if roll < 0.6:
            start = self.now - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 23))
            end = self.now + timedelta(days=rng.randint(2, 21), hours=rng.randint(0, 23))
        elif roll < 0.8:
            start = self.now + timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 23))
            end = start + timedelta(days=rng.randint(3, 14))
        else:
            end = self.now - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23))
            start = end - timedelta(days=rng.randint(3, 14))
        start = start.replace(minute=0, second=0, microsecond=0)
        end = end.replace(minute=0, second=0, microsecond=0)
        discount = rng.choice((0.75, 0.8, 0.85, 0.88, 0.9))
        for sku in skus:
            sale = charm_price(float(sku.list_price) * discount)
            if sale < sku.list_price and (len(skus) == 1 or rng.random() < 0.85):
                sku.sale_price, sku.sale_start, sku.sale_end = sale, start, end


def _pack_prices(unit_price: float, packs: list[data.Pack]) -> dict[data.Pack, Decimal]:
    """Shelf prices per pack: a bigger pack costs more in total but less per unit (a bulk discount)."""
    prices: dict[data.Pack, Decimal] = {}
    # Packs holding the same quantity (250 ml × 24 and 1 L × 6) form a group; each pack must cost more than
    # every pack of the next smaller group and less per unit than each of them.
    smaller: tuple[float, Decimal, Decimal] | None = None  # quantity, lowest and highest price
    group: tuple[float, Decimal, Decimal] | None = None
    for pack in sorted(packs, key=lambda p: p.units * p.size):
        quantity = pack.units * pack.size
        if group and quantity > group[0]:
            smaller, group = group, None
        price = charm_price(unit_price * (pack.size**0.9) * pack.units * (pack.units**-0.06))
        if smaller:
            high = smaller[1] * Decimal(str(quantity / smaller[0])) * Decimal("0.99")
            price = _within(price, smaller[2], high)
        prices[pack] = price
        group = (quantity, min(group[1], price), max(group[2], price)) if group else (quantity, price, price)
    return prices


def _within(price: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """``price`` if low < price < high, else the highest shelf-looking price strictly between them."""
    if low < price < high:
        return price
    floor = Decimal(int(high))
    candidates = (
        floor - Decimal("0.1") if high < 100 else Decimal(int((high + 1) / 10) * 10 - 1),
        (high - Decimal("0.05")).quantize(Decimal("0.1"), ROUND_DOWN),
        ((low + high) / 2).quantize(Decimal("0.01")),
    )
    for candidate in candidates:
        if low < candidate < high:
            return candidate
    return candidates[-1]


def finish(plans: list[ProductPlan], rng: random.Random) -> None:
    """Catalog-wide touches: the best sellers are "trending", and a few on-sale products are featured."""
    on_sale = [plan for plan in plans if plan.status == "on_sale"]
    ranked = sorted(on_sale, key=lambda plan: -plan.sales_count)
    for plan in ranked[: max(1, len(ranked) * 6 // 100)]:
        if "trending" not in plan.tags:
            plan.tags.append("trending")
    for index, plan in enumerate(ranked):
        plan.is_featured = rng.random() < (0.3 if index < len(ranked) // 10 else 0.04)
    if on_sale and not any(plan.is_featured for plan in on_sale):
        ranked[0].is_featured = True


def plan_catalog(
    rng: random.Random,
    *,
    products: int,
    now: datetime,
    today: date,
    traceability: bool = True,
    partner_brands_allowed: bool = False,
) -> list[ProductPlan]:
    """Plan ``products`` products (with their SKUs, stock, promotions, batches and reports)."""
    planner = CatalogPlanner(rng, now=now, today=today, traceability=traceability)
    plans = [
        planner.plan(candidate)
        for candidate in select_candidates(rng, products, partner_brands_allowed=partner_brands_allowed)
    ]
    finish(plans, rng)
    return plans


def products_for_scale(scale: float) -> int:
    return max(MIN_PRODUCTS, round(PRODUCTS_AT_SCALE_1 * scale))
