"""Orders: what was bought, for how much, sent where, and everything that happened to it since.

An order copies what it needs at purchase time (product names, prices, the delivery address — encrypted)
so later catalog or address-book changes never rewrite history. Status changes only along the state
machine in ``orders/state.py``; every change appends an OrderEvent, which is the timeline the buyer sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.core.fields import EncryptedTextField

MONEY = {"max_digits": 12, "decimal_places": 2}


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDING = "refunding", _("Refund in progress")
    REFUNDED = "refunded", _("Refunded")


class OrderKind(models.TextChoices):
    NORMAL = "normal", _("Normal")
    FLASH_SALE = "flash_sale", _("Flash sale")
    POINTS = "points", _("Points redemption")
    TRIAL = "trial", _("Free trial")


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=24, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("buyer")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OrderKind.choices, default=OrderKind.NORMAL)
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    # Delivery address, copied from the address book and encrypted like it.
    recipient = EncryptedTextField(_("recipient"))
    phone = EncryptedTextField(_("phone"))
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("city"), max_length=32)
    district = models.CharField(_("district"), max_length=32)
    detail = EncryptedTextField(_("street address"))
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    carrier_code = models.CharField(_("delivery option"), max_length=32)
    # Money, all computed on the server.
    items_total = models.DecimalField(_("items"), **MONEY)
    shipping_fee = models.DecimalField(_("shipping"), **MONEY, default=0)
    coupon_discount = models.DecimalField(_("coupon discount"), **MONEY, default=0)
    points_discount = models.DecimalField(_("points discount"), **MONEY, default=0)
    points_used = models.PositiveIntegerField(_("points used"), default=0)
    total = models.DecimalField(_("amount payable"), **MONEY)
    refunded_total = models.DecimalField(_("refunded"), **MONEY, default=0)
    coupon_code = models.CharField(_("coupon"), max_length=32, blank=True)
    invoice = models.JSONField(_("invoice details"), default=dict, blank=True)
    note = models.CharField(_("buyer's note"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=32, blank=True)
    utm_campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    payment_deadline = models.DateTimeField(_("pay by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    auto_confirm_at = models.DateTimeField(_("auto-confirm at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="orders_order_user_recent"),
            models.Index(fields=["status", "payment_deadline"], name="orders_order_unpaid_due"),
            models.Index(fields=["status", "auto_confirm_at"], name="orders_order_confirm_due"),
            models.Index(fields=["status", "-created_at"], name="orders_order_status_recent"),
            models.Index(fields=["created_at"], name="orders_order_created"),
            models.Index(fields=["paid_at"], name="orders_order_paid"),
            models.Index(fields=["utm_campaign"], name="orders_order_campaign"),  # campaign reports
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="orders_total_nonneg"),
            models.CheckConstraint(condition=Q(refunded_total__lte=models.F("total")), name="orders_refund_le_total"),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], condition=~Q(idempotency_key=""), name="orders_idempotent_submit"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="+")
    product_id = models.BigIntegerField()
    product_name = models.CharField(max_length=120)
    product_name_en = models.CharField(max_length=160, blank=True)
    variant_label = models.CharField(max_length=120, blank=True)
    sku_code = models.CharField(max_length=40)
    image_url = models.CharField(max_length=300, blank=True)
    unit_price = models.DecimalField(**MONEY)
    list_price = models.DecimalField(**MONEY)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(**MONEY)
    weight_grams = models.PositiveIntegerField(default=0)
    flash_sale = models.ForeignKey(
        "orders.FlashSale", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refunded_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["id"]
        indexes = [models.Index(fields=["product_id"], name="orders_item_product")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_item_quantity_positive"),
            models.CheckConstraint(
                condition=Q(refunded_quantity__lte=models.F("quantity")), name="orders_item_refund_le_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class OrderEvent(models.Model):
    """One step on the order's timeline (append-only)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    status = models.CharField(max_length=16, blank=True)
    message = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="orders_event_order_time")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class FlashSale(models.Model):
    """A time-limited price on one SKU, with a per-person limit and optionally a capped allotment."""

    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="flash_sales", verbose_name=_("SKU"))
    title = models.CharField(_("title"), max_length=60)
    price = models.DecimalField(_("flash price"), **MONEY)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    per_user_limit = models.PositiveIntegerField(_("per person"), default=1)
    allotment = models.PositiveIntegerField(_("units for this sale"), null=True, blank=True)
    sold = models.PositiveIntegerField(_("units sold"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("flash sale")
        verbose_name_plural = _("flash sales")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["sku", "starts_at", "ends_at"], name="orders_flash_sku_window")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="orders_flash_window"),
            models.CheckConstraint(
                condition=Q(allotment__isnull=True) | Q(sold__lte=models.F("allotment")),
                name="orders_flash_sold_le_allotment",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="orders_flash_price_nonneg"),
        ]

    def __str__(self) -> str:
        return self.title


class FlashSalePurchase(models.Model):
    """How many units one person holds in one flash sale (the per-person limit is checked against it)."""

    flash_sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="purchases")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["flash_sale", "user"], name="orders_flash_purchase_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} × {self.quantity}"
