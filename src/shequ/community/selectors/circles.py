"""Circles (interest groups): lists, one circle, membership and moderators."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.models import Circle, CircleMembership, CircleRole
from shequ.core.errors import NotFound


def circle_not_found() -> NotFound:
    return NotFound(Code.CIRCLE_NOT_FOUND, _("This circle does not exist."))


def circle_get(*, key: str | int) -> Circle:
    """The active circle with this slug or id, or NotFound."""
    text = str(key).strip()[:60]
    circle = Circle.objects.filter(slug=text, is_active=True).first()
    if circle is None and text.isdigit() and len(text) < 19:
        circle = Circle.objects.filter(pk=int(text), is_active=True).first()
    if circle is None:
        raise circle_not_found()
    return circle


def circle_list(*, limit: int = 50) -> QuerySet[Circle]:
    return Circle.objects.filter(is_active=True).order_by("-is_official", "-member_count", "id")[:limit]


def joined_circle_ids(*, user_id: int) -> list[int]:
    """The circles ``user_id`` is a member of, most recently joined first."""
    if not user_id:
        return []
    return list(
        CircleMembership.objects.filter(user_id=user_id)
        .order_by("-joined_at", "-id")
        .values_list("circle_id", flat=True)
    )


def circle_role(*, circle_id: int, user_id: int | None) -> str | None:
    """ "member", "moderator" or None."""
    if not user_id:
        return None
    return CircleMembership.objects.filter(circle_id=circle_id, user_id=user_id).values_list("role", flat=True).first()


def is_circle_moderator(*, circle_id: int | None, user_id: int | None) -> bool:
    if not circle_id or not user_id:
        return False
    return CircleMembership.objects.filter(circle_id=circle_id, user_id=user_id, role=CircleRole.MODERATOR).exists()


def circle_moderators(*, circle_id: int) -> list:
    return [
        m.user
        for m in CircleMembership.objects.filter(circle_id=circle_id, role=CircleRole.MODERATOR)
        .select_related("user")
        .order_by("joined_at")
    ]
