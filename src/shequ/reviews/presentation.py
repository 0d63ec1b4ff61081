"""How reviews, questions and answers name their authors (pages and API alike)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def _masked(nickname: str) -> str:
    return f"{nickname[:1]}***" if nickname else "***"


def author_name(item) -> str:
    """The author as shown: masked when the review is anonymous, "Former member" when the account is gone."""
    user = getattr(item, "user", None)
    nickname = getattr(user, "nickname", "") or ""
    if getattr(item, "is_anonymous", False):
        return _("Anonymous (%(name)s)") % {"name": _masked(nickname)}
    if user is None or getattr(user, "deleted_at", None) or not user.is_active:
        return _("Former member")
    return nickname or _masked("")
