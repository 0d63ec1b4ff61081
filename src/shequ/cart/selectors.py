"""Reads of the cart: each line with today's price and stock next to what the buyer saw when adding it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from shequ.cart.models import Cart, CartItem
from shequ.cart.owner import CartOwner
from shequ.cart.services import cart_find
from shequ.orders.calculations import line_total, money
from shequ.orders.pricing import SkuOffer, sku_offers


@dataclass
class CartLine:
    item: CartItem
    offer: SkuOffer | None
    unit_price: Decimal
    was_price: Decimal
    line_total: Decimal
    available: int
    unavailable: bool
    insufficient_stock: bool
    price_changed: bool
    messages: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.item.pk

    @property
    def quantity(self) -> int:
        return self.item.quantity

    @property
    def selected(self) -> bool:
        return self.item.selected

    @property
    def can_buy(self) -> bool:
        return not (self.unavailable or self.insufficient_stock)


@dataclass
class CartView:
    cart: Cart | None
    lines: list[CartLine]

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def selected_lines(self) -> list[CartLine]:
        return [line for line in self.lines if line.selected and line.can_buy]

    @property
    def selected_total(self) -> Decimal:
        return money(sum((line.line_total for line in self.selected_lines), Decimal(0)))

    @property
    def selected_count(self) -> int:
        return sum(line.quantity for line in self.selected_lines)

    @property
    def has_problems(self) -> bool:
        return any(line.messages for line in self.lines)

    @property
    def all_selected(self) -> bool:
        return bool(self.lines) and all(line.selected for line in self.lines)


def line_messages(*, offer: SkuOffer | None, quantity: int, was_price: Decimal) -> tuple[bool, bool, bool, list[str]]:
    """(unavailable, insufficient_stock, price_changed, messages) for a line the buyer wants to buy."""
    messages = []
    unavailable = offer is None or not offer.purchasable
    insufficient = False
    changed = False
    if unavailable:
        messages.append(_("This item is no longer on sale."))
    else:
        if offer.available <= 0:
            insufficient = True
            messages.append(_("Out of stock."))
        elif quantity > offer.available:
            insufficient = True
            messages.append(_("Only %(count)d left: lower the quantity to buy it.") % {"count": offer.available})
        if offer.price != was_price:
            changed = True
            if offer.price < was_price:
                messages.append(
                    _("Price dropped from ¥%(was)s to ¥%(now)s.") % {"was": money(was_price), "now": offer.price}
                )
            else:
                messages.append(
                    _("Price went up from ¥%(was)s to ¥%(now)s.") % {"was": money(was_price), "now": offer.price}
                )
    return unavailable, insufficient, changed, messages


def cart_detail(*, owner: CartOwner) -> CartView:
    """The owner's cart with every line priced now (a fixed number of queries, however many lines)."""
    cart = cart_find(owner=owner)
    if cart is None:
        return CartView(cart=None, lines=[])
    items = list(CartItem.objects.filter(cart=cart).order_by("-added_at", "-id"))
    offers = sku_offers(sku_ids=[item.sku_id for item in items])
    lines = []
    for item in items:
        offer = offers.get(item.sku_id)
        unavailable, insufficient, changed, messages = line_messages(
            offer=offer, quantity=item.quantity, was_price=item.price_when_added
        )
        unit = offer.price if offer else item.price_when_added
        lines.append(
            CartLine(
                item=item,
                offer=offer,
                unit_price=unit,
                was_price=item.price_when_added,
                line_total=line_total(unit, item.quantity),
                available=offer.available if offer else 0,
                unavailable=unavailable,
                insufficient_stock=insufficient,
                price_changed=changed,
                messages=messages,
            )
        )
    return CartView(cart=cart, lines=lines)
