"""The hot score of a post, which the hot feed sorts by (index ``status, -hot_score``).

    engagement = likes + 2·comments + 3·favourites + 4·shares
    hot_score  = log10(max(1, engagement)) + (published_at − 2025-01-01) / 45 000 s

This is the "Reddit" form of time decay: instead of dividing engagement by a growing age factor (which would
mean rewriting every post's score every few minutes — a million rows), the *newer* a post is the higher its
baseline, so each post's score only changes when someone engages with it. The ranking is the same as
``engagement / 10^(age / 12.5 h)``: a post 12.5 hours older needs ten times the engagement to rank level.
Weights reflect effort: sharing or saving a post says more than a tap on ♥. The logarithm stops a viral
post from pinning the feed for days. The services recompute the score in SQL right after every counter
change (``post_hot_score_refresh``), so concurrent likes cannot leave a stale score behind.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from django.db.models import F, FloatField, Value
from django.db.models.functions import Cast, Greatest, Log

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
DECAY_SECONDS = 45_000.0
WEIGHTS = {"like_count": 1, "comment_count": 2, "favourite_count": 3, "share_count": 4}


def time_part(published_at: datetime | None) -> float:
    if published_at is None:
        return 0.0
    return (published_at - EPOCH).total_seconds() / DECAY_SECONDS


def hot_score(*, likes: int, comments: int, favourites: int, shares: int, published_at: datetime | None) -> float:
    """The score for these counts (Python twin of ``hot_score_expression``; used by seeds and tests)."""
    engagement = likes + 2 * comments + 3 * favourites + 4 * shares
    return math.log10(max(1, engagement)) + time_part(published_at)


def hot_score_expression(published_at: datetime | None):
    """The same formula as an SQL expression over the row's current counters."""
    engagement = sum((F(field) * weight for field, weight in WEIGHTS.items()), Value(0))
    return Log(Value(10.0), Cast(Greatest(engagement, Value(1)), FloatField())) + Value(time_part(published_at))
