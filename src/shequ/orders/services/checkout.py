"""The checkout quote: what the buyer would pay, itemised, computed on the server from the same inputs the
placement uses. Client-sent prices or totals are never read; ``expected_total`` is only compared.

A quote is "lenient" for the checkout page (a bad coupon or carrier is reported next to its field and the rest
still shows) and "strict" for placement and the API (the first problem is raised as a 4xx).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from shequ.accounts import selectors as account_selectors
from shequ.accounts.access import address_get_for_user
from shequ.cart.models import CartItem
from shequ.cart.owner import CartOwner
from shequ.cart.selectors import line_messages
from shequ.cart.services import cart_find
from shequ.core.errors import DomainError, InvalidInput, NotFound
from shequ.coupons.selectors import wallet_for_checkout
from shequ.coupons.services import CouponLine, coupon_quote, wallet_coupons_quote
from shequ.orders import integrations
from shequ.orders.calculations import Totals, goods_after_coupon, line_total, order_totals, points_cap
from shequ.orders.conf import orders_setting
from shequ.orders.discounts import points_provider, shipping_benefit
from shequ.orders.pricing import SkuOffer, sku_offers

TAX_ID_RE = re.compile(r"^[0-9A-Z]{15,20}$")


@dataclass(frozen=True)
class CheckoutInput:
    """What the buyer chose. Either cart lines (``item_ids``; None = the cart's ticked lines) or "buy now"."""

    item_ids: tuple[int, ...] | None = None
    sku_id: int | None = None
    quantity: int = 1
    address_id: int | None = None
    carrier_code: str = ""
    coupon_code: str = ""
    points: int = 0
    invoice: dict | None = None
    note: str = ""
    issued_coupon_ids: tuple[int, ...] = ()  # wallet coupons (coupons' IssuedCoupon ids)

    @property
    def buy_now(self) -> bool:
        return self.sku_id is not None


@dataclass
class QuoteLine:
    sku_id: int
    cart_item_id: int | None
    offer: SkuOffer | None
    quantity: int
    unit_price: Decimal
    was_price: Decimal
    line_total: Decimal
    flash_sale_id: int | None
    unavailable: bool = False
    insufficient_stock: bool = False
    price_changed: bool = False
    flash_limit_exceeded: bool = False
    messages: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.unavailable or self.insufficient_stock or self.flash_limit_exceeded

    @property
    def weight_grams(self) -> int:
        return (self.offer.weight_grams if self.offer else 0) * self.quantity


@dataclass
class Quote:
    lines: list[QuoteLine]
    address: object | None
    delivery_options: list
    carrier_code: str
    coupon: object | None
    coupon_error: DomainError | None
    points_used: int
    points_error: DomainError | None
    totals: Totals
    invoice: dict
    note: str
    problems: list[str] = field(default_factory=list)
    wallet_coupons: list = field(default_factory=list)  # coupons' WalletQuote: (issued coupon, discount)
    wallet_error: DomainError | None = None

    @property
    def placeable(self) -> bool:
        return not self.problems

    @property
    def weight_grams(self) -> int:
        return sum(line.weight_grams for line in self.lines)

    @property
    def has_flash_sale(self) -> bool:
        return any(line.flash_sale_id for line in self.lines)

    @property
    def total(self) -> Decimal:
        return self.totals.total


def _check_quantity(quantity) -> int:
    limit = int(orders_setting("MAX_QUANTITY_PER_LINE"))
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= limit:
        raise InvalidInput(
            "quantity_invalid",
            _("Choose a quantity from 1 to %(max)d.") % {"max": limit},
            details={"field": "quantity", "max": limit},
        )
    return quantity


def clean_invoice(invoice: dict | None) -> dict:
    """Optional invoice details: personal (a title) or company (title + tax id); {} for none."""
    if not invoice or not invoice.get("type"):
        return {}
    kind = str(invoice.get("type"))
    title = str(invoice.get("title") or "").strip()
    if kind not in ("personal", "company") or not 1 <= len(title) <= 100 or "<" in title:
        raise InvalidInput(
            "invoice_invalid", _("Enter the invoice title (up to 100 characters)."), details={"field": "invoice"}
        )
    clean = {"type": kind, "title": title}
    if kind == "company":
        tax_id = re.sub(r"\s+", "", str(invoice.get("tax_id") or "")).upper()
        if not TAX_ID_RE.match(tax_id):
            raise InvalidInput(
                "invoice_tax_id_invalid",
                _("A company tax id is 15–20 letters and digits."),
                details={"field": "invoice_tax_id"},
            )
        clean["tax_id"] = tax_id
    return clean


def clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > 200:
        raise InvalidInput("note_too_long", _("The note can be at most 200 characters."), details={"field": "note"})
    return note


def _source_lines(*, user, checkout: CheckoutInput) -> list[tuple[int, int, int | None, Decimal | None]]:
    """(sku_id, quantity, cart item id, price when added) for what is being bought."""
    if checkout.buy_now:
        if not isinstance(checkout.sku_id, int) or checkout.sku_id <= 0:
            raise NotFound("sku_not_found", _("This item does not exist."))
        return [(checkout.sku_id, _check_quantity(checkout.quantity), None, None)]
    cart = cart_find(owner=CartOwner(user=user))
    items = CartItem.objects.filter(cart=cart) if cart is not None else CartItem.objects.none()
    if checkout.item_ids is None:
        chosen = list(items.filter(selected=True).order_by("-added_at", "-id"))
    else:
        wanted = {int(i) for i in checkout.item_ids}
        chosen = list(items.filter(pk__in=wanted)) if wanted else []
        if len(chosen) != len(wanted):  # stale ids, or someone else's lines
            raise NotFound("cart_item_not_found", _("Some items are no longer in your cart. Please refresh."))
        chosen.sort(key=lambda item: (item.added_at, item.pk), reverse=True)
    return [(item.sku_id, item.quantity, item.pk, item.price_when_added) for item in chosen]


def _quote_lines(*, user, checkout: CheckoutInput) -> list[QuoteLine]:
    source = _source_lines(user=user, checkout=checkout)
    offers = sku_offers(sku_ids=[sku_id for sku_id, *_rest in source], user=user)
    lines = []
    for sku_id, quantity, item_id, was in source:
        offer = offers.get(sku_id)
        if offer is None and checkout.buy_now:
            raise NotFound("sku_not_found", _("This item does not exist."))
        was_price = was if was is not None else (offer.price if offer else Decimal(0))
        unavailable, insufficient, changed, messages = line_messages(
            offer=offer, quantity=quantity, was_price=was_price
        )
        unit = offer.price if offer else was_price
        line = QuoteLine(
            sku_id=sku_id,
            cart_item_id=item_id,
            offer=offer,
            quantity=quantity,
            unit_price=unit,
            was_price=was_price,
            line_total=line_total(unit, quantity),
            flash_sale_id=offer.flash.id if offer and offer.flash else None,
            unavailable=unavailable,
            insufficient_stock=insufficient,
            price_changed=changed,
            messages=messages,
        )
        if offer is not None and offer.flash and not unavailable:
            flash = offer.flash
            left_for_me = max(0, flash.per_user_limit - flash.bought)
            if quantity > left_for_me:
                line.flash_limit_exceeded = True
                line.messages.append(
                    _t("Flash sale: at most %(limit)d per person (%(left)d left for you).")
                    % {"limit": flash.per_user_limit, "left": left_for_me}
                )
            elif flash.allotment_left is not None and quantity > flash.allotment_left:
                line.insufficient_stock = True
                line.messages.append(_t("The flash sale is sold out."))
        lines.append(line)
    return lines


def checkout_quote(*, user, checkout: CheckoutInput, strict: bool = False) -> Quote:
    """Price what the buyer chose: lines at today's prices with what changed, delivery, coupon, points, total.

    ``strict``: raise the first input problem (coupon, carrier, points, invoice) instead of reporting it.
    Someone else's address or cart line ids are 404 either way.
    """
    invoice = clean_invoice(checkout.invoice)
    note = clean_note(checkout.note)
    lines = _quote_lines(user=user, checkout=checkout)
    problems: list[str] = []
    if not lines:
        problems.append(_t("Choose something to buy first."))
    if any(line.blocked for line in lines):
        problems.append(_t("Some items cannot be bought as they are: see the notes next to them."))

    if checkout.address_id:
        address = address_get_for_user(user=user, address_id=checkout.address_id)
    else:
        address = account_selectors.address_for_checkout(user=user)
    if address is None:
        problems.append(_t("Add a delivery address."))

    items_total = order_totals(
        line_totals=[line.line_total for line in lines], coupon_discount=0, shipping_fee=0, points_discount=0
    ).items_total

    coupon, coupon_discount, coupon_error = None, Decimal(0), None
    if checkout.coupon_code.strip():
        try:
            coupon_quoted = coupon_quote(code=checkout.coupon_code, user=user, items_total=items_total)
        except DomainError as exc:
            if strict:
                raise
            coupon_error = exc
        else:
            coupon, coupon_discount = coupon_quoted.coupon, coupon_quoted.discount

    wallet, wallet_error = [], None
    if checkout.issued_coupon_ids:
        try:
            wallet = wallet_coupons_quote(
                user=user,
                issued_ids=checkout.issued_coupon_ids,
                lines=[
                    CouponLine(product_id=line.offer.product_id, line_total=line.line_total)
                    for line in lines
                    if line.offer
                ],
                items_total=items_total,
                code_coupon=coupon,
                code_discount=coupon_discount,
            )
        except DomainError as exc:
            if strict:
                raise
            wallet_error = exc
        coupon_discount += sum((quoted.discount for quoted in wallet), Decimal(0))

    options, carrier_code, shipping_fee = [], "", Decimal(0)
    if address is not None and lines:
        try:
            options = integrations.delivery_options(
                province=address.province,
                weight_grams=sum(line.weight_grams for line in lines),
                items_total=goods_after_coupon(items_total, coupon_discount),
            )
        except DomainError:
            options = []
        chosen = next((o for o in options if o.carrier_code == checkout.carrier_code), None)
        if checkout.carrier_code and chosen is None and strict:
            raise InvalidInput(
                "carrier_unavailable",
                _("This delivery option is not available for your address."),
                details={"field": "carrier_code"},
            )
        chosen = chosen or (options[0] if options else None)
        if chosen is None:
            problems.append(_t("Sorry, we cannot deliver to this address yet."))
        else:
            carrier_code, shipping_fee = chosen.carrier_code, chosen.fee
            if shipping_fee and shipping_benefit().free_shipping(user=user):
                shipping_fee = Decimal(0)

    points_used, points_money, points_error = 0, Decimal(0), None
    if checkout.points:
        if not isinstance(checkout.points, int) or checkout.points < 0:
            raise InvalidInput("points_invalid", _("Points must be a whole number."), details={"field": "points"})
        cap = points_cap(
            items_total=items_total,
            coupon_discount=coupon_discount,
            max_share=Decimal(str(orders_setting("POINTS_MAX_SHARE"))),
        )
        try:
            quoted = points_provider().quote(user=user, points=checkout.points, cap=cap)
        except DomainError as exc:
            if strict:
                raise
            points_error = exc
        else:
            points_used, points_money = quoted.points_used, quoted.discount

    totals = order_totals(
        line_totals=[line.line_total for line in lines],
        coupon_discount=coupon_discount,
        shipping_fee=shipping_fee,
        points_discount=points_money,
    )
    return Quote(
        lines=lines,
        address=address,
        delivery_options=options,
        carrier_code=carrier_code,
        coupon=coupon,
        coupon_error=coupon_error,
        points_used=points_used,
        points_error=points_error,
        totals=totals,
        invoice=invoice,
        note=note,
        problems=problems,
        wallet_coupons=wallet,
        wallet_error=wallet_error,
    )


def quote_as_dict(quote: Quote) -> dict:
    """The quote as JSON-ready data (the API's answer, and the details of a quote_changed conflict)."""
    return {
        "lines": [
            {
                "sku_id": line.sku_id,
                "cart_item_id": line.cart_item_id,
                "name": line.offer.name if line.offer else "",
                "variant": line.offer.variant if line.offer else "",
                "image_url": line.offer.image_url if line.offer else "",
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "was_price": str(line.was_price),
                "list_price": str(line.offer.list_price) if line.offer else str(line.unit_price),
                "line_total": str(line.line_total),
                "flash_sale_id": line.flash_sale_id,
                "price_changed": line.price_changed,
                "insufficient_stock": line.insufficient_stock,
                "unavailable": line.unavailable,
                "flash_limit_exceeded": line.flash_limit_exceeded,
                "available": line.offer.available if line.offer else 0,
                "messages": [str(m) for m in line.messages],
            }
            for line in quote.lines
        ],
        "address_id": quote.address.pk if quote.address is not None else None,
        "delivery_options": [
            {
                "carrier_code": o.carrier_code,
                "name": o.name,
                "fee": str(o.fee),
                "free": o.free,
                "delivery_days": o.delivery_days,
            }
            for o in quote.delivery_options
        ],
        "carrier_code": quote.carrier_code,
        "coupon_code": quote.coupon.code if quote.coupon is not None else "",
        "issued_coupon_ids": [quoted.issued.pk for quoted in quote.wallet_coupons],
        "points_used": quote.points_used,
        "items_total": str(quote.totals.items_total),
        "shipping_fee": str(quote.totals.shipping_fee),
        "coupon_discount": str(quote.totals.coupon_discount),
        "points_discount": str(quote.totals.points_discount),
        "total": str(quote.totals.total),
        "placeable": quote.placeable,
        "problems": [str(p) for p in quote.problems],
    }


@dataclass
class CheckoutPage:
    quote: Quote
    addresses: list
    points_balance: int
    wallet_coupons: list = field(default_factory=list)  # my wallet coupons to choose from


def checkout_page(*, user, checkout: CheckoutInput) -> CheckoutPage:
    """What the checkout page shows: the lenient quote, the address book to pick from, the points balance."""
    return CheckoutPage(
        quote=checkout_quote(user=user, checkout=checkout),
        addresses=list(account_selectors.address_list(user=user)),
        points_balance=points_provider().balance(user=user),
        wallet_coupons=wallet_for_checkout(user=user),
    )
