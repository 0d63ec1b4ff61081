"""Turn an uploaded picture into a safe, small, square avatar.

Pillow decodes the whole image (``verify`` alone would accept a truncated file), caps the pixel count to
stop decompression bombs, drops EXIF (which can carry the phone's GPS position) by re-encoding, and
crops to a 400×400 JPEG.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shequ.accounts.error_codes import AccountsErrorCode as Code
from shequ.core.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
SIZE = 400


def process_avatar(upload: UploadedFile) -> ContentFile:
    if upload.size is None or upload.size > MAX_BYTES:
        raise InvalidInput(
            Code.IMAGE_TOO_LARGE, _("The picture is too large (at most 5 MB)."), details={"max_bytes": MAX_BYTES}
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise InvalidInput(Code.IMAGE_INVALID, _("Upload a JPEG, PNG, WebP or GIF picture."))
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput(Code.IMAGE_TOO_LARGE, _("The picture has too many pixels."))
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise InvalidInput(Code.IMAGE_INVALID, _("Upload a JPEG, PNG, WebP or GIF picture.")) from exc
    image = ImageOps.exif_transpose(image)
    image = ImageOps.fit(image.convert("RGB"), (SIZE, SIZE), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="avatar.jpg")
