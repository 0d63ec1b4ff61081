"""Permission-checked fetches of shipments: a buyer sees only the parcels of their own orders."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.core.errors import NotFound
from shequ.logistics.error_codes import LogisticsErrorCode as Code
from shequ.logistics.models import Shipment
from shequ.logistics.selectors import shipments_with_events


def shipment_get_for_user(*, user, shipment_id: int | str) -> Shipment:
    """The user's own shipment with carrier and events loaded; anyone else's id is 404, as if it did not exist."""
    try:
        pk = int(shipment_id)
    except (TypeError, ValueError):
        pk = None
    shipment = (
        shipments_with_events(Shipment.objects.filter(pk=pk, order__user_id=user.pk)).select_related("order").first()
        if pk and getattr(user, "is_authenticated", False)
        else None
    )
    if shipment is None:
        raise NotFound(Code.SHIPMENT_NOT_FOUND, _("Shipment not found."))
    return shipment
