"""Helpers for the after-sales tests."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def photo(name="damage.jpg", *, size=(2400, 1800), fmt="JPEG", exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 40, 40))
    buffer = io.BytesIO()
    extra = {}
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPS latitude
        extra["exif"] = data.tobytes()
    image.save(buffer, format=fmt, **extra)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def lines_of(order):
    """(milk item, biscuits item) of the fixture order."""
    items = list(order.items.order_by("line_total").reverse())
    return items[0], items[1]


def create_form(order, items, *, kind="return", reason="damaged", description="", photos=()):
    """Multipart fields for POST /api/v1/aftersales."""
    data = {
        "order_number": order.number,
        "kind": kind,
        "reason": reason,
        "description": description,
        "items": json.dumps([{"order_item_id": item.pk, "quantity": quantity} for item, quantity in items]),
    }
    if photos:
        data["photos"] = list(photos)
    return data
