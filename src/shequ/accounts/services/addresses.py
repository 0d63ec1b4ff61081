"""The address book. Callers fetch addresses through access.address_get_for_user (404 for others')."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shequ.accounts.error_codes import AccountsErrorCode as Code
from shequ.accounts.models import Address, User
from shequ.accounts.phones import normalise_phone
from shequ.accounts.validation import clean_text, reject_html
from shequ.accounts.vocabulary import PROVINCES
from shequ.analytics.services import track
from shequ.core.errors import Conflict, InvalidInput

MAX_ADDRESSES = 20


@dataclass
class AddressData:
    recipient: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    postal_code: str = ""
    label: str = ""
    is_default: bool = False


def _bad(field: str, message) -> InvalidInput:
    return InvalidInput(Code.ADDRESS_INVALID, message, details={"field": field})


def _clean(data: AddressData) -> AddressData:
    def text(field: str, value: str, lo: int, hi: int) -> str:
        value = clean_text(value)
        reject_html(value, field)
        if not lo <= len(value) <= hi:
            raise _bad(field, _("This field needs %(lo)d–%(hi)d characters.") % {"lo": lo, "hi": hi})
        return value

    province = clean_text(data.province)
    if province not in PROVINCES:
        raise _bad("province", _("Choose a province from the list."))
    postal = clean_text(data.postal_code)
    if postal and not re.fullmatch(r"\d{6}", postal):
        raise _bad("postal_code", _("A postal code is 6 digits."))
    return AddressData(
        recipient=text("recipient", data.recipient, 1, 25),
        phone=normalise_phone(data.phone),
        province=province,
        city=text("city", data.city, 1, 32),
        district=text("district", data.district, 1, 32),
        detail=text("detail", data.detail, 4, 120),
        postal_code=postal,
        label=text("label", data.label, 0, 16),
        is_default=bool(data.is_default),
    )


def _make_default(address: Address) -> None:
    Address.objects.filter(user_id=address.user_id, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def address_create(*, user: User, data: AddressData) -> Address:
    """Add an address; the first one, or one asked to be, becomes the default."""
    clean = _clean(data)
    # Lock the user row so two concurrent creates cannot both pass the limit or both become default.
    User.objects.select_for_update().filter(pk=user.pk).first()
    count = Address.objects.filter(user=user).count()
    if count >= MAX_ADDRESSES:
        raise Conflict(Code.ADDRESS_LIMIT, _("You can keep at most %(max)d addresses.") % {"max": MAX_ADDRESSES})
    make_default = clean.is_default or count == 0
    clean.is_default = False
    address = Address.objects.create(user=user, **clean.__dict__)
    if make_default:
        _make_default(address)
    track(user, "address_added", {"province": address.province, "city": address.city})
    return address


@transaction.atomic
def address_update(*, address: Address, data: AddressData) -> Address:
    clean = _clean(data)
    make_default = clean.is_default
    for field, value in clean.__dict__.items():
        if field != "is_default":
            setattr(address, field, value)
    address.save()
    if make_default:
        _make_default(address)
    return address


@transaction.atomic
def address_set_default(*, address: Address) -> Address:
    _make_default(address)
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; if it was the default, the most recently used one takes over."""
    user_id, was_default = address.user_id, address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(user_id=user_id).order_by("-updated_at").first()
        if successor is not None:
            _make_default(successor)
