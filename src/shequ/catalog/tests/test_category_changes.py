"""Renaming or moving a category moves its products' pages, caches and search documents on."""

import pytest

from shequ.catalog.models import Product
from shequ.catalog.services import category_save
from shequ.catalog.testing import make_category, make_product

pytestmark = pytest.mark.django_db


def test_renaming_a_category_bumps_its_products_versions_and_tells_listeners(django_capture_on_commit_callbacks):
    from shequ.catalog import signals

    dairy = make_category("乳品", slug="dairy-x")
    yoghurt = make_category("酸奶", slug="yoghurt-x", parent=dairy)
    inside = make_product(category=yoghurt)
    outside = make_product()
    heard: list[list[int]] = []
    signals.on_products_changed(heard.append)
    before = {p.pk: p.version for p in Product.objects.all()}

    dairy.name = "乳制品"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            category_save(category=dairy)
    finally:
        signals._product_listeners.remove(heard.append)

    after = {p.pk: p.version for p in Product.objects.all()}
    assert after[inside.pk] == before[inside.pk] + 1
    assert after[outside.pk] == before[outside.pk]
    assert [inside.pk] in heard


def test_saving_a_category_unchanged_touches_no_product(django_capture_on_commit_callbacks):
    dairy = make_category("乳品", slug="dairy-y")
    product = make_product(category=dairy)
    version = Product.objects.get(pk=product.pk).version

    with django_capture_on_commit_callbacks(execute=True):
        category_save(category=dairy)

    assert Product.objects.get(pk=product.pk).version == version
