"""Permission-checked fetches: the one place each "may this user see that?" rule lives."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.accounts.models import Address, User
from shequ.core.errors import NotFound


def address_get_for_user(*, user: User, address_id: int | str) -> Address:
    """Return the user's own address; another user's id is 404, exactly as if it did not exist."""
    try:
        pk = int(address_id)
    except (TypeError, ValueError):
        pk = None
    address = Address.objects.filter(pk=pk, user=user).first() if pk else None
    if address is None:
        raise NotFound("address_not_found", _("Address not found."))
    return address
