"""Template helpers of the reviews module: the product page blocks, stars, and how people are named."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def product_block(context, name: str) -> str:
    """One of the product page's blocks ("rating", "reviews", "qa") for ``ref``; the three are fetched together
    once per request."""
    from shequ.reviews.blocks import product_blocks

    ref = context.get("ref")
    if ref is None:
        return ""
    request = context.get("request")
    blocks = getattr(request, "_reviews_blocks", None)
    if blocks is None or blocks[0] != ref.id:
        blocks = (ref.id, product_blocks(product_id=ref.id))
        if request is not None:
            request._reviews_blocks = blocks
    return mark_safe(blocks[1].get(name, ""))  # noqa: S308 - rendered by our own templates (autoescaped)


@register.filter
def stars(value) -> str:
    """★★★★☆ for 4 (a number of stars, rounded)."""
    try:
        count = max(0, min(5, round(float(value))))
    except (TypeError, ValueError):
        count = 0
    return "★" * count + "☆" * (5 - count)


@register.filter
def author_name(item) -> str:
    """A review's, question's or answer's author as shown (masked when anonymous)."""
    from shequ.reviews.presentation import author_name as name

    return name(item)


@register.filter
def percent(part, whole) -> int:
    try:
        return round(100 * int(part) / int(whole)) if int(whole) else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def in_set(value, collection) -> bool:
    return value in (collection or ())


@register.filter
def top_answer(question):
    """The answer to show under a question: the chosen best answer, else the top one (official, most liked)."""
    if question.best_answer_id and question.best_answer is not None:
        return question.best_answer
    shown = getattr(question, "shown_answers", None) or []
    return shown[0] if shown else None
