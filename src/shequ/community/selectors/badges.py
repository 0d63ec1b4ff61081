"""Badges shown next to authors' names (official, KOL, expert, verified buyer)."""

from __future__ import annotations

from collections import defaultdict

from shequ.community.models import BadgeKind, UserBadge

# The order badges are shown in: the strongest claim first.
ORDER = [BadgeKind.OFFICIAL, BadgeKind.KOL, BadgeKind.EXPERT, BadgeKind.VERIFIED_BUYER]


def badges_by_user(*, user_ids) -> dict[int, list[UserBadge]]:
    """Each user's badges in display order, in one query."""
    ids = {int(i) for i in user_ids if i}
    out: dict[int, list[UserBadge]] = defaultdict(list)
    if not ids:
        return out
    rank = {kind: n for n, kind in enumerate(ORDER)}
    for badge in sorted(UserBadge.objects.filter(user_id__in=ids), key=lambda b: rank.get(b.kind, 99)):
        out[badge.user_id].append(badge)
    return out


def user_badges(*, user_id: int) -> list[UserBadge]:
    return badges_by_user(user_ids=[user_id]).get(user_id, [])
