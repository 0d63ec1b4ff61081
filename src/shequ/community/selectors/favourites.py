"""The posts a person saved."""

from __future__ import annotations

from shequ.community.models import Favourite


def favourite_post_ids(*, user, limit: int = 20, offset: int = 0) -> list[int]:
    """Ids of the posts the user saved, most recently saved first."""
    return list(
        Favourite.objects.filter(user_id=user.pk)
        .order_by("-created_at", "-id")
        .values_list("post_id", flat=True)[offset : offset + limit]
    )
