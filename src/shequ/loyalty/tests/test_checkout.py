"""Points at checkout (orders' PointsProvider): 100 points = ¥1 up to the orders' max share; placing holds the
points, cancelling gives them back to the same lots, paying spends them. Free shipping for tiers that have it."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from shequ.core.errors import InvalidInput
from shequ.loyalty import selectors, services
from shequ.loyalty.models import LedgerEntry, PointsHold, Tier, UserTier
from shequ.orders.services import CheckoutInput, checkout_quote, order_cancel
from shequ.orders.testing import mark_paid, place_order

pytestmark = pytest.mark.django_db


def test_the_quote_uses_100_points_per_yuan_capped_at_the_share(user, shop):
    services.points_award(user_id=user.pk, points=5000, kind="onboarding", reference="a")

    quote = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, quantity=2, points=5000))

    assert (quote.points_used, quote.totals.points_discount) == (1000, D("10.00"))  # half of ¥20.00 of goods
    assert quote.total == D("18.00")


def test_asking_for_more_points_than_held_uses_what_is_held(user, shop):
    services.points_award(user_id=user.pk, points=250, kind="onboarding", reference="a")

    quote = checkout_quote(
        user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, quantity=2, points=5000), strict=True
    )

    assert (quote.points_used, quote.totals.points_discount) == (250, D("2.50"))


def test_no_points_at_all_is_a_clear_400(user, shop):
    with pytest.raises(InvalidInput) as caught:
        checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, points=100), strict=True)

    assert caught.value.code == "points_unavailable"


def test_placing_holds_and_cancelling_releases_the_points(user, shop, points_state):
    services.points_award(user_id=user.pk, points=3000, kind="onboarding", reference="a")

    order = place_order(user, lines=[(shop["sku"], 2)], points=1500)
    assert order.points_used == 1000
    assert points_state(user.pk) == {"balance": 2000, "ledger": 2000, "lots": 2000, "held": 1000, "debt": 0}

    order_cancel(order=order, actor=user, reason="changed my mind")
    services.points_hold_release(order_id=order.pk)  # released again (a retried cancel): nothing more

    assert points_state(user.pk) == {"balance": 3000, "ledger": 3000, "lots": 3000, "held": 0, "debt": 0}
    assert PointsHold.objects.get(order_id=order.pk).status == "released"


def test_paying_spends_the_held_points(user, shop, points_state):
    services.points_award(user_id=user.pk, points=3000, kind="onboarding", reference="a")
    order = place_order(user, lines=[(shop["sku"], 2)], points=1000)

    mark_paid(order)

    assert points_state(user.pk) == {"balance": 2000, "ledger": 2000, "lots": 2000, "held": 0, "debt": 0}
    spend = LedgerEntry.objects.get(entry_type="spend")
    assert (spend.kind, spend.reference, spend.points) == ("checkout", f"order-{order.pk}", -1000)
    assert selectors.points_summary(user_id=user.pk).held == 0


def test_held_points_cannot_be_spent_twice(user, shop):
    from shequ.core.errors import Conflict

    services.points_award(user_id=user.pk, points=1000, kind="onboarding", reference="a")
    place_order(user, lines=[(shop["sku"], 2)], points=1000)

    with pytest.raises(Conflict):
        services.points_spend(user_id=user.pk, points=1, kind="mall", reference="m")


def test_free_shipping_tier_pays_no_delivery_fee(user, shop, rules):
    regular = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk))
    assert regular.totals.shipping_fee == D("8.00")

    UserTier.objects.create(user=user, tier=Tier.objects.get(code="gold"), computed_at="2025-01-01T00:00Z")
    from django.core.cache import cache

    cache.delete(f"loyalty:tier:{user.pk}")
    member = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk))

    assert member.totals.shipping_fee == D("0.00") and member.total == D("10.00")
