"""Payments and refunds, and a log of every notification a provider sent us (valid or not)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 12, "decimal_places": 2}


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PAID = "paid", _("Paid")
    FAILED = "failed", pgettext_lazy("payment status", "Failed")
    CLOSED = "closed", _("Closed")


class Payment(models.Model):
    """One attempt to pay one order through one provider. ``out_trade_no`` is our id sent to the provider."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=16)
    out_trade_no = models.CharField(_("payment number"), max_length=40, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(max_length=3, default="CNY")
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    provider_trade_no = models.CharField(_("provider transaction"), max_length=64, blank=True)
    refunded_amount = models.DecimalField(_("refunded"), **MONEY, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["order", "status"], name="payments_payment_order")]
        constraints = [
            # At most one successful payment per order: a second paid notification can never charge twice.
            models.UniqueConstraint(fields=["order"], condition=Q(status="paid"), name="payments_one_paid_per_order"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount")), name="payments_refund_le_amount"
            ),
        ]

    def __str__(self) -> str:
        return self.out_trade_no


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Processing")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", pgettext_lazy("payment status", "Failed")


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    out_refund_no = models.CharField(max_length=40, unique=True)
    amount = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    provider_refund_no = models.CharField(max_length=64, blank=True)
    reference = models.CharField(max_length=40, blank=True, help_text="after-sales request number")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive")]

    def __str__(self) -> str:
        return self.out_refund_no


class PaymentNotification(models.Model):
    """Every callback a provider (or someone pretending to be one) sent: kept for investigation."""

    provider = models.CharField(max_length=16)
    out_trade_no = models.CharField(max_length=40, blank=True, db_index=True)
    verified = models.BooleanField(default=False)
    outcome = models.CharField(max_length=32)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.out_trade_no} {self.outcome}"
