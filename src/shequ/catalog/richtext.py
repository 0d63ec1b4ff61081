"""Operators write product descriptions in Markdown (or paste HTML); shoppers only ever get sanitised HTML.

markdown-it renders, nh3 (the Rust ammonia sanitiser) keeps a small allow-list of tags and attributes, so a
description can never carry a script, an event handler or a javascript: link onto the storefront.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "a",
    "span",
    "figure",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan"},
    "th": {"colspan"},
}


def render_description(source: str) -> str:
    """Markdown (with inline HTML) → sanitised HTML."""
    if not source:
        return ""
    return nh3.clean(
        _markdown.render(source),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
