"""Buyer-show photos: really an image, not too big, EXIF (and the GPS position in it) dropped by re-encoding,
resized, with a square thumbnail for the lists. The same checks as after-sales photos (aftersales/photos.py)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shequ.core.errors import InvalidInput

MAX_PHOTOS = 9
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
THUMB_SIDE = 360
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile


def _invalid(name: str) -> InvalidInput:
    return InvalidInput(
        "photo_invalid",
        _("“%(name)s” is not a picture we can read. Upload JPEG, PNG, WebP or GIF photos.") % {"name": name[:60]},
        details={"field": "photos"},
    )


def photos_process(uploads, *, max_photos: int = MAX_PHOTOS) -> list[ProcessedPhoto]:
    """Check and re-encode every photo before anything is stored; one bad photo rejects them all."""
    uploads = [upload for upload in (uploads or []) if upload is not None]
    if len(uploads) > max_photos:
        raise InvalidInput(
            "too_many_photos",
            _("Attach at most %(count)d photos.") % {"count": max_photos},
            details={"field": "photos", "max": max_photos},
        )
    return [_process(upload) for upload in uploads]


def _encode(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _process(upload) -> ProcessedPhoto:
    name = getattr(upload, "name", "") or "photo"
    if upload.size is None or upload.size > MAX_BYTES:
        raise InvalidInput(
            "photo_too_large",
            _("“%(name)s” is too large (at most %(mb)d MB per photo).") % {"name": name[:60], "mb": MAX_BYTES // 2**20},
            details={"field": "photos", "max_bytes": MAX_BYTES},
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise _invalid(name)
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise _invalid(name) from exc
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(image, (THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    stem = uuid.uuid4().hex
    return ProcessedPhoto(
        image=ContentFile(_encode(image, 85), name=f"{stem}.jpg"),
        thumbnail=ContentFile(_encode(thumb, 80), name=f"{stem}_t.jpg"),
    )
