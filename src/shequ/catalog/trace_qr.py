"""Public links to trace pages and their QR codes (printed on packs next to the batch number)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from qrcode.constants import ERROR_CORRECT_M

QR_BORDER = 4  # modules of quiet zone: the minimum the QR standard asks for
QR_BOX_DEFAULT = 10
QR_BOX_MIN = 2
QR_BOX_MAX = 40


def trace_public_url(*, request: HttpRequest, batch_no: str, src: str = "") -> str:
    """The absolute URL of a batch's trace page.

    ``SHEQU_PUBLIC_URL`` (e.g. ``https://shop.example.com``) wins over the request's host, so codes generated
    from a back-office or staging host for a print run point at the public site.
    """
    path = reverse("catalog:trace_batch", args=[batch_no])
    if src:
        path = f"{path}?src={src}"
    base = (getattr(settings, "SHEQU_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _qr(data: str, box_size: int) -> qrcode.QRCode:
    # M (15% recovery) survives a scuffed pack while keeping a short URL to a small, easily scanned code.
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=QR_BORDER)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def qr_svg(*, data: str) -> bytes:
    """An SVG QR code of ``data`` (scales to any print size)."""
    buffer = io.BytesIO()
    _qr(data, QR_BOX_DEFAULT).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue()


def qr_png(*, data: str, box_size: int = QR_BOX_DEFAULT) -> bytes:
    """A black-on-white PNG QR code of ``data``, ``box_size`` pixels per module."""
    box_size = max(QR_BOX_MIN, min(QR_BOX_MAX, box_size))
    buffer = io.BytesIO()
    _qr(data, box_size).make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
