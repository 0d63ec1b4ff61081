"""Forms of the after-sales pages. Field checks only; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shequ.aftersales.models import AfterSaleKind, AfterSaleReason


class AfterSaleForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you need?"), widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *AfterSaleReason.choices])
    description = forms.CharField(
        label=_("Describe the problem"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(value, label) for value, label in AfterSaleKind.choices if value in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]


class ReturnShipmentForm(forms.Form):
    carrier_code = forms.ChoiceField(label=_("Carrier"))
    tracking_no = forms.CharField(label=_("Tracking number"), max_length=60)

    def __init__(self, *args, carriers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier_code"].choices = carriers


class HandleForm(forms.Form):
    """The operator's note (and, depending on the step, the amount or the replacement's waybill)."""

    note = forms.CharField(
        label=_("Note to the buyer"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = forms.DecimalField(
        label=_("Refund amount (¥)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    carrier_code = forms.ChoiceField(label=_("Carrier"), required=False)
    tracking_no = forms.CharField(label=_("Tracking number"), required=False, max_length=60)

    def __init__(self, *args, carriers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier_code"].choices = [("", "—"), *carriers]
