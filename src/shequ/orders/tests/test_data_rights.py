"""Download my data / delete my account: orders are exported; on deletion they stay (accounting) without the
delivery address, and the cart and inbox go."""

import pytest

from shequ.cart.models import Cart
from shequ.notifications.models import Notification
from shequ.orders.data_rights import erase_orders, export_orders
from shequ.orders.models import Order
from shequ.orders.testing import place_order

pytestmark = pytest.mark.django_db


def test_export_and_erase(user, shop):
    from shequ.cart.owner import CartOwner
    from shequ.cart.services import cart_add_item

    order = place_order(user, lines=[(shop["sku"], 1)])
    cart_add_item(owner=CartOwner(user=user), sku_id=shop["sku"].pk)

    exported = export_orders(user)
    assert [o["number"] for o in exported["orders"]] == [order.number]
    assert exported["orders"][0]["address"]["recipient"] == "王小明"
    assert exported["cart"][0]["sku_id"] == shop["sku"].pk
    assert exported["inbox"]

    erase_orders(user)

    kept = Order.objects.get(pk=order.pk)
    assert (kept.recipient, kept.phone, kept.detail, kept.total) == ("—", "", "—", order.total)
    assert not Cart.objects.filter(user=user).exists()
    assert not Notification.objects.filter(user=user).exists()


def test_registered_with_the_data_rights_registry():
    from shequ.core.personal_data import handlers

    assert "orders" in {handler.section for handler in handlers()}
