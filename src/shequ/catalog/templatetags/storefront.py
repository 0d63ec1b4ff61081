"""Template helpers for the storefront: bilingual text, prices, product card pictures."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()

CENT = Decimal("0.01")


@register.filter
def t(obj, field: str) -> str:
    """``{{ product|t:"name" }}``: the field in the request's language (see catalog.models.Bilingual)."""
    if obj is None:
        return ""
    translate = getattr(obj, "t", None)
    return translate(field) if callable(translate) else getattr(obj, field, "")


@register.filter
def money(value) -> str:
    """``{{ price|money }}`` → ¥12.90 (blank for no price)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        return ""
    return f"¥{amount}"


@register.filter
def card_image(product):
    """The product's first picture (a ProductImage) when its images were prefetched as ``ordered_images``."""
    images = getattr(product, "ordered_images", None)
    return images[0] if images else None


@register.filter
def image_url(image, size: str = "thumb") -> str:
    if image is None:
        return ""
    field = image.thumbnail if size == "thumb" and image.thumbnail else image.image
    return field.url if field else ""


@register.filter
def safe_link(value: str) -> str:
    """An operator-entered link, kept only if it is a path on this site or an http(s) address."""
    link = (value or "").strip()
    if (link.startswith("/") and not link.startswith("//")) or link.startswith(("https://", "http://")):
        return link
    return "#"
