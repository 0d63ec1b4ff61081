"""Mobile phone numbers: parse what people type into E.164, and show them masked."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import InvalidInput

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_phone(raw: str | None) -> str:
    """Return the number in E.164 (``+8613800138000``); a number without a country code is Chinese.

    Raises InvalidInput(``invalid_phone``) for anything that is not a valid mobile number, so a typo never
    creates an account nobody can reach.
    """
    text = (raw or "").strip()
    if not text or len(text) > 32:
        raise InvalidInput("invalid_phone", _("Enter a valid mobile phone number."))
    try:
        number = phonenumbers.parse(text, settings.SHEQU_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput("invalid_phone", _("Enter a valid mobile phone number.")) from exc
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise InvalidInput("invalid_phone", _("Enter a valid mobile phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str:
    """``+8613800138000`` → ``138****8000`` (the country code is kept for other countries)."""
    if not e164:
        return ""
    if e164.startswith("+86") and len(e164) == 14:
        national = e164[3:]
        return f"{national[:3]}****{national[-4:]}"
    return f"{e164[:-8]}****{e164[-4:]}"
