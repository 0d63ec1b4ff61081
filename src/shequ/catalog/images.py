"""Product images: check the upload, keep a web-sized original and make a square thumbnail."""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shequ.catalog.models import Product, ProductImage
from shequ.core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
FULL_SIZE = 1200
THUMB_SIZE = 400


def _open(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF", "MPO"}:
                raise InvalidInput("image_invalid", _("Upload a JPEG, PNG, WebP or GIF picture."))
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput("image_too_large", _("The picture has too many pixels."))
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise InvalidInput("image_invalid", _("Upload a JPEG, PNG, WebP or GIF picture.")) from exc
    return ImageOps.exif_transpose(image).convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def product_image_add(*, product: Product, data: bytes, alt: str = "", position: int | None = None) -> ProductImage:
    """Store a product photo (≤ 1200 px, EXIF dropped) and its 400 px square thumbnail."""
    from shequ.catalog.services import products_touch

    if len(data) > MAX_BYTES:
        raise InvalidInput("image_too_large", _("The picture is too large (at most 10 MB)."))
    image = _open(data)
    full = image.copy()
    full.thumbnail((FULL_SIZE, FULL_SIZE), Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(image, (THUMB_SIZE, THUMB_SIZE), method=Image.Resampling.LANCZOS)
    stem = uuid.uuid4().hex[:12]
    with transaction.atomic():
        if position is None:
            position = (product.images.aggregate(top=Max("position"))["top"] or 0) + 1
        record = ProductImage(product=product, alt=alt[:120], position=position)
        record.image.save(f"{stem}.jpg", ContentFile(_jpeg(full)), save=False)
        record.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(_jpeg(thumb)), save=False)
        record.save()
        products_touch(product_ids=[product.pk])
    return record
