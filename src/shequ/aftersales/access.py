"""Permission-checked fetches: a buyer sees only their own after-sales requests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.aftersales.error_codes import AfterSalesErrorCode as Code
from shequ.aftersales.models import AfterSaleRequest
from shequ.aftersales.selectors import aftersale_with_details
from shequ.core.errors import NotFound


def aftersale_get_for_user(*, user, number: str) -> AfterSaleRequest:
    """The user's own request with its details loaded; anyone else's number is 404, as if it did not exist."""
    found = None
    if getattr(user, "is_authenticated", False) and number and len(number) <= 24:
        found = aftersale_with_details(AfterSaleRequest.objects.filter(number=number, user_id=user.pk)).first()
    if found is None:
        raise NotFound(Code.NOT_FOUND, _("After-sales request not found."))
    return found
