"""Forms of the community pages (the services do the real checks; these only parse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shequ.community.models import Visibility


class PostForm(forms.Form):
    text = forms.CharField(
        label=_("What do you want to share?"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": _("Share a tip, a recipe, a buyer show… #topic# @friend")}
        ),
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PUBLIC)
    video_url = forms.CharField(label=_("Video link"), required=False, max_length=2000)
    circle_id = forms.TypedChoiceField(label=_("Circle"), required=False, coerce=int, empty_value=None, choices=())

    def __init__(self, *args, circles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circle_id"].choices = [("", _("No circle")), *[(c.pk, c.name) for c in circles]]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reply_to_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
