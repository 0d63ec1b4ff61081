"""Share links: each share gets its own short code, so visits (and later orders) are attributed to the
person who shared. Visiting a link counts a click, tracks the visit with the sharer, and lands on the post."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.models import Post, ShareLink
from shequ.community.services.posts import post_hot_score_refresh
from shequ.community.services.reactions import _published_post
from shequ.core.errors import NotFound

CHANNELS = {"wechat", "moments", "weibo", "qq", "copy", "other"}


def share_create(*, user, post_id, channel: str = "copy") -> ShareLink:
    """A share link for a post the person can see (one new link per share, counted on the post)."""
    post = _published_post(user=user, post_id=post_id)
    channel = channel if channel in CHANNELS else "other"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                link = ShareLink.objects.create(
                    code=secrets.token_urlsafe(8)[:11], sharer=user, post=post, channel=channel
                )
                Post.objects.filter(pk=post.pk).update(share_count=F("share_count") + 1)
                post_hot_score_refresh(post_id=post.pk, published_at=post.published_at)
                track(user, "post_shared", {"post_id": post.pk, "channel": channel, "code": link.code})
            return link
        except IntegrityError:  # a code collision (1 in 2^64): draw again
            continue
    raise RuntimeError("could not draw a unique share code")


def share_visit(*, code: str, visitor) -> ShareLink:
    """Someone opened a share link: count it and track it with the sharer (the caller redirects to the post
    and keeps ``code`` for attribution of what the visitor does next)."""
    link = ShareLink.objects.filter(code=(code or "")[:16]).select_related("post").first()
    if link is None or link.post_id is None:
        raise NotFound(Code.SHARE_NOT_FOUND, _("This link is not valid."))
    ShareLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
    subject = visitor if getattr(visitor, "is_authenticated", False) else None
    track(
        subject,
        "share_link_visited",
        {"code": link.code, "sharer_id": link.sharer_id, "post_id": link.post_id, "channel": link.channel},
    )
    return link
