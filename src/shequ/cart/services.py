"""Cart writes: add, change, remove, merge a guest's cart at login, and drop what was just ordered.

Each write locks the cart row first, so two taps on "+" (or two tabs) cannot slip past the line limits.
The number of lines is kept in the cache for the tab bar's badge, so rendering a page costs no query.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.cart.models import Cart, CartItem
from shequ.cart.owner import CartOwner, new_guest_token
from shequ.core.errors import InvalidInput, NotFound
from shequ.orders.conf import orders_setting
from shequ.orders.pricing import SkuOffer, sku_offers

BADGE_SECONDS = 24 * 3600


def user_badge_key(user_id: int) -> str:
    return f"cart:n:u:{user_id}"


def badge_key(owner: CartOwner) -> str | None:
    if owner.user is not None:
        return user_badge_key(owner.user.pk)
    if owner.guest_token:
        return f"cart:n:g:{owner.guest_token}"
    return None


def _remember_count(owner: CartOwner, cart: Cart | None) -> None:
    key = badge_key(owner)
    if key is None:
        return
    count = CartItem.objects.filter(cart=cart).count() if cart is not None else 0
    transaction.on_commit(lambda: cache.set(key, count, BADGE_SECONDS))


def cart_badge_count(*, owner: CartOwner) -> int:
    """Lines in the owner's cart (cached; computed and cached on a miss)."""
    key = badge_key(owner)
    if key is None:
        return 0
    count = cache.get(key)
    if count is None:
        cart = cart_find(owner=owner)
        count = CartItem.objects.filter(cart=cart).count() if cart else 0
        cache.set(key, count, BADGE_SECONDS)
    return int(count)


def cart_find(*, owner: CartOwner) -> Cart | None:
    """The owner's cart if they have one (a guest without a token has none)."""
    if owner.user is not None:
        return Cart.objects.filter(user=owner.user).first()
    if owner.guest_token:
        return Cart.objects.filter(guest_token=owner.guest_token, user__isnull=True).first()
    return None


def _cart_locked(owner: CartOwner, *, create: bool) -> Cart | None:
    """The owner's cart with its row locked (created first when asked). Call inside a transaction."""
    if owner.user is not None:
        lookup = {"user": owner.user}
    elif owner.guest_token:
        lookup = {"guest_token": owner.guest_token, "user__isnull": True}
    else:
        lookup = None
    if lookup is not None:
        cart = Cart.objects.select_for_update().filter(**lookup).first()
        if cart is not None or not create:
            return cart
    if not create:
        return None
    token = None if owner.user is not None else (owner.guest_token or new_guest_token())
    try:
        with transaction.atomic():
            cart = Cart.objects.create(user=owner.user, guest_token=token)
    except IntegrityError:  # created by a concurrent request a moment ago
        cart = Cart.objects.select_for_update().get(**(lookup or {"guest_token": token}))
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _limits() -> tuple[int, int]:
    return int(orders_setting("MAX_QUANTITY_PER_LINE")), int(orders_setting("MAX_CART_LINES"))


def _check_quantity(quantity: int) -> None:
    max_quantity, _lines = _limits()
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= max_quantity:
        raise InvalidInput(
            "quantity_invalid",
            _("Choose a quantity from 1 to %(max)d.") % {"max": max_quantity},
            details={"field": "quantity", "max": max_quantity},
        )


def _offer(sku_id: int) -> SkuOffer:
    offer = sku_offers(sku_ids=[sku_id]).get(sku_id) if isinstance(sku_id, int) and sku_id > 0 else None
    if offer is None:
        raise NotFound("sku_not_found", _("This item does not exist."))
    if not offer.purchasable:
        raise InvalidInput("sku_unavailable", _("This item is not on sale at the moment."), details={"field": "sku_id"})
    return offer


def _check_stock(offer: SkuOffer, quantity: int) -> None:
    if quantity > offer.available:
        if offer.available <= 0:
            message = _("Sorry, this item is out of stock.")
        else:
            message = _("Only %(count)d left in stock.") % {"count": offer.available}
        raise InvalidInput("insufficient_stock", message, details={"field": "quantity", "available": offer.available})


def cart_add_item(*, owner: CartOwner, sku_id: int, quantity: int = 1) -> CartItem:
    """Put ``quantity`` of a SKU in the cart (added to the line if it is there). Creates a guest cart if needed;
    the new cart's token is ``item.cart.guest_token``."""
    _check_quantity(quantity)
    offer = _offer(sku_id)
    max_quantity, max_lines = _limits()
    with transaction.atomic():
        cart = _cart_locked(owner, create=True)
        item = CartItem.objects.filter(cart=cart, sku_id=sku_id).first()
        if item is None:
            if CartItem.objects.filter(cart=cart).count() >= max_lines:
                raise InvalidInput(
                    "cart_full",
                    _("Your cart is full (%(max)d items). Remove something first.") % {"max": max_lines},
                )
            _check_stock(offer, quantity)
            item = CartItem.objects.create(cart=cart, sku_id=sku_id, quantity=quantity, price_when_added=offer.price)
        else:
            total = item.quantity + quantity
            if total > max_quantity:
                raise InvalidInput(
                    "quantity_limit",
                    _("You can buy at most %(max)d of one item.") % {"max": max_quantity},
                    details={"field": "quantity", "max": max_quantity, "in_cart": item.quantity},
                )
            _check_stock(offer, total)
            item.quantity = total
            item.selected = True
            item.save(update_fields=["quantity", "selected", "updated_at"])
        cart.save(update_fields=["updated_at"])
        owner = owner if owner.user is not None else CartOwner(guest_token=cart.guest_token)
        _remember_count(owner, cart)
        track(
            owner.subject,
            "add_to_cart",
            {
                "sku_id": sku_id,
                "product_id": offer.product_id,
                "quantity": quantity,
                "price": offer.price,
                "flash_sale_id": offer.flash.id if offer.flash else None,
            },
        )
    return item


def _item_locked(owner: CartOwner, item_id: int) -> tuple[Cart, CartItem]:
    cart = _cart_locked(owner, create=False)
    item = CartItem.objects.filter(cart=cart, pk=item_id).first() if cart is not None else None
    if item is None:  # someone else's line looks exactly like a line that does not exist
        raise NotFound("cart_item_not_found", _("This item is no longer in your cart."))
    return cart, item


def cart_update_item(
    *, owner: CartOwner, item_id: int, quantity: int | None = None, selected: bool | None = None
) -> CartItem:
    """Change a line's quantity and/or whether it is ticked for checkout."""
    if quantity is not None:
        _check_quantity(quantity)
    with transaction.atomic():
        _cart, item = _item_locked(owner, item_id)
        fields = []
        if quantity is not None and quantity != item.quantity:
            if quantity > item.quantity:
                _check_stock(_offer(item.sku_id), quantity)
            before = item.quantity
            item.quantity = quantity
            fields.append("quantity")
            track(owner.subject, "cart_update", {"sku_id": item.sku_id, "quantity": quantity, "before": before})
        if selected is not None and selected != item.selected:
            item.selected = selected
            fields.append("selected")
        if fields:
            item.save(update_fields=[*fields, "updated_at"])
    return item


def cart_select_all(*, owner: CartOwner, selected: bool) -> int:
    """Tick (or untick) every line for checkout."""
    cart = cart_find(owner=owner)
    if cart is None:
        return 0
    return CartItem.objects.filter(cart=cart).exclude(selected=selected).update(selected=selected)


def cart_remove_item(*, owner: CartOwner, item_id: int) -> None:
    """Take a line out of the cart."""
    with transaction.atomic():
        cart, item = _item_locked(owner, item_id)
        track(owner.subject, "remove_from_cart", {"sku_id": item.sku_id, "quantity": item.quantity})
        item.delete()
        _remember_count(owner, cart)


def cart_merge_guest(*, user, guest_token: str | None) -> Cart | None:
    """Move a guest's cart into the user's at login: quantities of the same SKU add up (within the line limit),
    new SKUs join while there is room; the guest cart is then deleted. Safe to call with a stale token."""
    if not guest_token:
        return None
    max_quantity, max_lines = _limits()
    with transaction.atomic():
        guest = Cart.objects.select_for_update().filter(guest_token=guest_token, user__isnull=True).first()
        if guest is None:
            return None
        cart = _cart_locked(CartOwner(user=user), create=True)
        mine = {item.sku_id: item for item in CartItem.objects.filter(cart=cart)}
        merged = 0
        for line in CartItem.objects.filter(cart=guest).order_by("added_at", "id"):
            existing = mine.get(line.sku_id)
            if existing is not None:
                existing.quantity = min(max_quantity, existing.quantity + line.quantity)
                existing.selected = True
                existing.save(update_fields=["quantity", "selected", "updated_at"])
            elif len(mine) < max_lines:
                mine[line.sku_id] = CartItem.objects.create(
                    cart=cart,
                    sku_id=line.sku_id,
                    quantity=line.quantity,
                    price_when_added=line.price_when_added,
                    selected=line.selected,
                )
            else:
                continue
            merged += 1
        guest.delete()
        _remember_count(CartOwner(user=user), cart)
        transaction.on_commit(lambda: cache.delete(f"cart:n:g:{guest_token}"))
        track(user, "cart_merged", {"lines": merged})
    return cart


def cart_items_remove(*, user, item_ids: list[int]) -> int:
    """Drop lines that were just ordered (called inside order placement's transaction)."""
    if not item_ids:
        return 0
    deleted, _detail = CartItem.objects.filter(cart__user=user, pk__in=item_ids).delete()
    key = badge_key(CartOwner(user=user))
    transaction.on_commit(lambda: cache.delete(key))
    return deleted


def carts_purge_stale(*, days: int = 60) -> int:
    """Delete guest carts nobody touched for ``days`` (periodic)."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(days=days)
    deleted, _detail = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return deleted
