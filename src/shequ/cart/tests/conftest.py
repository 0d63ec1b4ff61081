import pytest

from shequ.catalog.testing import make_product


@pytest.fixture
def sku(db):
    """¥10.00, 10 in stock."""
    return make_product(skus=[{"list_price": "10.00", "stock": 10}]).skus.get()
