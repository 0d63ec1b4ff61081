"""After-sales: returns, exchanges and refund-only requests, with their own state machine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class AfterSaleKind(models.TextChoices):
    RETURN = "return", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    REFUND_ONLY = "refund_only", _("Refund only")


class AfterSaleReason(models.TextChoices):
    DAMAGED = "damaged", _("Damaged or leaking")
    EXPIRED = "expired", _("Expired or close to expiry")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    QUALITY = "quality", _("Quality problem")
    MISSING = "missing", _("Item missing")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    CHANGED_MIND = "changed_mind", _("Changed my mind")
    OTHER = "other", _("Other")


class AfterSaleStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    GOODS_RETURNED = "goods_returned", _("Goods returned")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGED = "exchanged", _("Exchanged")
    CANCELLED = "cancelled", _("Withdrawn")


class AfterSaleRequest(models.Model):
    number = models.CharField(_("request number"), max_length=24, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="aftersale_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="aftersale_requests")
    kind = models.CharField(_("kind"), max_length=12, choices=AfterSaleKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=AfterSaleReason.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AfterSaleStatus.choices, default=AfterSaleStatus.REQUESTED
    )
    refund_amount = models.DecimalField(_("refund amount"), **MONEY, default=0)
    return_carrier = models.CharField(_("return carrier"), max_length=32, blank=True)
    return_tracking_no = models.CharField(_("return tracking number"), max_length=40, blank=True)
    restock = models.BooleanField(_("returned goods are sellable"), default=False)
    operator_note = models.CharField(_("operator note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("after-sales request")
        verbose_name_plural = _("after-sales requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="aftersales_status_recent"),
            models.Index(fields=["user", "-created_at"], name="aftersales_user_recent"),
        ]

    def __str__(self) -> str:
        return self.number


class AfterSaleItem(models.Model):
    request = models.ForeignKey(AfterSaleRequest, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey("orders.OrderItem", on_delete=models.PROTECT, related_name="aftersale_items")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "order_item"], name="aftersales_item_unique")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_item_id}"


class AfterSalePhoto(models.Model):
    request = models.ForeignKey(AfterSaleRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="aftersales/")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name


class AfterSaleEvent(models.Model):
    request = models.ForeignKey(AfterSaleRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=16, choices=AfterSaleStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status}"
