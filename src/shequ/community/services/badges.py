"""Badges (official brand account, KOL, expert, verified buyer): granted and revoked by operators."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shequ.audit.services import audit_record
from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.models import BadgeKind, UserBadge
from shequ.core.errors import Forbidden, InvalidInput


def badge_grant(*, operator, user_id: int, kind: str, label: str = "") -> UserBadge:
    """Give a person a badge (or change its label); audit-logged."""
    if not operator.is_staff:
        raise Forbidden(Code.NOT_MODERATOR, _("Only operators can grant badges."))
    if kind not in BadgeKind.values:
        raise InvalidInput(Code.BADGE_INVALID, _("Choose one of the offered badges."), details={"field": "kind"})
    with transaction.atomic():
        badge, _created = UserBadge.objects.update_or_create(
            user_id=user_id, kind=kind, defaults={"label": (label or "").strip()[:40], "granted_by_id": operator.pk}
        )
        audit_record(actor=operator, action="create", target=badge, changes={"kind": kind, "label": badge.label})
    return badge


def badge_revoke(*, operator, user_id: int, kind: str) -> None:
    """Take a badge away; audit-logged."""
    if not operator.is_staff:
        raise Forbidden(Code.NOT_MODERATOR, _("Only operators can revoke badges."))
    with transaction.atomic():
        for badge in UserBadge.objects.filter(user_id=user_id, kind=kind):
            audit_record(actor=operator, action="delete", target=badge)
            badge.delete()


def verified_buyer_grant(*, user_id: int) -> None:
    """Give the verified-buyer badge (for the reviews module when a buyer reviews a completed order)."""
    UserBadge.objects.get_or_create(user_id=user_id, kind=BadgeKind.VERIFIED_BUYER)
