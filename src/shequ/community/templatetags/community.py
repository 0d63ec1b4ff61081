"""Template helpers for community pages: badges next to names, compact counts, relative times."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def compact_count(value) -> str:
    """1234 → 1.2k; small numbers as they are."""
    try:
        n = int(value or 0)
    except (TypeError, ValueError):
        return "0"
    if n < 1000:
        return str(n)
    return f"{n / 1000:.1f}".rstrip("0").rstrip(".") + "k"


@register.inclusion_tag("community/_author.html")
def author_line(author, badges=(), when=None, size="sm"):
    """The author's avatar, name and badges (``{% author_line card.author card.badges card.published_at %}``)."""
    return {"author": author, "badges": badges, "when": when, "size": size}
