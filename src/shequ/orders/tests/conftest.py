"""Shop fixtures for the orders tests: a carrier, products with stock, a buyer with an address."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shequ.catalog.testing import make_product
from shequ.orders.testing import make_address, make_shipping


@pytest.fixture
def carrier(db):
    return make_shipping("std", first_fee="8.00", free_over="99.00")


@pytest.fixture
def product(db):
    """One product, one SKU at ¥10.00, 500 g, 10 in stock."""
    return make_product(skus=[{"list_price": "10.00", "weight_grams": 500, "stock": 10}])


@pytest.fixture
def sku(product):
    return product.skus.get()


@pytest.fixture
def address(user):
    return make_address(user)


@pytest.fixture
def shop(carrier, sku, address):
    """Everything a buyer needs to place an order of ``sku``."""
    return {"carrier": carrier, "sku": sku, "address": address}


@pytest.fixture
def stock_of():
    from shequ.inventory.models import StockLevel

    def read(sku) -> tuple[int, int]:
        level = StockLevel.objects.get(sku=sku)
        return level.on_hand, level.reserved

    return read


@pytest.fixture
def money():
    return lambda value: Decimal(value)
