"""Carriers, shipping-fee rules, shipments and their tracking events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shequ.core.fields import EncryptedTextField

MONEY = {"max_digits": 10, "decimal_places": 2}


class Carrier(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    delivery_days = models.CharField(_("delivery time"), max_length=20, blank=True, help_text=_("e.g. 1–3"))
    tracking_url = models.CharField(
        _("tracking page"), max_length=200, blank=True, help_text=_("With {tracking_no} where the number goes")
    )
    webhook_secret = EncryptedTextField(_("webhook secret"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ShippingRate(models.Model):
    """Fee for a carrier to some provinces: first weight, then per extra unit; free above a threshold."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="rates")
    provinces = models.JSONField(
        _("provinces"), default=list, blank=True, help_text=_("Empty means every province not covered by another rate")
    )
    first_weight_grams = models.PositiveIntegerField(_("first weight (g)"), default=1000)
    first_fee = models.DecimalField(_("first weight fee"), **MONEY)
    extra_unit_grams = models.PositiveIntegerField(_("extra unit (g)"), default=1000)
    extra_fee = models.DecimalField(_("fee per extra unit"), **MONEY, default=0)
    free_over = models.DecimalField(_("free shipping from"), **MONEY, null=True, blank=True)

    class Meta:
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")

    def __str__(self) -> str:
        return f"{self.carrier_id}: {', '.join(self.provinces) or '*'}"


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Delivery problem")
    RETURNED = "returned", _("Returned to sender")


class Shipment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="shipments")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    tracking_no = models.CharField(_("tracking number"), max_length=40)
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    shipped_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [models.Index(fields=["status", "last_polled_at"], name="logistics_shipment_poll")]
        constraints = [models.UniqueConstraint(fields=["carrier", "tracking_no"], name="logistics_tracking_unique")]

    def __str__(self) -> str:
        return f"{self.carrier_id} {self.tracking_no}"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices)
    description = models.CharField(max_length=300)
    location = models.CharField(max_length=120, blank=True)
    occurred_at = models.DateTimeField()
    external_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["shipment", "external_id"], name="logistics_event_dedupe")]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"
