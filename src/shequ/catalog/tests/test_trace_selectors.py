"""Trace selectors: reading batch numbers as people type them, flags, and the product page's batch list."""

from __future__ import annotations

import pickle
from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from shequ.catalog.models import ProductionBatch
from shequ.catalog.tests.test_trace_fixtures import days, make_batch, make_milk, make_report
from shequ.catalog.trace import batch_no_from_input, trace_flags, trace_today
from shequ.catalog.trace_selectors import trace_batch_get, trace_batches_for_product, trace_batches_for_sku
from shequ.core.errors import InvalidInput, NotFound


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("SQ-2024", "SQ-2024"),
        (" sq-2024 ", "SQ-2024"),
        ("sq 2024", "SQ2024"),
        ("ＳＱ－２０２４", "SQ-2024"),
        ("SQ\u30002024", "SQ2024"),
        ("SQ–2024", "SQ-2024"),
        ("\ufeffSQ-2024\u200b", "SQ-2024"),
        ("https://x.cn/trace/sq-2024/?src=qr", "SQ-2024"),
        ("http://x.cn/TRACE/SQ-2024", "SQ-2024"),
    ],
)
def test_batch_numbers_are_read_as_people_and_scanners_type_them(typed, canonical):
    assert batch_no_from_input(typed) == canonical


@pytest.mark.parametrize("typed", ["", "   ", "SQ", "SQ_2024", "<b>", "SQ-2024;", "x" * 301, "https://x.cn/p/milk/"])
def test_what_cannot_be_a_batch_number_is_invalid_input(typed):
    with pytest.raises(InvalidInput):
        batch_no_from_input(typed)


def test_flags_follow_the_date_in_china():
    today = trace_today()

    assert trace_flags(expiry_date=today - timedelta(days=1), results=[], today=today).expired
    assert not trace_flags(expiry_date=today, results=[], today=today).expired
    assert trace_flags(expiry_date=today + timedelta(days=30), results=["passed"], today=today).expiring_soon
    assert not trace_flags(expiry_date=today + timedelta(days=31), results=["passed"], today=today).expiring_soon
    assert trace_flags(expiry_date=today, results=["passed", "failed"], today=today).status == "failed"
    assert trace_flags(expiry_date=today + timedelta(days=99), results=[], today=today).status == "uninspected"


@pytest.mark.django_db
def test_an_old_lower_case_number_and_spaces_for_dashes_are_still_found():
    batch = make_batch(batch_no="SQ-2024-0501")
    ProductionBatch.objects.filter(pk=batch.pk).update(batch_no="sq-2024-0501")  # stored before canonical numbers

    assert trace_batch_get(batch_no="SQ 2024 0501").batch.pk == batch.pk
    assert trace_batch_get(batch_no="SQ-2024-0501").batch.pk == batch.pk


@pytest.mark.django_db
def test_an_ambiguous_dashless_number_finds_nothing_rather_than_the_wrong_batch():
    make_batch(batch_no="AB-12-34")
    make_batch(batch_no="AB1-234")

    with pytest.raises(NotFound):
        trace_batch_get(batch_no="AB 1234")
    assert trace_batch_get(batch_no="AB-12-34").batch.batch_no == "AB-12-34"


@pytest.mark.django_db
def test_the_trace_of_a_batch_takes_two_queries(django_assert_num_queries):
    batch = make_batch(batch_no="SQ-Q-0001")
    for _ in range(4):
        make_report(batch)

    with django_assert_num_queries(2):
        trace = trace_batch_get(batch_no="SQ-Q-0001")
        _ = (trace.product_name, trace.brand_name, trace.variant_label, trace.etag(variant="x"))


@pytest.mark.django_db
def test_the_etag_changes_at_midnight_in_china():
    make_batch(batch_no="SQ-Q-0002")

    today = trace_batch_get(batch_no="SQ-Q-0002", today=days(0))
    tomorrow = trace_batch_get(batch_no="SQ-Q-0002", today=days(1))

    assert today.etag() != tomorrow.etag()
    assert today.etag(variant="page:en") != today.etag(variant="page:zh-hans")


# --- the product page's batch list -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_product_page_lists_the_latest_batches_with_their_latest_inspection():
    product = make_milk()
    old = make_batch(product=product, batch_no="SQ-P-0001", produced=days(-300), expires=days(-5))
    make_report(old, result="failed", report_no="R-OLD", inspected_on=days(-290))
    middle = make_batch(product=product, batch_no="SQ-P-0002", produced=days(-60))
    make_report(middle, result="failed", report_no="R-1", inspected_on=days(-50))
    make_report(middle, result="passed", report_no="R-2", inspected_on=days(-40))
    make_batch(product=product, batch_no="SQ-P-0003", produced=days(-30))
    make_batch(product=product, batch_no="SQ-P-0004", produced=days(-1))

    batches = trace_batches_for_product(product=product)

    assert [b.batch_no for b in batches] == ["SQ-P-0004", "SQ-P-0003", "SQ-P-0002"]
    assert batches[2].latest_report.report_no == "R-2" and batches[2].report_count == 2
    assert batches[2].flags.status == "failed"
    assert batches[0].flags.status == "uninspected" and batches[0].latest_report is None
    assert batches[0].url == "/trace/SQ-P-0004/"
    assert batches[0].variant_label == "原味 · 250ml×12"


@pytest.mark.django_db
@pytest.mark.parametrize("batch_count", [1, 3, 8])
def test_the_product_page_batch_list_takes_two_queries_whatever_the_numbers(django_assert_num_queries, batch_count):
    product = make_milk()
    for index in range(batch_count):
        batch = make_batch(product=product, produced=days(-index - 1))
        for _ in range(3):
            make_report(batch)

    with django_assert_num_queries(2):
        batches = trace_batches_for_product(product=product, limit=5)
        html = render_to_string("catalog/_trace_summary.html", {"batches": batches})

    assert len(batches) == min(batch_count, 5)
    assert html.count('data-testid="trace-summary-batch"') == len(batches)


@pytest.mark.django_db
def test_a_product_without_batches_takes_one_query_and_renders_nothing(django_assert_num_queries):
    product = make_milk()

    with django_assert_num_queries(1):
        batches = trace_batches_for_product(product=product)

    assert batches == []
    assert render_to_string("catalog/_trace_summary.html", {"batches": batches}).strip() == ""


@pytest.mark.django_db
def test_the_summary_partial_shows_each_batch_status():
    product = make_milk()
    make_report(make_batch(product=product, batch_no="SQ-S-0001", produced=days(-3)), result="failed")
    make_batch(product=product, batch_no="SQ-S-0002", produced=days(-200), expires=days(-1))
    make_report(make_batch(product=product, batch_no="SQ-S-0003", produced=days(-1)), result="passed")

    html = render_to_string(
        "catalog/_trace_summary.html", {"batches": trace_batches_for_product(product=product, limit=3)}
    )

    assert 'href="/trace/SQ-S-0001/"' in html and 'data-testid="status-failed"' in html
    assert 'data-testid="status-expired"' in html
    assert 'data-testid="status-ok"' in html
    assert 'href="/trace/"' in html


@pytest.mark.django_db
def test_batches_of_one_sku_only():
    product = make_milk()
    make_batch(product=product, batch_no="SQ-K-0001")
    other = make_batch(batch_no="SQ-K-0002")

    assert [b.batch_no for b in trace_batches_for_sku(sku=other.sku)] == ["SQ-K-0002"]


@pytest.mark.django_db
def test_the_batch_list_is_plain_data_the_product_page_can_cache(django_assert_num_queries):
    product = make_milk()
    make_report(make_batch(product=product, batch_no="SQ-C-0001"), agency="华测检测", result="pending")
    batches = trace_batches_for_product(product=product)

    restored = pickle.loads(pickle.dumps(batches))  # noqa: S301 - what a Redis-cached product detail holds

    assert restored == batches
    with django_assert_num_queries(0):
        html = render_to_string("catalog/_trace_summary.html", {"batches": restored})
    assert "华测检测" in html and 'data-testid="status-pending"' in html
    assert restored[0].latest_report.result == "pending"
