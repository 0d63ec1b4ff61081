"""Demo after-sales requests on recently delivered demo orders, in every state an operator meets in the queue.

Requests are opened and moved through the after-sales services themselves (so timelines, stock returns,
replacement shipments and inbox messages are real), then dated back to just after the delivery. Refunds are
left to the operator in the demo: the demo orders were marked paid without a payment-provider trade.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from shequ.aftersales.models import AfterSaleEvent, AfterSaleRequest
from shequ.core.errors import DomainError
from shequ.core.seeding import SeedContext

# (kind, reason, what the buyer wrote)
SCENARIOS = [
    ("return", "damaged", "快递盒被压扁了，两瓶牛奶漏了，附图。"),
    ("exchange", "wrong_item", "下单的是原味，收到的是草莓味，麻烦换一下。"),
    ("refund_only", "missing", "少发了一包，外包装完好。"),
    ("return", "expired", "收到时离保质期只剩 3 天。"),
    ("return", "changed_mind", "买多了，未拆封，想退一件。"),
    ("refund_only", "quality", "口感发酸，怀疑变质。"),
    ("exchange", "damaged", "瓶盖松了，有渗漏。"),
    ("return", "not_as_described", "和详情页写的规格不一样。"),
]
# How far each request gets: the share of requests left at each step.
PROGRESS = (
    ["requested"] * 4 + ["approved"] * 3 + ["sent_back"] * 2 + ["received"] * 2 + ["rejected", "withdrawn", "exchanged"]
)


def _advance(aftersale: AfterSaleRequest, step: str, rng: random.Random) -> None:
    from shequ.aftersales.services import buyer, handling

    if step == "requested":
        return
    if step == "withdrawn":
        buyer.aftersale_withdraw(aftersale=aftersale, user=aftersale.user)
        return
    if step == "rejected":
        handling.aftersale_reject(
            aftersale=aftersale, actor=None, note="商品已拆封使用，影响二次销售，不符合退货条件。"
        )
        return
    handling.aftersale_approve(aftersale=aftersale, actor=None, note="已核实，同意处理。")
    if step == "approved" or aftersale.kind == "refund_only":
        return
    carrier = rng.choice(["zto", "yto", "sf"])
    buyer.aftersale_return_shipment_set(
        aftersale=aftersale, user=aftersale.user, carrier_code=carrier, tracking_no=f"RT{rng.randrange(10**10, 10**11)}"
    )
    if step == "sent_back":
        return
    handling.aftersale_goods_received(aftersale=aftersale, actor=None, sellable=rng.random() < 0.6, note="已入库检验。")
    if step == "exchanged" and aftersale.kind == "exchange":
        handling.aftersale_mark_exchanged(
            aftersale=aftersale, actor=None, carrier_code="sf", tracking_no=f"SF{rng.randrange(10**11, 10**12)}"
        )


def _backdate(aftersale: AfterSaleRequest, delivered_at, rng: random.Random) -> None:
    now = timezone.now()
    at = min(now - timedelta(minutes=30), delivered_at + timedelta(hours=rng.uniform(3, 72)))
    AfterSaleRequest.objects.filter(pk=aftersale.pk).update(created_at=at)
    for event in AfterSaleEvent.objects.filter(request=aftersale).order_by("id"):
        AfterSaleEvent.objects.filter(pk=event.pk).update(created_at=at)
        at = min(now, at + timedelta(hours=rng.uniform(1, 30)))


def seed_aftersales(ctx: SeedContext) -> dict:
    """Seeder ``aftersales.demo``: about 16 requests at scale 1."""
    from shequ.aftersales.services.buyer import aftersale_create
    from shequ.orders.models import Order

    rng = random.Random(ctx.rng.randrange(1 << 32))
    since = timezone.now() - timedelta(days=14)
    candidates = list(
        Order.objects.filter(status__in=("delivered", "completed"), delivered_at__gte=since)
        .select_related("user")
        .order_by("id")
    )
    rng.shuffle(candidates)
    made = 0
    for order in candidates[: ctx.count(16)]:
        kind, reason, text = rng.choice(SCENARIOS)
        item = order.items.order_by("id").first()
        try:
            aftersale = aftersale_create(
                user=order.user,
                order_number=order.number,
                kind=kind,
                reason=reason,
                description=text,
                items=[(item.pk, 1)],
            )
            _advance(aftersale, rng.choice(PROGRESS), rng)
        except DomainError as exc:  # an order the rules do not allow: skip it, the demo has plenty
            ctx.log(f"    skipped order {order.number}: {exc.code}")
            continue
        _backdate(aftersale, order.delivered_at, rng)
        made += 1
    return {"requests": made}
