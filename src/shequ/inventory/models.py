"""Stock per SKU, and the ledger of every movement that changed it.

``on_hand`` is what is in the warehouse, ``reserved`` what unpaid or unshipped orders hold; a buyer can take
``on_hand - reserved``. Database constraints keep both non-negative and reserved ≤ on_hand, so even a bug
cannot oversell: the write that would break them fails. Every change appends a StockMovement with its
reason and reference, so stock can be audited and reconciled.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class StockLevel(models.Model):
    sku = models.OneToOneField(
        "catalog.SKU", on_delete=models.CASCADE, primary_key=True, related_name="stock", verbose_name=_("SKU")
    )
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    low_stock_threshold = models.PositiveIntegerField(_("low-stock alert below"), default=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="inventory_reserved_le_on_hand"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}: {self.available}/{self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("Received")
    ADJUST = "adjust", _("Adjusted")
    RESERVE = "reserve", _("Reserved for an order")
    RELEASE = "release", _("Released from an order")
    SHIP = "ship", _("Shipped")
    RETURN = "return", _("Returned to stock")
    IMPORT = "import", _("Set by import")


class StockMovement(models.Model):
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="stock_movements")
    kind = models.CharField(max_length=12, choices=MovementKind.choices)
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    reference = models.CharField(max_length=64, blank=True, help_text="order number, import file, operator note")
    actor_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sku", "-created_at"], name="inventory_move_sku_time"),
            models.Index(fields=["reference"], name="inventory_move_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sku_id} {self.on_hand_delta:+d}/{self.reserved_delta:+d}"


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    COMMITTED = "committed", _("Shipped")
    RELEASED = "released", _("Released")


class StockReservation(models.Model):
    """Units of one SKU held for one order until it is shipped (committed) or cancelled (released)."""

    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="reservations")
    order_id = models.BigIntegerField()
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock reservation")
        verbose_name_plural = _("stock reservations")
        indexes = [
            models.Index(fields=["order_id"], name="inventory_reservation_order"),
            models.Index(fields=["sku", "status"], name="inventory_reservation_sku"),
        ]
        constraints = [models.UniqueConstraint(fields=["order_id", "sku"], name="inventory_reservation_unique")]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.quantity} × {self.sku_id} ({self.status})"
