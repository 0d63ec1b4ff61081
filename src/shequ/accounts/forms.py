"""Web forms: they only parse types; the rules live in the services (the API shares them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shequ.accounts import vocabulary
from shequ.accounts.models import Gender, MessagePermission, PostsVisibility


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": _("11-digit mobile number")}
        ),
    )


class OtpLoginForm(PhoneForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": _("6-digit code")}
        ),
    )


class PasswordLoginForm(PhoneForm):
    password = forms.CharField(
        label=_("Password"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ProfileForm(forms.Form):
    nickname = forms.CharField(label=_("Nickname"), max_length=64)
    bio = forms.CharField(
        label=_("Bio"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 200})
    )
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)


class AvatarForm(forms.Form):
    avatar = forms.FileField(label=_("Avatar"))


class PasswordForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=128,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class PrivacyForm(forms.Form):
    posts_visibility = forms.ChoiceField(label=_("Who can see my posts"), choices=PostsVisibility.choices)
    follows_visibility = forms.ChoiceField(label=_("Who can see whom I follow"), choices=PostsVisibility.choices)
    messages_from = forms.ChoiceField(label=_("Who can message me"), choices=MessagePermission.choices)
    personalised_recommendations = forms.BooleanField(label=_("Personalised recommendations"), required=False)
    marketing_messages = forms.BooleanField(label=_("Offers and campaign messages"), required=False)
    discoverable = forms.BooleanField(label=_("Others can find me by nickname"), required=False)


class PreferencesForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Favourite categories"),
        required=False,
        choices=vocabulary.CATEGORY_SUGGESTIONS,
        widget=forms.CheckboxSelectMultiple,
    )
    dietary_tags = forms.MultipleChoiceField(
        label=_("Dietary preferences"),
        required=False,
        choices=vocabulary.DIETARY_TAGS,
        widget=forms.CheckboxSelectMultiple,
    )
    pack_sizes = forms.MultipleChoiceField(
        label=_("Pack sizes"), required=False, choices=vocabulary.PACK_SIZES, widget=forms.CheckboxSelectMultiple
    )
    flavours = forms.CharField(
        label=_("Favourite flavours"),
        required=False,
        max_length=300,
        help_text=_("Separate with commas, e.g. strawberry, matcha"),
    )
    brands = forms.CharField(
        label=_("Favourite brands"), required=False, max_length=300, help_text=_("Separate with commas")
    )

    @staticmethod
    def split(value: str) -> list[str]:
        return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


class AddressForm(forms.Form):
    recipient = forms.CharField(label=_("Recipient"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    province = forms.ChoiceField(label=_("Province"), choices=[("", "—")] + [(p, p) for p in vocabulary.PROVINCES])
    city = forms.CharField(label=_("City"), max_length=64)
    district = forms.CharField(label=_("District"), max_length=64)
    detail = forms.CharField(
        label=_("Street address"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("Street, building, room")}),
    )
    postal_code = forms.CharField(label=_("Postal code"), max_length=12, required=False)
    label = forms.CharField(
        label=_("Label"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Home, Office…")}),
    )
    is_default = forms.BooleanField(label=_("Use as default address"), required=False)


class DeleteAccountForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    confirm = forms.BooleanField(label=_("I understand my account cannot be restored"))
