"""Fixtures for the reviews tests: a shop with one product, buyers with completed orders (through the real
orders services), captured domain events."""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shequ.catalog.testing import make_product
from shequ.orders.testing import make_address, make_shipping, mark_paid, place_order

_waybills = itertools.count(1)


@pytest.fixture
def carrier(db):
    return make_shipping("std", first_fee="8.00", free_over="99.00")


@pytest.fixture
def product(db):
    return make_product("草莓酸奶", skus=[{"list_price": "12.00", "weight_grams": 500, "stock": 200}])


@pytest.fixture
def sku(product):
    return product.skus.get()


def complete_order(user, sku, *, quantity: int = 1, stop_at: str = "completed"):
    """An order of ``sku`` taken through placement, payment, shipping, delivery and confirmation."""
    from shequ.orders.services import order_confirm_receipt, order_mark_delivered, order_ship

    if not user.addresses.exists():
        make_address(user)
    order = place_order(user, lines=[(sku, quantity)])
    if stop_at == "placed":
        return order
    mark_paid(order)
    if stop_at == "paid":
        order.refresh_from_db()
        return order
    order_ship(order=order, carrier_code="std", tracking_no=f"SQ{next(_waybills):010d}")
    order_mark_delivered(order_id=order.pk, delivered_at=timezone.now())
    if stop_at == "delivered":
        order.refresh_from_db()
        return order
    order_confirm_receipt(order=order, actor=user)
    order.refresh_from_db()
    return order


@pytest.fixture
def completed(user, carrier, sku):
    """The default user's completed order of one yoghurt."""
    return complete_order(user, sku)


@pytest.fixture
def item(completed):
    return completed.items.get()


@pytest.fixture
def published(monkeypatch):
    """Domain events published by the reviews and polls services: [(name, payload)]."""
    events: list[tuple[str, dict]] = []

    def record(name, **payload):
        events.append((name, payload))

    for module in ("shequ.reviews.services.reviews", "shequ.reviews.services.qa", "shequ.polls.services"):
        monkeypatch.setattr(f"{module}.publish", record)
    return events


@pytest.fixture
def operator(make_user):
    return make_user(nickname="品牌小美", is_staff=True, is_superuser=True)


def photo(name="show.jpg", *, size=(2400, 1800), fmt="JPEG", exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 120, 40))
    buffer = io.BytesIO()
    extra = {}
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"
        data[0x8825] = {2: (31.0, 14.0, 0.0)}
        extra["exif"] = data.tobytes()
    image.save(buffer, format=fmt, **extra)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def not_an_image(name="fake.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff not really a jpeg <script>", content_type="image/jpeg")


STARS = {"rating": 5, "rating_taste": 5, "rating_value": 4, "rating_packaging": 4}
