"""The demo catalog: the brand Shequ 好物 with its product lines and partner brands, a category tree, tags,
a few hundred products with their SKUs, stock, pictures, promotions, production batches and inspection
reports, and the home banners.

Planning (``seed_plan``) is pure data from the vocabulary in ``seed_data``; this module writes a plan with
bulk inserts — the seeder must stay fast — and then runs the catalog's own ``products_touch`` so prices,
stock flags, versions and the search index follow exactly as they would after an operator's edit.
``write_catalog`` is shared with the benchmark generator (bench/generate_catalog.py).
"""

from __future__ import annotations

import dataclasses
import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from django.core.files.base import ContentFile
from django.utils import timezone

from shequ.catalog import seed_data as data
from shequ.catalog import seed_images
from shequ.catalog.models import (
    SKU,
    Banner,
    Brand,
    Category,
    InspectionReport,
    Product,
    ProductImage,
    ProductionBatch,
    ProductStatus,
    Tag,
)
from shequ.catalog.richtext import render_description
from shequ.catalog.seed_plan import ProductPlan, SkuPlan, brand_specs, plan_catalog, products_for_scale
from shequ.catalog.services import category_save, products_touch
from shequ.core.seeding import SeedContext
from shequ.inventory.seed import stock_seed

ImageMode = Literal["render", "shared", "none"]
BATCH_SIZE = 500


@dataclass
class WriteResult:
    product_ids: list[int] = field(default_factory=list)
    sku_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def seed_catalog(ctx: SeedContext) -> dict:
    """Seeder ``catalog.products``: about 360 products and 1,000+ SKUs at scale 1 (at least 30 products)."""
    started, cpu = time.perf_counter(), time.process_time()
    rng = random.Random(ctx.rng.randrange(1 << 32))
    now = timezone.now()
    plans = plan_catalog(rng, products=products_for_scale(ctx.scale), now=now, today=timezone.localdate())
    result = write_catalog(plans, brands=brand_specs(), images="render", notify=True, log=ctx.log)
    banners = banners_seed(plans, now=now)
    ctx.shared["product_ids"] = result.product_ids
    ctx.shared["sku_ids"] = result.sku_ids
    timings = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in result.timings.items())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    ctx.log(f"    catalog written in {elapsed:.1f}s, {cpu:.1f}s of CPU ({timings})")
    return {**result.counts, "banners": banners}


# --- writing --------------------------------------------------------------------------------------------------


def write_catalog(
    plans: list[ProductPlan],
    *,
    brands: dict[str, data.BrandSpec],
    images: ImageMode = "render",
    notify: bool = True,
    log: Callable[[str], None] = print,
    shared_images: dict | None = None,
) -> WriteResult:
    """Insert planned products and everything under them; call inside a transaction.

    ``images``: "render" draws each product's own pictures, "shared" points products at one picture per
    pack shape and colours (fast, for benchmarks; pass the same ``shared_images`` dict to successive calls
    to reuse the files), "none" adds none. Prices and stock flags are set as the rows are written; ``notify``
    also runs ``products_touch`` (versions, cache generation, search index listeners) as an edit would.
    """
    result = WriteResult()
    clock = _Clock(result.timings)
    categories = categories_ensure()
    tags = tags_ensure()
    brand_rows = brands_ensure([brands[slug] for slug in dict.fromkeys(plan.brand for plan in plans)])
    clock("taxonomy")

    _avoid_taken_slugs(plans)
    now = timezone.now()
    products, skus, sku_plans, owners = [], [], [], []
    for plan in plans:
        product = Product(
            brand=brand_rows[plan.brand],
            category=categories[plan.category],
            name=plan.name,
            name_en=plan.name_en,
            slug=plan.slug,
            subtitle=plan.subtitle,
            subtitle_en=plan.subtitle_en,
            description=plan.description,
            description_en=plan.description_en,
            description_html=render_markdown_blocks(plan.description),
            description_en_html=render_markdown_blocks(plan.description_en),
            status=plan.status,
            is_featured=plan.is_featured,
            published_at=plan.published_at,
            sales_count=plan.sales_count,
        )
        product_skus = [_sku(sku_plan) for sku_plan in plan.skus]
        _denormalise(product, product_skus, plan, now)
        products.append(product)
        skus += product_skus
        sku_plans += plan.skus
        owners += [product] * len(product_skus)
    clock("descriptions")
    Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
    Product.tags.through.objects.bulk_create(
        [
            Product.tags.through(product_id=product.pk, tag_id=tags[slug].pk)
            for product, plan in zip(products, plans, strict=True)
            for slug in plan.tags
        ],
        batch_size=BATCH_SIZE * 4,
    )
    result.product_ids = [product.pk for product in products]
    clock("products")

    for sku, product in zip(skus, owners, strict=True):
        sku.product_id = product.pk
    _avoid_taken(SKU, "code", skus)
    SKU.objects.bulk_create(skus, batch_size=BATCH_SIZE * 2)
    result.sku_ids = [sku.pk for sku in skus]
    stock_seed(levels=[(sku.pk, p.on_hand, p.low_stock_threshold) for sku, p in zip(skus, sku_plans, strict=True)])
    clock("skus+stock")

    batches, batch_reports = [], []
    for sku, sku_plan in zip(skus, sku_plans, strict=True):
        for batch_plan in sku_plan.batches:
            batches.append(
                ProductionBatch(
                    sku_id=sku.pk,
                    batch_no=batch_plan.batch_no,
                    production_date=batch_plan.production_date,
                    expiry_date=batch_plan.expiry_date,
                    factory=batch_plan.factory,
                    origin=batch_plan.origin,
                    raw_materials=batch_plan.raw_materials,
                    quantity=batch_plan.quantity,
                    notes=batch_plan.notes,
                )
            )
            batch_reports.append(batch_plan.reports)
    _avoid_taken(ProductionBatch, "batch_no", batches)
    ProductionBatch.objects.bulk_create(batches, batch_size=BATCH_SIZE * 2)
    reports = [
        InspectionReport(
            batch_id=batch.pk,
            agency=report.agency,
            report_no=report.report_no,
            inspected_on=report.inspected_on,
            result=report.result,
            items_tested=report.items_tested,
            summary=report.summary,
        )
        for batch, planned in zip(batches, batch_reports, strict=True)
        for report in planned
    ]
    _avoid_taken(InspectionReport, "report_no", reports)
    InspectionReport.objects.bulk_create(reports, batch_size=BATCH_SIZE * 2)
    clock("traceability")

    image_count = 0
    if images != "none":
        shared = (shared_images if shared_images is not None else {}) if images == "shared" else None
        image_count = product_images_seed(products, plans, shared=shared)
    clock("images")

    if notify:
        for start in range(0, len(result.product_ids), BATCH_SIZE):
            products_touch(product_ids=result.product_ids[start : start + BATCH_SIZE])
        clock("touch")

    result.counts = {
        "brands": len(brand_rows),
        "categories": len(categories),
        "products": len(products),
        "skus": len(skus),
        "batches": len(batches),
        "inspections": len(reports),
        "images": image_count,
    }
    log(f"    {result.counts}")
    return result


@functools.lru_cache(maxsize=20_000)
def _render_block(block: str) -> str:
    return render_description(block)


def render_markdown_blocks(text: str) -> str:
    """``render_description(text)``, block by block with a cache: planned descriptions share most paragraphs
    and table rows, and rendering Markdown is the slowest part of writing a large catalog. The planner
    separates self-contained blocks by blank lines, which makes the result identical (a test checks it)."""
    return "".join(
        _render_table(block) if block.startswith("|") else _render_block(block) for block in text.split("\n\n")
    )


def _render_table(block: str) -> str:
    """A Markdown table rendered one row at a time (each row as a one-row table), then put back together."""
    header, rule, *rows = block.split("\n")
    pieces = [_render_block(f"{header}\n{rule}\n{row}").partition("<tbody>\n") for row in rows]
    if not pieces or not all(piece[1] for piece in pieces):
        return _render_block(block)
    body = "".join(piece[2].rpartition("</tbody>")[0] for piece in pieces)
    return f"{pieces[0][0]}<tbody>\n{body}</tbody>\n</table>\n"


def _sku(plan: SkuPlan) -> SKU:
    return SKU(
        code=plan.code,
        barcode=plan.barcode,
        flavour=plan.flavour,
        flavour_en=plan.flavour_en,
        pack_size=plan.pack_size,
        pack_size_en=plan.pack_size_en,
        weight_grams=plan.weight_grams,
        shelf_life_days=plan.shelf_life_days,
        list_price=plan.list_price,
        sale_price=plan.sale_price,
        sale_start=plan.sale_start,
        sale_end=plan.sale_end,
        is_active=plan.is_active,
        position=plan.position,
    )


def _denormalise(product: Product, skus: list[SKU], plan: ProductPlan, now) -> None:
    """The listing columns as ``products_refresh_denormalised`` computes them (a test holds the two equal), so
    a large catalog needs no refresh pass."""
    active = [
        (sku.price_at(now), sku_plan.on_hand) for sku, sku_plan in zip(skus, plan.skus, strict=True) if sku.is_active
    ]
    prices = [price for price, _on_hand in active]
    product.price_min, product.price_max = (min(prices), max(prices)) if prices else (None, None)
    product.in_stock = any(on_hand > 0 for _price, on_hand in active)


class _Clock:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now


def _avoid_taken_slugs(plans: list[ProductPlan]) -> None:
    """A product an operator already made may hold a planned slug; the planned one gets a suffix."""
    taken = set(Product.objects.filter(slug__in=[plan.slug for plan in plans]).values_list("slug", flat=True))
    for plan in plans:
        if plan.slug in taken:
            n = 2
            while f"{plan.slug[:150]}-{n}" in taken:
                n += 1
            plan.slug = f"{plan.slug[:150]}-{n}"
            taken.add(plan.slug)


def _avoid_taken(model, field_name: str, rows: list) -> None:
    """Suffix planned unique codes (SKU codes, batch and report numbers) that already exist in the database."""
    values = [getattr(row, field_name) for row in rows]
    taken = set()
    for start in range(0, len(values), 5000):
        lookup = {f"{field_name}__in": values[start : start + 5000]}
        taken |= set(model.objects.filter(**lookup).values_list(field_name, flat=True))
    for row in rows:
        value, n = getattr(row, field_name), 2
        if value in taken:
            while f"{value}-{n}" in taken:
                n += 1
            setattr(row, field_name, f"{value}-{n}")
            taken.add(f"{value}-{n}")


# --- taxonomy -------------------------------------------------------------------------------------------------


def categories_ensure() -> dict[str, Category]:
    """The category tree of seed_data (an existing category with the same slug is kept as it is)."""
    existing = {
        category.slug: category for category in Category.objects.filter(slug__in=[c.slug for c in data.CATEGORIES])
    }
    positions: dict[str | None, int] = {}
    for spec in data.CATEGORIES:
        positions[spec.parent] = positions.get(spec.parent, 0) + 1
        if spec.slug in existing:
            continue
        existing[spec.slug] = category_save(
            category=Category(
                parent=existing[spec.parent] if spec.parent else None,
                name=spec.name,
                name_en=spec.name_en,
                slug=spec.slug,
                icon=spec.icon,
                position=positions[spec.parent],
            )
        )
    return existing


def tags_ensure() -> dict[str, Tag]:
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=[slug for slug, *_ in data.TAGS])}
    missing = [
        Tag(slug=slug, name=name, name_en=name_en, kind=kind)
        for slug, name, name_en, kind in data.TAGS
        if slug not in existing
    ]
    Tag.objects.bulk_create(missing)
    existing.update((tag.slug, tag) for tag in Tag.objects.filter(slug__in=[tag.slug for tag in missing]))
    return existing


def brands_ensure(specs: list[data.BrandSpec]) -> dict[str, Brand]:
    """Brands by slug, with a drawn logo for each new one."""
    existing = {brand.slug: brand for brand in Brand.objects.filter(slug__in=[spec.slug for spec in specs])}
    for spec in specs:
        if spec.slug in existing:
            continue
        brand = Brand(name=spec.name, name_en=spec.name_en, slug=spec.slug, story=spec.story)
        logo = seed_images.draw_logo(colour=spec.colour, initials=spec.initials)
        brand.logo.save(f"{spec.slug}.png", ContentFile(logo), save=False)
        brand.save()
        existing[spec.slug] = brand
    return existing


# --- pictures -------------------------------------------------------------------------------------------------

ALT_SUFFIXES = ("", " 多件装", " 细节")


def product_images_seed(products: list[Product], plans: list[ProductPlan], *, shared: dict | None = None) -> int:
    """Draw and store each product's pictures; with a ``shared`` cache, one picture per pack shape and colours
    is drawn and every product showing it points at the same files."""
    storage = ProductImage._meta.get_field("image").storage
    cache = shared
    rows = []
    for product, plan in zip(products, plans, strict=True):
        count = 1 if cache is not None else plan.image_count
        for kind in range(count):
            spec = plan.image
            if cache is not None:
                key = (spec.shape, spec.colour, spec.background)
                if key not in cache:
                    full, thumb = seed_images.render(dataclasses.replace(spec, caption="", units=1))
                    stem = f"products/shared/{spec.shape}-{len(cache) + 1}"
                    cache[key] = (
                        storage.save(f"{stem}.jpg", ContentFile(full)),
                        storage.save(f"{stem}-thumb.jpg", ContentFile(thumb)),
                    )
                image_name, thumb_name = cache[key]
            else:
                full, thumb = seed_images.render(spec, kind)
                stem = f"products/{product.pk}/{plan.slug[:60]}-{kind + 1}"
                image_name = storage.save(f"{stem}.jpg", ContentFile(full))
                thumb_name = storage.save(f"{stem}-thumb.jpg", ContentFile(thumb))
            rows.append(
                ProductImage(
                    product_id=product.pk,
                    image=image_name,
                    thumbnail=thumb_name,
                    alt=(plan.name + ALT_SUFFIXES[kind])[:120],
                    position=kind + 1,
                )
            )
    ProductImage.objects.bulk_create(rows, batch_size=BATCH_SIZE * 2)
    return len(rows)


# --- banners --------------------------------------------------------------------------------------------------


def banners_seed(plans: list[ProductPlan], *, now) -> int:
    """Four home banners: campaigns linking to categories and to the newest featured product."""
    on_sale = [plan for plan in plans if plan.status == ProductStatus.ON_SALE]
    newest = max(
        (plan for plan in on_sale if plan.is_featured),
        key=lambda plan: plan.published_at,
        default=max(on_sale, key=lambda plan: plan.published_at, default=None),
    )
    campaigns = [
        (
            "鲜活牧场 早餐季",
            "Fresh Pasture breakfast season",
            "纯牛奶、酸奶、奶酪，一站配齐",
            "Milk, yogurt and cheese in one basket",
            "/c/dairy/",
            "#E8F1FB",
            lambda plan: plan.top_category == "dairy",
            None,
        ),
        (
            "轻气泡 夏日冰爽",
            "Light Bubble summer fizz",
            "0糖气泡水，整箱更划算",
            "Zero-sugar sparkling water, better value by the case",
            "/c/sparkling-water/",
            "#DFF4F1",
            lambda plan: plan.category == "sparkling-water",
            None,
        ),
        (
            "新品尝鲜",
            "Just landed",
            newest.name if newest else "本月新品上架",
            newest.name_en if newest else "New this month",
            f"/p/{newest.slug}/" if newest else "/c/",
            "#FFF1E8",
            None,
            newest,
        ),
        (
            "洁净家 囤货节",
            "Clean Home stock-up days",
            "洗衣液、洗洁精大包装，囤货更划算",
            "Big packs of laundry liquid and dish soap, better value",
            "/c/household/",
            "#E9F6EE",
            lambda plan: plan.top_category == "household",
            None,
        ),
    ]
    created = 0
    for position, (title, title_en, subtitle, subtitle_en, link, colour, shows, product) in enumerate(campaigns, 1):
        if Banner.objects.filter(link=link, title=title).exists():
            continue
        picked = [product] if product else [plan for plan in on_sale if shows(plan)][:3]
        banner = Banner(
            title=title,
            title_en=title_en,
            subtitle=subtitle[:120],
            subtitle_en=subtitle_en[:160],
            link=link,
            colour=colour,
            position=position,
            starts_at=now - timedelta(days=2) if position == 4 else None,
            ends_at=now + timedelta(days=12) if position == 4 else None,
        )
        specs = [plan.image for plan in picked if plan]
        if specs:
            banner.image.save(
                f"banner-{position}.jpg", ContentFile(seed_images.draw_banner(colour=colour, specs=specs)), save=False
            )
        banner.save()
        created += 1
    return created
