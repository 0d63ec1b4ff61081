"""The demo catalog seeder and its planner: a coherent, repeatable catalog at any scale."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from shequ.accounts import vocabulary
from shequ.catalog import seed_data, seed_plan
from shequ.catalog.models import (
    SKU,
    Banner,
    Category,
    InspectionReport,
    Product,
    ProductImage,
    ProductionBatch,
    ProductStatus,
    Tag,
)
from shequ.catalog.richtext import render_description
from shequ.catalog.seed import render_markdown_blocks, seed_catalog, write_catalog
from shequ.catalog.seed_plan import brand_specs
from shequ.catalog.services import products_refresh_denormalised
from shequ.catalog.trace_services import batch_validate, report_validate
from shequ.core.seeding import SeedContext
from shequ.inventory.models import StockLevel, StockMovement

CJK = re.compile(r"[\u4e00-\u9fff]")


def _plan(seed: int = 1, products: int = seed_plan.PRODUCTS_AT_SCALE_1) -> list[seed_plan.ProductPlan]:
    now = timezone.now().replace(microsecond=0)
    return seed_plan.plan_catalog(random.Random(seed), products=products, now=now, today=date(2026, 3, 15))


SEED = 7


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """Seed a tenth of the demo once for this module's database tests, and roll it back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = SeedContext(rng=random.Random(SEED), scale=0.1, log=lambda message: None)
        summary = seed_catalog(ctx)
        yield ctx, summary
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


@pytest.fixture(scope="module")
def plans() -> list[seed_plan.ProductPlan]:
    return _plan()


# --- the seeder, written to the database ------------------------------------------------------------------


def test_small_scale_seeds_a_coherent_catalog(seeded):
    # given a catalog seeded at a tenth of the demo size
    ctx, summary = seeded

    # then it is small but fills every top-level category, and later seeders get its ids
    products = list(Product.objects.select_related("category"))
    assert seed_plan.MIN_PRODUCTS <= len(products) == summary["products"] < seed_plan.PRODUCTS_AT_SCALE_1
    assert sorted(ctx.shared["product_ids"]) == sorted(p.pk for p in products)
    assert sorted(ctx.shared["sku_ids"]) == sorted(SKU.objects.values_list("pk", flat=True))
    tops = Category.objects.filter(parent=None)
    assert set(tops.values_list("slug", flat=True)) == set(seed_data.TOP_CATEGORIES)
    assert all(top.icon for top in tops)
    assert {p.category.path.split("/")[0] for p in products} == set(seed_data.TOP_CATEGORIES)
    # and every product is named in Chinese and in English
    assert all(CJK.search(p.name) and p.name_en and not CJK.search(p.name_en) for p in products)
    assert all(p.description_html and p.description_en_html and "<table>" in p.description_html for p in products)


def test_on_sale_products_have_an_active_priced_sku_and_consistent_denormalised_fields(seeded):
    now = timezone.now()
    for product in Product.objects.prefetch_related("skus__stock"):
        active = [sku for sku in product.skus.all() if sku.is_active]
        if product.status == ProductStatus.ON_SALE:
            assert active, product.slug
            assert product.published_at is not None
        if product.status == ProductStatus.DRAFT:
            assert product.published_at is None
        # the denormalised columns match the SKUs, as products_touch would have made them
        prices = [sku.price_at(now) for sku in active]
        assert product.price_min == min(prices) and product.price_max == max(prices)
        assert all(price > 0 for price in prices)
        assert product.in_stock == any(sku.stock.available > 0 for sku in active)


def test_every_sku_has_stock_with_a_ledger_and_a_valid_barcode(seeded):
    skus = list(SKU.objects.all())
    levels = {level.sku_id: level for level in StockLevel.objects.all()}
    assert set(levels) == {sku.pk for sku in skus}
    opening = dict(StockMovement.objects.values_list("sku_id", "on_hand_delta"))
    assert all(opening.get(sku_id, 0) == level.on_hand for sku_id, level in levels.items())
    barcodes = [sku.barcode for sku in skus]
    assert len(set(barcodes)) == len(barcodes)
    assert all(code.startswith("69") and len(code) == 13 and seed_plan.gtin_valid(code) for code in barcodes)
    assert all(sku.weight_grams > 0 and sku.shelf_life_days for sku in skus)


def test_batches_and_reports_are_plausible_and_pass_the_trace_rules(seeded):
    today = timezone.localdate()
    batches = list(ProductionBatch.objects.prefetch_related("inspections"))
    assert batches
    assert all(b.production_date < today and b.expiry_date >= b.production_date for b in batches)
    assert any(b.is_expired for b in batches)
    assert all(b.raw_materials and b.factory and b.origin for b in batches)
    reports = [report for batch in batches for report in batch.inspections.all()]
    assert {r.result for r in reports} >= {"passed", "pending"}
    # an operator can open and save any seeded record without a validation error
    for batch in batches[:40]:
        batch_validate(batch=batch, today=today)
        for report in batch.inspections.all():
            report_validate(report=report, batch=batch, today=today)


def test_pictures_tags_and_banners(seeded):
    products = Product.objects.prefetch_related("images", "tags")
    for product in products:
        images = list(product.images.all())
        assert 1 <= len(images) <= 3
        assert all(image.thumbnail and image.image.storage.exists(image.thumbnail.name) for image in images)
    dietary = set(Tag.objects.filter(kind=Tag.Kind.DIETARY).values_list("slug", flat=True))
    assert dietary <= {slug for slug, _ in vocabulary.DIETARY_TAGS}
    assert Product.objects.filter(tags__slug="sugar_free").exists()
    banners = list(Banner.objects.all())
    assert 3 <= len(banners) <= 4
    assert all(b.link.startswith("/") and b.title and b.title_en and b.image for b in banners)
    assert ProductImage.objects.count() >= len(products)


def test_the_catalog_written_is_the_one_planned_for_the_seed(seeded):
    # given a plan made separately from the seeder's seed
    inner = random.Random(random.Random(SEED).randrange(1 << 32))
    planned = seed_plan.plan_catalog(
        inner, products=seed_plan.products_for_scale(0.1), now=timezone.now(), today=timezone.localdate()
    )

    # then the database holds exactly that catalog: the seeder adds no randomness of its own
    written = list(Product.objects.order_by("pk").values_list("slug", "name", "status"))
    assert written == [(p.slug, p.name, p.status) for p in planned]
    skus = list(SKU.objects.order_by("pk").values_list("code", "barcode", "list_price"))
    assert skus == [(s.code, s.barcode, s.list_price) for p in planned for s in p.skus]
    reports = sum(len(b.reports) for p in planned for s in p.skus for b in s.batches)
    assert InspectionReport.objects.count() == reports


@pytest.mark.django_db
def test_a_catalog_written_without_notifying_has_the_listing_columns_the_catalog_service_computes():
    # given a catalog written the benchmark's way: no products_touch afterwards
    now = timezone.now()
    plans = seed_plan.plan_catalog(
        random.Random(5), products=60, now=now, today=timezone.localdate(), traceability=False
    )
    result = write_catalog(plans, brands=brand_specs(), images="none", notify=False, log=lambda message: None)

    # when the catalog service recomputes prices and stock flags
    def columns():
        return list(
            Product.objects.filter(pk__in=result.product_ids)
            .order_by("pk")
            .values_list("price_min", "price_max", "in_stock")
        )

    written = columns()
    products_refresh_denormalised(product_ids=result.product_ids)

    # then nothing changes
    assert columns() == written
    assert all(low is not None and low <= high for low, high, _in_stock in written)


# --- the planner (no database) --------------------------------------------------------------------------------


def test_the_same_seed_plans_the_same_catalog_and_another_seed_a_different_one():
    first, again, other = _plan(3, products=120), _plan(3, products=120), _plan(4, products=120)

    def fingerprint(plans):
        return [
            (
                p.slug,
                p.status,
                p.sales_count,
                [(s.code, s.barcode, s.list_price, s.sale_price, s.on_hand) for s in p.skus],
                [b.batch_no for s in p.skus for b in s.batches],
            )
            for p in plans
        ]

    assert fingerprint(first) == fingerprint(again)
    assert fingerprint(first) != fingerprint(other)


def test_scale_one_has_hundreds_of_products_and_over_a_thousand_skus(plans):
    skus = [sku for plan in plans for sku in plan.skus]
    assert len(plans) >= 300 and len(skus) >= 1000
    assert len({p.slug for p in plans}) == len(plans)
    assert len({s.code for s in skus}) == len(skus)
    # statuses, featured products, a long tail of sales, and "new" only for recent products
    statuses = {p.status for p in plans}
    assert statuses == {"on_sale", "draft", "off_sale"}
    assert 5 <= sum(p.is_featured for p in plans) <= 60
    sales = sorted((p.sales_count for p in plans), reverse=True)
    assert sales[0] > 10 * sales[len(sales) // 2]
    assert all(p.status == "on_sale" and (timezone.now() - p.published_at).days <= 31 for p in plans if "new" in p.tags)
    # roughly one SKU in twenty is out of stock
    out = sum(1 for s in skus if s.on_hand == 0)
    assert 0.02 < out / len(skus) < 0.1


def test_a_small_scale_still_covers_every_category():
    plans = _plan(products=seed_plan.products_for_scale(0.01))
    assert len(plans) == seed_plan.MIN_PRODUCTS
    leaves = {b.category for b in seed_data.BASES}
    assert len({p.category for p in plans}) == min(len(leaves), len(plans))


def test_bigger_packs_cost_more_but_less_per_unit(plans):
    for plan in plans:
        by_flavour = defaultdict(list)
        for sku in plan.skus:
            by_flavour[sku.flavour].append(sku)
        for skus in by_flavour.values():
            for small in skus:
                for big in skus:
                    if big.units > small.units:
                        assert big.list_price > small.list_price, plan.slug
                        assert big.list_price / Decimal(str(big.units)) < small.list_price / Decimal(str(small.units))


def test_promotions_run_now_in_future_and_in_the_past_and_always_discount(plans):
    now = timezone.now()
    windows = [s for p in plans for s in p.skus if s.sale_price is not None]
    assert all(s.sale_price < s.list_price and s.sale_start < s.sale_end for s in windows)
    assert any(s.sale_start <= now < s.sale_end for s in windows)
    assert any(s.sale_start > now for s in windows)
    assert any(s.sale_end <= now for s in windows)


def test_shelf_life_follows_the_category(plans):
    for plan in plans:
        for sku in plan.skus:
            if plan.category == "fresh-milk":
                assert 7 <= sku.shelf_life_days <= 21
            elif plan.category == "uht-milk":
                assert sku.shelf_life_days == 180
            elif plan.top_category == "snacks":
                assert 180 <= sku.shelf_life_days <= 365
            elif plan.top_category == "household":
                assert sku.shelf_life_days >= 365


def test_report_numbers_are_unique_per_agency_and_some_reports_fail(plans):
    reports = [r for p in plans for s in p.skus for b in s.batches for r in b.reports]
    keys = [(r.agency, r.report_no) for r in reports]
    assert len(set(keys)) == len(keys)
    assert {r.result for r in reports} == {"passed", "failed", "pending"}


def test_descriptions_render_block_by_block_exactly_as_a_whole(plans):
    for plan in plans[::4]:
        for text in (plan.description, plan.description_en):
            assert render_markdown_blocks(text) == render_description(text)


@pytest.mark.parametrize(
    ("code", "valid"), [("4006381333931", True), ("9780306406157", True), ("4006381333932", False), ("69x", False)]
)
def test_gtin_check_digit(code, valid):
    assert seed_plan.gtin_valid(code) is valid
