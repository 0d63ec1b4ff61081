"""Demo purchase history: many completed orders from the past year, written in bulk (no stock, payments or
inbox messages — they are long done), so that modules built on past purchases (reviews and buyer shows, Q&A
"bought it" badges) have enough verified purchases to show. Used by the reviews demo seed; the live-looking
recent orders come from ``orders.seed``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from shequ.orders.models import Order, OrderEvent, OrderItem, OrderStatus
from shequ.orders.pricing import sku_offers

RECIPIENTS = ["王小明", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴昊"]
PLACES = [
    ("上海市", "上海市", "徐汇区"),
    ("北京市", "北京市", "朝阳区"),
    ("广东省", "深圳市", "南山区"),
    ("浙江省", "杭州市", "西湖区"),
    ("四川省", "成都市", "武侯区"),
    ("江苏省", "南京市", "鼓楼区"),
]
BATCH = 500


@dataclass(frozen=True)
class PastItem:
    order_item_id: int
    user_id: int
    product_id: int
    sku_id: int
    variant_label: str
    completed_at: datetime


def completed_history_bulk(
    *, rng: random.Random, user_ids: list[int], sku_ids: list[int], orders: int, now: datetime | None = None
) -> list[PastItem]:
    """Write ``orders`` completed orders (1–3 items each) spread over the past year; return their items."""
    now = now or timezone.now()
    offers = list(sku_offers(sku_ids=sku_ids).values())
    if not offers or not user_ids:
        return []
    rows: list[tuple[Order, list[OrderItem], datetime]] = []
    for index in range(orders):
        placed = now - timedelta(days=rng.uniform(12, 365), minutes=rng.randrange(1440))
        completed = placed + timedelta(days=rng.uniform(2, 9))
        lines = []
        for offer in rng.sample(offers, min(len(offers), rng.choice([1, 1, 1, 2, 2, 3]))):
            quantity = rng.choice([1, 1, 1, 2, 3])
            lines.append(
                OrderItem(
                    sku_id=offer.sku_id,
                    product_id=offer.product_id,
                    product_name=offer.product_name,
                    product_name_en=offer.product_name_en,
                    variant_label=offer.variant_label,
                    sku_code=offer.sku_code,
                    image_url=offer.image_url,
                    unit_price=offer.regular_price,
                    list_price=offer.list_price,
                    quantity=quantity,
                    line_total=offer.regular_price * quantity,
                    weight_grams=offer.weight_grams,
                )
            )
        items_total = sum((line.line_total for line in lines), Decimal("0"))
        shipping = Decimal("0") if items_total >= 99 else Decimal("8.00")
        province, city, district = rng.choice(PLACES)
        local = timezone.localtime(placed)
        order = Order(
            number=f"{local:%y%m%d%H%M%S}{(index * 7919 + rng.randrange(1000)) % 1_000_000:06d}",
            user_id=rng.choice(user_ids),
            status=OrderStatus.COMPLETED,
            recipient=rng.choice(RECIPIENTS),
            phone=f"139{rng.randrange(10**8):08d}",
            province=province,
            city=city,
            district=district,
            detail=f"幸福路{rng.randrange(1, 999)}号",
            carrier_code="zto",
            items_total=items_total,
            shipping_fee=shipping,
            total=items_total + shipping,
            paid_at=placed + timedelta(minutes=rng.uniform(1, 20)),
            shipped_at=placed + timedelta(hours=rng.uniform(6, 30)),
            delivered_at=completed - timedelta(hours=rng.uniform(1, 48)),
            completed_at=completed,
            channel="demo-history",
        )
        rows.append((order, lines, placed))
    existing = set(Order.objects.filter(number__in=[o.number for o, _l, _p in rows]).values_list("number", flat=True))
    rows = [(o, lines, placed) for o, lines, placed in rows if o.number not in existing]
    orders_made = Order.objects.bulk_create([o for o, _l, _p in rows], batch_size=BATCH)
    for order, (_o, _lines, placed) in zip(orders_made, rows, strict=True):
        order.created_at = placed
    Order.objects.bulk_update(orders_made, ["created_at"], batch_size=BATCH)
    items: list[OrderItem] = []
    events: list[OrderEvent] = []
    for order, (_o, lines, _placed) in zip(orders_made, rows, strict=True):
        for line in lines:
            line.order_id = order.pk
            items.append(line)
        events.append(OrderEvent(order_id=order.pk, kind="completed", status=OrderStatus.COMPLETED))
    made = OrderItem.objects.bulk_create(items, batch_size=BATCH)
    events = OrderEvent.objects.bulk_create(events, batch_size=BATCH)
    for event, order in zip(events, orders_made, strict=True):
        event.created_at = order.completed_at
    OrderEvent.objects.bulk_update(events, ["created_at"], batch_size=BATCH)
    by_order = {order.pk: order for order in orders_made}
    return [
        PastItem(
            order_item_id=item.pk,
            user_id=by_order[item.order_id].user_id,
            product_id=item.product_id,
            sku_id=item.sku_id,
            variant_label=item.variant_label,
            completed_at=by_order[item.order_id].completed_at,
        )
        for item in made
    ]
