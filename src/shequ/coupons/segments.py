"""Who a segment is: every active user, users in some loyalty tiers, or users who registered in a window.

Shared by segment issuance batches and campaigns' target segments. Tiers come from the loyalty module's
``user_tier`` selector; while it is missing (a checkout of the tree without loyalty) everybody is in the
lowest tier, code "".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model

CHUNK = 500


@dataclass(frozen=True)
class Segment:
    kind: str = "all"  # SegmentKind
    tier_codes: tuple[str, ...] = ()
    joined_from: datetime | None = None
    joined_until: datetime | None = None

    @classmethod
    def of(cls, obj) -> Segment:
        """The segment described by a model with SegmentFields (a batch, a campaign)."""
        return cls(
            kind=obj.segment,
            tier_codes=parse_codes(obj.tier_codes),
            joined_from=obj.joined_from,
            joined_until=obj.joined_until,
        )


def parse_codes(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (raw or "").split(",") if part.strip())


def tier_code_of(*, user_id: int) -> str:
    """The person's loyalty tier code ("" without the loyalty module)."""
    try:
        from shequ.loyalty.selectors import user_tier
    except ImportError:  # pragma: no cover - loyalty ships with campaigns
        return ""
    return user_tier(user_id=user_id).code


def _users():
    return get_user_model().objects.filter(is_active=True, deleted_at__isnull=True, is_staff=False)


def _by_joined(queryset, segment: Segment):
    if segment.kind == "joined":
        if segment.joined_from:
            queryset = queryset.filter(date_joined__gte=segment.joined_from)
        if segment.joined_until:
            queryset = queryset.filter(date_joined__lt=segment.joined_until)
    return queryset


def segment_user_ids(*, segment: Segment) -> Iterator[int]:
    """Ids of the users in the segment, in id order, read in chunks (a batch over every user stays small)."""
    queryset = _by_joined(_users(), segment)
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return
        for user_id in ids:
            if segment.kind != "tier" or tier_code_of(user_id=user_id) in segment.tier_codes:
                yield user_id
        last = ids[-1]


def user_in_segment(*, user, segment: Segment) -> bool:
    """Whether one person is in the segment (a campaign's coupon claim checks this)."""
    if segment.kind == "all":
        return True
    if segment.kind == "tier":
        return tier_code_of(user_id=user.pk) in segment.tier_codes
    joined = user.date_joined
    if segment.joined_from and joined < segment.joined_from:
        return False
    return not (segment.joined_until and joined >= segment.joined_until)
