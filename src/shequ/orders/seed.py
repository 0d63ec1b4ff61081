"""Demo orders: a few hundred orders by the demo consumers over the last six weeks, in every state, with a few
coupons and a running flash sale — placed, paid, shipped, delivered, confirmed, cancelled and refunded through
the orders services themselves (paid directly with provider "sandbox", never through a payment provider), so
stock reservations, coupon uses, timelines and inbox messages are all real. Times are then moved back so the
history spreads over the weeks (placement always happens "now")."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shequ.accounts.selectors import consumer_ids
from shequ.core.errors import DomainError
from shequ.core.seeding import SeedContext
from shequ.coupons.models import Coupon
from shequ.coupons.services import coupon_save
from shequ.notifications.models import Notification
from shequ.orders.models import FlashSale, Order, OrderEvent
from shequ.orders.pricing import purchasable_sku_ids

COUPONS = [
    {
        "code": "WELCOME10",
        "name": "新人立减10元",
        "name_en": "¥10 off your first order",
        "kind": "fixed",
        "amount": Decimal("10"),
        "min_spend": Decimal("59"),
        "per_user_limit": 1,
    },
    {
        "code": "MILK15",
        "name": "乳品85折",
        "name_en": "15% off dairy",
        "kind": "percent",
        "percent": 15,
        "max_discount": Decimal("30"),
        "per_user_limit": 3,
    },
    {
        "code": "MJ200",
        "name": "满200减30",
        "name_en": "¥30 off ¥200",
        "kind": "threshold",
        "amount": Decimal("30"),
        "min_spend": Decimal("200"),
        "per_user_limit": 5,
    },
]
# Share of orders ending in each state.
OUTCOMES = [
    ("completed", 45),
    ("delivered", 10),
    ("shipped", 10),
    ("paid", 10),
    ("pending_payment", 6),
    ("cancelled", 12),
    ("timeout", 3),
    ("refunded", 4),
]
CANCEL_REASONS = ["买错了", "不想要了", "地址填错了", "重复下单", ""]


def _coupons() -> list[Coupon]:
    made = []
    for spec in COUPONS:
        existing = Coupon.objects.filter(code=spec["code"]).first()
        made.append(existing or coupon_save(coupon=Coupon(**spec)))
    return made


def _flash_sale(sku_ids: list[int], rng: random.Random) -> FlashSale | None:
    from shequ.orders.pricing import sku_offers

    if not sku_ids:
        return None
    offer = sku_offers(sku_ids=[rng.choice(sku_ids)])
    if not offer:
        return None
    offer = next(iter(offer.values()))
    now = timezone.now()
    return FlashSale.objects.create(
        sku_id=offer.sku_id,
        title="限时秒杀",
        price=(offer.regular_price * Decimal("0.5")).quantize(Decimal("0.1")),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
        per_user_limit=1,
        allotment=min(50, max(1, offer.available // 2)),
    )


def _advance(order: Order, outcome: str, *, rng: random.Random, user) -> None:
    from shequ.orders.services import (
        order_apply_refund,
        order_cancel,
        order_confirm_receipt,
        order_mark_delivered,
        order_mark_paid,
        order_refund_requested,
        order_ship,
        orders_cancel_overdue,
    )

    now = timezone.now()
    if outcome == "pending_payment":
        return
    if outcome == "cancelled":
        order_cancel(order=order, actor=user, reason=rng.choice(CANCEL_REASONS))
        return
    if outcome == "timeout":
        Order.objects.filter(pk=order.pk).update(payment_deadline=now - timedelta(seconds=1))
        orders_cancel_overdue(now=now)
        return
    paid_through_sandbox = _pay_in_sandbox(order, user)
    if not paid_through_sandbox:
        order_mark_paid(
            order_id=order.pk, amount=order.total, provider="sandbox", paid_at=now, payment_ref=f"SEED{order.pk}"
        )
    if outcome == "paid":
        return
    order_ship(order=order, carrier_code=order.carrier_code, tracking_no=f"SQ{rng.randrange(10**11, 10**12)}")
    if outcome == "shipped":
        return
    order_mark_delivered(order_id=order.pk, delivered_at=now)
    if outcome == "delivered":
        return
    if outcome == "refunded":
        order_refund_requested(order_id=order.pk, reference=f"SEED-AS{order.pk}")
        if paid_through_sandbox:
            from shequ.payments.services import payment_refund

            order.refresh_from_db()
            payment_refund(order=order, amount=order.total, reason="demo", reference=f"SEED-RF{order.pk}")
        else:
            order_apply_refund(order_id=order.pk, amount=order.total, items=None, reference=f"SEED-RF{order.pk}")
        return
    order_confirm_receipt(order=order, actor=user)


def _backdate(order_id: int, outcome: str, rng: random.Random) -> None:
    """Spread the history: each step followed the one before by minutes (payment) or hours (parcels), and the
    whole timeline is moved back so that its last step lies in the past."""
    if outcome == "pending_payment":
        return
    events = list(OrderEvent.objects.filter(order_id=order_id).order_by("created_at", "id"))
    offsets, step = [], timedelta()
    for event in events:
        if event.kind in ("shipped", "delivered", "completed", "refunded"):
            step += timedelta(hours=rng.uniform(8, 60))
        elif event.kind != "placed":
            step += timedelta(minutes=rng.uniform(1, 20))
        offsets.append(step)
    shift = step + timedelta(days=rng.uniform(0.2, 40), minutes=rng.randrange(1440))
    Order.objects.filter(pk=order_id).update(
        created_at=F("created_at") - shift,
        payment_deadline=F("payment_deadline") - shift,
        updated_at=F("updated_at") - shift + step,
    )
    stamps = {
        "paid": "paid_at",
        "shipped": "shipped_at",
        "delivered": "delivered_at",
        "completed": "completed_at",
        "cancelled": "cancelled_at",
        "timeout": "cancelled_at",
    }
    number = Order.objects.filter(pk=order_id).values_list("number", flat=True).get()
    old_news = timezone.now() - timedelta(days=3)
    for event, offset in zip(events, offsets, strict=True):
        at = event.created_at - shift + offset
        OrderEvent.objects.filter(pk=event.pk).update(created_at=at)
        if event.kind in stamps:
            Order.objects.filter(pk=order_id).update(**{stamps[event.kind]: at})
        # The buyer's inbox message about this step, at the step's time (and read, when it is old news).
        Notification.objects.filter(
            user__orders__pk=order_id, kind=f"order_{event.kind}", data__order_number=number
        ).update(created_at=at, updated_at=at, read_at=at if at < old_news else None)
    Order.objects.filter(pk=order_id, auto_confirm_at__isnull=False).update(
        auto_confirm_at=F("delivered_at") + timedelta(days=7)
    )


def _empty_cart(user) -> None:
    from shequ.cart.owner import CartOwner
    from shequ.cart.services import cart_find

    cart = cart_find(owner=CartOwner(user=user))
    if cart is not None:
        cart.items.all().delete()


def _place_one(*, user, lines: list[int], coupon: str, rng: random.Random):
    from shequ.cart.owner import CartOwner
    from shequ.cart.services import cart_add_item
    from shequ.orders.services import CheckoutInput, order_place

    _empty_cart(user)
    owner = CartOwner(user=user)
    for sku_id in lines:
        cart_add_item(owner=owner, sku_id=sku_id, quantity=rng.choice([1, 1, 1, 2, 3]))
    try:
        return order_place(user=user, checkout=CheckoutInput(coupon_code=coupon))
    except DomainError:
        return order_place(user=user, checkout=CheckoutInput())


def seed_orders(ctx: SeedContext) -> dict:
    """Seeder ``orders.demo``: about 300 orders at scale 1, plus demo coupons and a running flash sale."""
    from shequ.accounts.models import User

    rng = random.Random(ctx.rng.randrange(1 << 32))
    coupons = _coupons()
    user_ids = list(ctx.shared.get("user_ids") or consumer_ids(limit=2000))
    sku_ids = list(ctx.shared.get("sku_ids") or []) or purchasable_sku_ids()
    buyable = set(purchasable_sku_ids(limit=len(sku_ids) + 10_000))
    sku_ids = [pk for pk in sku_ids if pk in buyable]
    if not user_ids or not sku_ids:
        ctx.log("    no consumers or products to order: skipped")
        return {"orders": 0}
    flash = _flash_sale(sku_ids, rng)
    buyers = list(
        User.objects.filter(pk__in=rng.sample(user_ids, min(len(user_ids), 120)), addresses__isnull=False).distinct()
    )
    outcomes, weights = zip(*OUTCOMES, strict=True)
    counts: dict[str, int] = {}
    target = ctx.count(300)
    attempts = 0
    while sum(counts.values()) < target and attempts < target * 3 and buyers:
        attempts += 1
        user = rng.choice(buyers)
        outcome = rng.choices(outcomes, weights=weights)[0]
        lines = rng.sample(sku_ids, rng.choice([1, 1, 1, 2, 2, 3]))
        coupon = rng.choice(coupons).code if rng.random() < 0.25 else ""
        try:
            # One transaction per demo order: a handful of commits instead of dozens (SQLite syncs each).
            with transaction.atomic():
                placed = _place_one(user=user, lines=lines, coupon=coupon, rng=rng)
                _advance(placed.order, outcome, rng=rng, user=user)
                _backdate(placed.order.pk, outcome, rng)
        except DomainError:
            _empty_cart(user)
            continue
        counts[outcome] = counts.get(outcome, 0) + 1
    ctx.shared["order_count"] = sum(counts.values())
    return {"orders": sum(counts.values()), "coupons": len(coupons), "flash_sale": bool(flash), **counts}


def _pay_in_sandbox(order: Order, user) -> bool:
    """Pay through the sandbox provider when it is on, so demo orders have real Payment rows (and can be
    refunded through after-sales like any other); otherwise mark them paid directly."""
    from shequ.core.errors import DomainError
    from shequ.payments.services import payment_sandbox_complete, payment_start

    try:
        start = payment_start(order=order, provider="sandbox", return_url="/")
        payment_sandbox_complete(user=user, out_trade_no=start.payment.out_trade_no, succeed=True)
    except DomainError:
        return False
    return True
