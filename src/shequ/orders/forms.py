"""Web forms for checkout and order pages. They only parse; the services decide what is allowed."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from shequ.orders.services import CheckoutInput


class CheckoutForm(forms.Form):
    items = forms.CharField(required=False, max_length=600)
    sku_id = forms.IntegerField(required=False)
    quantity = forms.IntegerField(required=False)
    address_id = forms.IntegerField(required=False)
    carrier_code = forms.CharField(required=False, max_length=32)
    coupon_code = forms.CharField(required=False, max_length=32)
    issued_coupon = forms.IntegerField(required=False, min_value=1)
    points = forms.IntegerField(required=False, min_value=0)
    invoice_type = forms.ChoiceField(
        required=False,
        choices=[("", _("No invoice")), ("personal", _("Personal")), ("company", _("Company"))],
    )
    invoice_title = forms.CharField(required=False, max_length=100)
    invoice_tax_id = forms.CharField(required=False, max_length=30)
    note = forms.CharField(required=False, max_length=200)
    expected_total = forms.DecimalField(required=False, max_digits=12, decimal_places=2)
    idempotency_key = forms.CharField(required=False, max_length=64)

    def item_ids(self) -> tuple[int, ...] | None:
        raw = (self.cleaned_data.get("items") or "").strip()
        if not raw:
            return None
        return tuple(int(part) for part in raw.split(",") if part.strip().isdigit())

    def to_input(self) -> CheckoutInput:
        data = self.cleaned_data
        invoice = None
        if data.get("invoice_type"):
            invoice = {
                "type": data["invoice_type"],
                "title": data.get("invoice_title") or "",
                "tax_id": data.get("invoice_tax_id") or "",
            }
        return CheckoutInput(
            item_ids=None if data.get("sku_id") else self.item_ids(),
            sku_id=data.get("sku_id"),
            quantity=data["quantity"] if data.get("quantity") is not None else 1,
            address_id=data.get("address_id"),
            carrier_code=(data.get("carrier_code") or "").strip(),
            coupon_code=(data.get("coupon_code") or "").strip(),
            points=data.get("points") or 0,
            invoice=invoice,
            note=data.get("note") or "",
            issued_coupon_ids=(data["issued_coupon"],) if data.get("issued_coupon") else (),
        )

    def idempotency_key_value(self) -> str:
        return self.cleaned_data.get("idempotency_key") or uuid.uuid4().hex


class CancelForm(forms.Form):
    reason = forms.CharField(required=False, max_length=120)
