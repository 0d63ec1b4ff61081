"""Back office for payments: everything read-only, plus refunds for operators allowed to make them.

Refunding needs the ``payments.add_refund`` permission (the admin role has it); every refund and retry
is written to the audit log by the service.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from shequ.core.clients import client_ip
from shequ.core.errors import DomainError
from shequ.payments import services
from shequ.payments.models import Payment, PaymentNotification, Refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("payments.add_refund")


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = (
        "out_refund_no",
        "amount",
        "status",
        "reason",
        "reference",
        "provider_refund_no",
        "created_at",
        "completed_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty to refund everything that is left on each selected payment."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=120)
    reference = forms.CharField(widget=forms.HiddenInput, max_length=40)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("out_trade_no", "order", "provider", "status", "amount", "refunded_amount", "created_at", "paid_at")
    list_filter = ("provider", "status")
    list_select_related = ("order",)
    search_fields = ("out_trade_no", "provider_trade_no", "order__number")
    date_hierarchy = "created_at"
    readonly_fields = (
        "order",
        "provider",
        "out_trade_no",
        "amount",
        "currency",
        "status",
        "provider_trade_no",
        "refunded_amount",
        "created_at",
        "paid_at",
        "raw",
    )
    inlines = (RefundInline,)
    actions = ("refund_payments",)

    @admin.action(description=_("Refund the selected payments…"), permissions=["refund"])
    def refund_payments(self, request, queryset):
        payments = list(queryset.select_related("order"))
        form = RefundForm(
            request.POST if "apply" in request.POST else None, initial={"reference": f"ops-{secrets.token_hex(8)}"}
        )
        if form.is_bound and form.is_valid():
            amount = form.cleaned_data["amount"]
            if amount is not None and len(payments) > 1:
                form.add_error("amount", _("Choose one payment to refund part of it."))
            else:
                for index, payment in enumerate(payments):
                    reference = form.cleaned_data["reference"]
                    if len(payments) > 1:
                        reference = f"{reference}-{index}"
                    try:
                        refund = services.payment_refund_by_operator(
                            payment=payment,
                            amount=amount,
                            reason=form.cleaned_data["reason"],
                            actor=request.user,
                            ip=client_ip(request),
                            reference=reference,
                        )
                    except DomainError as exc:
                        left = f" (¥{exc.details['refundable']})" if "refundable" in exc.details else ""
                        self.message_user(request, f"{payment.out_trade_no}: {exc.message}{left}", messages.ERROR)
                        continue
                    self.message_user(
                        request,
                        _("%(payment)s: refund %(refund)s of ¥%(amount)s is %(status)s.")
                        % {
                            "payment": payment.out_trade_no,
                            "refund": refund.out_refund_no,
                            "amount": refund.amount,
                            "status": refund.get_status_display(),
                        },
                        messages.SUCCESS,
                    )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund payments"),
            "opts": self.model._meta,
            "payments": payments,
            "form": form,
            "action_name": "refund_payments",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/payments/refund_form.html", context)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("out_refund_no", "payment", "amount", "status", "reason", "reference", "created_at", "completed_at")
    list_filter = ("status",)
    list_select_related = ("payment",)
    search_fields = ("out_refund_no", "payment__out_trade_no", "reference", "provider_refund_no")
    readonly_fields = (
        "payment",
        "out_refund_no",
        "amount",
        "reason",
        "status",
        "provider_refund_no",
        "reference",
        "created_at",
        "completed_at",
    )
    actions = ("send_again",)

    @admin.action(description=_("Send the selected failed or unfinished refunds again"), permissions=["refund"])
    def send_again(self, request, queryset):
        for refund in queryset.select_related("payment"):
            try:
                refund = services.refund_retry(refund=refund, actor=request.user, ip=client_ip(request))
            except DomainError as exc:
                self.message_user(request, f"{refund.out_refund_no}: {exc.message}", messages.ERROR)
                continue
            self.message_user(request, f"{refund.out_refund_no}: {refund.get_status_display()}", messages.INFO)


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "provider", "out_trade_no", "verified", "outcome", "remote_addr")
    list_filter = ("provider", "verified", "outcome")
    search_fields = ("out_trade_no",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "provider",
        "out_trade_no",
        "verified",
        "outcome",
        "body",
        "headers",
        "remote_addr",
        "created_at",
    )
