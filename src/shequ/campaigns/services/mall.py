"""The points mall: spend points on a coupon, a product (a free points order) or an activity entry.

One transaction per redemption: the item's row is locked (stock and the person's limit are checked under
it), the redemption row is written, the points are spent (409 ``points_insufficient`` rolls everything
back), then the coupon is granted or the gift order placed. The buyer's idempotency key (a hidden field on
the page, the Idempotency-Key header in the API) makes a double click or a retried request return the first
redemption instead of spending twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.campaigns import points
from shequ.campaigns.models import MallItem, MallItemKind, MallRedemption
from shequ.core.errors import Conflict, InvalidInput, NotFound
from shequ.coupons.services import coupon_grant
from shequ.orders.models import OrderKind
from shequ.orders.services import order_place_gift

KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


@dataclass(frozen=True)
class Redeemed:
    redemption: MallRedemption
    created: bool


def mall_item_get(*, item_id) -> MallItem:
    """An item on sale now (404 otherwise)."""
    try:
        pk = int(item_id)
    except (TypeError, ValueError):
        pk = 0
    now = timezone.now()
    item = MallItem.objects.filter(pk=pk, is_active=True).select_related("coupon_template").first() if pk else None
    if item is None or (item.starts_at and now < item.starts_at) or (item.ends_at and now >= item.ends_at):
        raise NotFound("mall_item_not_found", _("This item is not available."))
    return item


def mall_redeem(*, user, item_id, idempotency_key: str, address_id=None) -> Redeemed:
    """Spend points on a mall item. The same ``idempotency_key`` returns the same redemption."""
    key = (idempotency_key or "").strip()
    if not KEY_RE.match(key):
        raise InvalidInput(
            "idempotency_key_invalid", _("Please reload the page and try again."), details={"field": "idempotency_key"}
        )
    existing = MallRedemption.objects.filter(user=user, idempotency_key=key).first()
    if existing is not None:
        return Redeemed(redemption=existing, created=False)
    item = mall_item_get(item_id=item_id)
    if item.kind == MallItemKind.PRODUCT and not address_id:
        raise InvalidInput("address_required", _("Choose a delivery address."), details={"field": "address_id"})
    try:
        redemption = _redeem(user=user, item=item, key=key, address_id=address_id)
    except IntegrityError:  # the same key raced us and won
        existing = MallRedemption.objects.filter(user=user, idempotency_key=key).first()
        if existing is None:
            raise
        return Redeemed(redemption=existing, created=False)
    track(
        user,
        "mall_redeemed",
        {
            "item_id": item.pk,
            "kind": item.kind,
            "points": item.points_cost,
            "campaign_id": item.campaign_id,
            "order_id": redemption.order_id,
        },
    )
    return Redeemed(redemption=redemption, created=True)


@transaction.atomic
def _redeem(*, user, item: MallItem, key: str, address_id) -> MallRedemption:
    locked = MallItem.objects.select_for_update().get(pk=item.pk)
    if locked.stock < 1:
        raise Conflict("mall_sold_out", _("Sorry, this item is all gone."))
    if locked.per_user_limit is not None:
        mine = MallRedemption.objects.filter(item=locked, user=user).count()
        if mine >= locked.per_user_limit:
            raise Conflict("mall_limit_reached", _("You have redeemed this as often as allowed."))
    redemption = MallRedemption.objects.create(item=locked, user=user, points=locked.points_cost, idempotency_key=key)
    points.spend(
        user_id=user.pk,
        points=locked.points_cost,
        kind="mall",
        reference=f"mall-{user.pk}-{key}",
        note=locked.title[:80],
    )
    MallItem.objects.filter(pk=locked.pk).update(stock=F("stock") - 1)
    if locked.kind == MallItemKind.COUPON:
        issued = coupon_grant(
            template_code=item.coupon_template.code,
            user_id=user.pk,
            source="points",
            reference=f"mall{redemption.pk}",
            strict=True,
        )
        redemption.issued_coupon_id = issued.pk
    elif locked.kind == MallItemKind.PRODUCT:
        placed = order_place_gift(
            user=user,
            sku_id=locked.sku_id,
            address_id=address_id,
            kind=OrderKind.POINTS,
            reference=f"mall{redemption.pk}",
        )
        redemption.order_id = placed.order.pk
    redemption.save(update_fields=["issued_coupon_id", "order_id"])
    return redemption
