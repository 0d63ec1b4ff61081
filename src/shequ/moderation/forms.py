from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shequ.moderation.models import ReportReason
from shequ.moderation.services import NOTE_MAX


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}),
    )
