"""Checks on what people type into their profile. Each raises InvalidInput with a code and a message."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.accounts.error_codes import AccountsErrorCode as Code
from shequ.core.errors import InvalidInput

NICKNAME_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9_\-·]{2,20}$")
RESERVED_NICKNAMES = {
    "admin",
    "administrator",
    "root",
    "system",
    "shequ",
    "official",
    "官方",
    "客服",
    "管理员",
    "系统",
    "社区官方",
    "品牌官方",
}
_HTML_RE = re.compile(r"<\s*[a-zA-Z!/?]|&#?\w+;")


def clean_text(value: str) -> str:
    """Normalise to NFC and drop control characters (they break layouts and hide spoofing)."""
    value = unicodedata.normalize("NFC", value or "")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def reject_html(value: str, field: str) -> None:
    if _HTML_RE.search(value):
        raise InvalidInput(Code.HTML_NOT_ALLOWED, _("HTML is not allowed here."), details={"field": field})


def validate_nickname(value: str) -> str:
    nickname = clean_text(value)
    reject_html(nickname, "nickname")
    if not NICKNAME_RE.match(nickname):
        raise InvalidInput(
            Code.NICKNAME_INVALID,
            _("Nicknames are 2–20 characters: Chinese, letters, digits, _ or -."),
            details={"field": "nickname"},
        )
    lowered = nickname.lower()
    if lowered in RESERVED_NICKNAMES or any(word in lowered for word in ("官方", "admin", "客服")):
        raise InvalidInput(Code.NICKNAME_INVALID, _("This nickname is reserved."), details={"field": "nickname"})
    return nickname


def validate_plain_text(value: str, *, field: str, max_length: int) -> str:
    text = clean_text(value)
    reject_html(text, field)
    if len(text) > max_length:
        raise InvalidInput(
            Code.TEXT_TOO_LONG,
            _("This text is too long (at most %(max)d characters).") % {"max": max_length},
            details={"field": field, "max_length": max_length},
        )
    return text


def validate_birthday(value: date | None) -> date | None:
    if value is None:
        return None
    today = timezone.localdate()
    if value > today or value.year < today.year - 120:
        raise InvalidInput(Code.BIRTHDAY_INVALID, _("Enter a real birthday."), details={"field": "birthday"})
    return value


def validate_choice(value: str, choices: list[tuple[str, object]] | type, *, field: str) -> str:
    allowed = {c[0] for c in choices} if isinstance(choices, list) else set(choices.values)
    if value not in allowed:
        raise InvalidInput(
            Code.CHOICE_INVALID,
            _("Choose one of the offered options."),
            details={"field": field, "allowed": sorted(str(a) for a in allowed)},
        )
    return value
