"""User text (reviews, follow-ups, questions, answers, poll texts) is stored as plain text: markup is stripped
(scripts and styles with their content), control characters dropped, blank-line runs collapsed. Templates
escape it again when shown, so nothing a user types ever becomes markup."""

from __future__ import annotations

import html
import re

import nh3
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u3000]{2,}")
# Bigger inputs are refused before any parsing (the limit for the cleaned text is checked after).
RAW_LIMIT = 20_000


def plain_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    """The cleaned text, or InvalidInput when it is too long (or empty while ``required``)."""
    text = str(value or "")
    if len(text) > RAW_LIMIT:
        raise _too_long(field, max_length)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for _pass in range(2):  # a second pass catches markup that was entity-escaped once ("&lt;script&gt;")
        text = html.unescape(nh3.clean(text, tags=set()))
    text = _CONTROL.sub("", text)
    text = _BLANK_LINES.sub("\n\n", _SPACES.sub(" ", text)).strip()
    if len(text) > max_length:
        raise _too_long(field, max_length)
    if required and not text:
        raise InvalidInput(f"{field}_required", _("Please write something."), details={"field": field})
    return text


def _too_long(field: str, max_length: int) -> InvalidInput:
    return InvalidInput(
        f"{field}_too_long",
        _("This text is too long (at most %(max)d characters).") % {"max": max_length},
        details={"field": field, "max": max_length},
    )
