"""Forms of the review and Q&A pages. Field checks only; the rules (and the real limits) live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

STAR_CHOICES = [(n, "★" * n) for n in range(5, 0, -1)]


def _stars(label):
    return forms.TypedChoiceField(label=label, choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect, initial=5)


class ReviewForm(forms.Form):
    rating = _stars(_("Overall"))
    rating_taste = _stars(_("Taste"))
    rating_value = _stars(_("Value for money"))
    rating_packaging = _stars(_("Packaging"))
    text = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 4, "maxlength": 2000, "placeholder": _("How does it taste? Would you buy it again?")}
        ),
    )
    is_anonymous = forms.BooleanField(label=_("Post anonymously"), required=False)


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("Follow-up review"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000})
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300, "placeholder": _("Ask buyers and the brand…")}),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000})
    )
