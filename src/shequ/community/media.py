"""Photos and videos attached to posts: checked and prepared *before* anything is stored.

Photos: Pillow decodes the whole picture (``verify`` alone accepts truncated files), the pixel count is capped
against decompression bombs, the picture is turned upright and re-encoded — which drops EXIF (it can carry
the phone's GPS position) — to a JPEG at most ``IMAGE_MAX_SIDE`` px, plus a square thumbnail for feeds.
Videos: size cap and a look at the container's magic bytes (MP4/MOV ``ftyp``, WebM/Matroska EBML); links
must be http(s). Transcoding is left to a later media pipeline.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shequ.community.conf import community_setting
from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.core.errors import InvalidInput

MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


@dataclass
class PreparedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _invalid(name: str) -> InvalidInput:
    return InvalidInput(
        Code.IMAGE_INVALID,
        _("“%(name)s” is not a picture we can read. Upload JPEG, PNG, WebP or GIF photos.") % {"name": name[:60]},
        details={"field": "images"},
    )


def images_prepare(uploads: list[UploadedFile]) -> list[PreparedImage]:
    """Check and re-encode every photo; one bad photo rejects them all (nothing is stored)."""
    max_images = community_setting("MAX_IMAGES")
    if len(uploads) > max_images:
        raise InvalidInput(
            Code.TOO_MANY_IMAGES,
            _("Attach at most %(count)d photos.") % {"count": max_images},
            details={"field": "images", "max": max_images},
        )
    return [_image_prepare(upload) for upload in uploads]


def _jpeg(image: Image.Image, name: str) -> ContentFile:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=name)


def _image_prepare(upload: UploadedFile) -> PreparedImage:
    name = getattr(upload, "name", "") or "photo"
    max_bytes = community_setting("MAX_IMAGE_BYTES")
    if upload.size is None or upload.size > max_bytes:
        raise InvalidInput(
            Code.IMAGE_TOO_LARGE,
            _("“%(name)s” is too large (at most %(mb)d MB per photo).") % {"name": name[:60], "mb": max_bytes // 2**20},
            details={"field": "images", "max_bytes": max_bytes},
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise _invalid(name)
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput(
                    Code.IMAGE_TOO_LARGE,
                    _("“%(name)s” has too many pixels.") % {"name": name[:60]},
                    details={"field": "images"},
                )
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise _invalid(name) from exc
    image = ImageOps.exif_transpose(image).convert("RGB")
    side = community_setting("IMAGE_MAX_SIDE")
    full = image.copy()
    full.thumbnail((side, side), Image.Resampling.LANCZOS)
    thumb_side = community_setting("THUMB_SIZE")
    thumb = ImageOps.fit(image, (thumb_side, thumb_side), method=Image.Resampling.LANCZOS)
    stem = uuid.uuid4().hex
    return PreparedImage(
        image=_jpeg(full, f"{stem}.jpg"),
        thumbnail=_jpeg(thumb, f"{stem}-thumb.jpg"),
        width=full.width,
        height=full.height,
    )


def _video_kind(head: bytes) -> str | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def video_prepare(upload: UploadedFile) -> ContentFile:
    """A video upload that really is MP4/MOV or WebM and not too large."""
    max_bytes = community_setting("MAX_VIDEO_BYTES")
    if upload.size is None or upload.size > max_bytes:
        raise InvalidInput(
            Code.VIDEO_TOO_LARGE,
            _("The video is too large (at most %(mb)d MB).") % {"mb": max_bytes // 2**20},
            details={"field": "video", "max_bytes": max_bytes},
        )
    head = upload.read(16)
    kind = _video_kind(head)
    if kind is None:
        raise InvalidInput(Code.VIDEO_INVALID, _("Upload an MP4, MOV or WebM video."), details={"field": "video"})
    upload.seek(0)
    return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.{kind}")


def video_url_clean(value: str) -> str:
    """A video link: http(s) only, at most 300 characters (shown as a link, never embedded)."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        if len(value) > 300:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as exc:
        raise InvalidInput(
            Code.VIDEO_URL_INVALID, _("Enter a video link starting with https://."), details={"field": "video_url"}
        ) from exc
    return value
