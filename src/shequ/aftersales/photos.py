"""Turn an uploaded after-sales photo into a safe JPEG: really an image, not too big, no EXIF, resized.

Pillow decodes the whole picture (``verify`` alone accepts truncated files), the pixel count is capped
against decompression bombs, and re-encoding drops EXIF — which can carry the phone's GPS position.
"""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shequ.aftersales.conf import aftersales_setting
from shequ.aftersales.error_codes import AfterSalesErrorCode as Code
from shequ.core.errors import InvalidInput

MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def _invalid(name: str) -> InvalidInput:
    return InvalidInput(
        Code.PHOTO_INVALID,
        _("“%(name)s” is not a picture we can read. Upload JPEG, PNG, WebP or GIF photos.") % {"name": name[:60]},
        details={"field": "photos"},
    )


def photos_process(uploads: list[UploadedFile]) -> list[ContentFile]:
    """Check and re-encode every photo before anything is stored; one bad photo rejects them all."""
    max_photos = aftersales_setting("MAX_PHOTOS")
    if len(uploads) > max_photos:
        raise InvalidInput(
            Code.TOO_MANY_PHOTOS,
            _("Attach at most %(count)d photos.") % {"count": max_photos},
            details={"field": "photos", "max": max_photos},
        )
    return [_photo_process(upload) for upload in uploads]


def _photo_process(upload: UploadedFile) -> ContentFile:
    name = getattr(upload, "name", "") or "photo"
    max_bytes = aftersales_setting("MAX_PHOTO_BYTES")
    if upload.size is None or upload.size > max_bytes:
        raise InvalidInput(
            Code.PHOTO_TOO_LARGE,
            _("“%(name)s” is too large (at most %(mb)d MB per photo).") % {"name": name[:60], "mb": max_bytes // 2**20},
            details={"field": "photos", "max_bytes": max_bytes},
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
    side = aftersales_setting("PHOTO_MAX_SIDE")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
