"""Circles: join, leave, and operators appointing moderators (who may hide posts in their circle)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.feeds import feed_sources_invalidate
from shequ.community.models import Circle, CircleMembership, CircleRole
from shequ.community.selectors.circles import circle_get
from shequ.core.errors import Forbidden


def circle_join(*, user, circle_id) -> Circle:
    """Join a circle (joining twice is a no-op)."""
    circle = circle_get(key=circle_id)
    try:
        with transaction.atomic():
            CircleMembership.objects.create(circle=circle, user=user)
            Circle.objects.filter(pk=circle.pk).update(member_count=F("member_count") + 1)
            track(user, "circle_joined", {"circle_id": circle.pk})
    except IntegrityError:
        pass
    feed_sources_invalidate(user_id=user.pk)
    circle.refresh_from_db()
    return circle


def circle_leave(*, user, circle_id) -> Circle:
    """Leave a circle (a moderator leaving gives up the role)."""
    circle = circle_get(key=circle_id)
    with transaction.atomic():
        deleted, _ = CircleMembership.objects.filter(circle=circle, user=user).delete()
        if deleted:
            Circle.objects.filter(pk=circle.pk, member_count__gt=0).update(member_count=F("member_count") - 1)
            track(user, "circle_left", {"circle_id": circle.pk})
    feed_sources_invalidate(user_id=user.pk)
    circle.refresh_from_db()
    return circle


def circle_moderator_set(*, operator, circle_id, user_id: int, moderator: bool = True) -> CircleMembership:
    """Operators: make a person (joining them if needed) a moderator of the circle, or a plain member again."""
    if not operator.is_staff:
        raise Forbidden(Code.NOT_MODERATOR, _("Only operators can appoint moderators."))
    circle = circle_get(key=circle_id)
    with transaction.atomic():
        membership, created = CircleMembership.objects.get_or_create(circle=circle, user_id=user_id)
        if created:
            Circle.objects.filter(pk=circle.pk).update(member_count=F("member_count") + 1)
        membership.role = CircleRole.MODERATOR if moderator else CircleRole.MEMBER
        membership.save(update_fields=["role"])
    return membership
