"""Template helpers for the tracking partial."""

from __future__ import annotations

from django import template

from shequ.logistics.selectors import carrier_display_name, carrier_tracking_url

register = template.Library()


@register.filter
def carrier_tracking_link(shipment) -> str:
    """The carrier's own tracking page for this shipment ("" when the carrier has none)."""
    return carrier_tracking_url(shipment.carrier, shipment.tracking_no)


@register.filter
def carrier_name(carrier) -> str:
    """The carrier's name in the current language."""
    return carrier_display_name(carrier)
