"""The notification kinds people can mute on the settings page, and how grouped rows read.

Grouped rows ("A and 12 others liked your post") are rendered at display time from the number of actors
collected under one ``group_key`` (see services.notify), the latest actor's name (``data.i18n.params.actor``
or ``data.actor_name``) and the sentence below chosen by the group key's prefix (``like:comment``) or the kind.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Kinds shown on the mute settings page, in display order.
COMMUNITY_KINDS: list[tuple[str, object]] = [
    ("like", _("Likes on my posts and comments")),
    ("comment", _("Comments on my posts")),
    ("reply", _("Replies to my comments")),
    ("mention", _("Mentions (@me)")),
    ("follow", _("New followers")),
    ("answer", _("Answers to my questions")),
    ("official_reply", _("Official replies from the brand")),
    ("message", _("Private messages")),
]

# Translators: grouped notifications, e.g. "A 和其他 12 人赞了你的帖子".
GROUPED_TITLES: dict[str, object] = {
    "like:post": ngettext_lazy(
        "%(actor)s and %(others)d other liked your post", "%(actor)s and %(others)d others liked your post", "others"
    ),
    "like:comment": ngettext_lazy(
        "%(actor)s and %(others)d other liked your comment",
        "%(actor)s and %(others)d others liked your comment",
        "others",
    ),
    "like": ngettext_lazy(
        "%(actor)s and %(others)d other liked your post", "%(actor)s and %(others)d others liked your post", "others"
    ),
    "comment": ngettext_lazy(
        "%(actor)s and %(others)d other commented on your post",
        "%(actor)s and %(others)d others commented on your post",
        "others",
    ),
    "reply": ngettext_lazy(
        "%(actor)s and %(others)d other replied to your comment",
        "%(actor)s and %(others)d others replied to your comment",
        "others",
    ),
    "mention": ngettext_lazy(
        "%(actor)s and %(others)d other mentioned you", "%(actor)s and %(others)d others mentioned you", "others"
    ),
    "follow": ngettext_lazy(
        "%(actor)s and %(others)d other followed you", "%(actor)s and %(others)d others followed you", "others"
    ),
    "answer": ngettext_lazy(
        "%(actor)s and %(others)d other answered your question",
        "%(actor)s and %(others)d others answered your question",
        "others",
    ),
    "message:requests": ngettext_lazy(
        "%(actor)s and %(others)d other want to send you a message",
        "%(actor)s and %(others)d others want to send you a message",
        "others",
    ),
}


def grouped_title_template(*, kind: str, group_key: str):
    """The grouped sentence for a row, or None when this kind has none."""
    prefix = ":".join(group_key.split(":")[:2]) if group_key else ""
    if prefix in GROUPED_TITLES:
        return GROUPED_TITLES[prefix]
    if kind == "message":  # one conversation: its own row per conversation, not "and N others"
        return None
    return GROUPED_TITLES.get(kind)
