"""The inbox's writes. Every module notifies through ``notify``; nobody else writes Notification rows.

The inbox row is written inside the caller's transaction, so it becomes visible exactly when that transaction
commits (a rolled-back order never tells anyone it was placed) and costs no second transaction; nothing is
written when the person muted that kind. Channels that reach outside (push, SMS — added by later modules)
must send from ``transaction.on_commit``.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shequ.notifications.models import Notification, NotificationMute

MUTES_CACHE_SECONDS = 3600
MAX_ACTOR_IDS = 20


def _mutes_key(user_id: int) -> str:
    return f"notif:mutes:{user_id}"


def muted_kinds(*, user_id: int) -> frozenset[str]:
    """The kinds this person muted (cached: checked on every notification they get)."""
    kinds = cache.get(_mutes_key(user_id))
    if kinds is None:
        kinds = sorted(NotificationMute.objects.filter(user_id=user_id).values_list("kind", flat=True))
        cache.set(_mutes_key(user_id), kinds, MUTES_CACHE_SECONDS)
    return frozenset(kinds)


def notify(
    *,
    user,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    data: dict[str, Any] | None = None,
    group_key: str = "",
    actor_id: int | None = None,
) -> Notification | None:
    """Tell ``user`` (a user or a user id) something in their inbox (visible when the caller's transaction
    commits). Returns the row, or None when the person muted this kind."""
    user_id = user if isinstance(user, int) else user.pk
    return _deliver(
        user_id=user_id,
        kind=kind[:32],
        title=str(title)[:120],
        body=str(body)[:500],
        link=link[:300] if link.startswith("/") else "",
        data=data or {},
        group_key=group_key[:120],
        actor_id=actor_id,
    )


def _announce_after_commit(user_id: int) -> None:
    from shequ.notifications.realtime import announce

    transaction.on_commit(lambda: announce(user_id))


def _deliver(
    *,
    user_id: int,
    kind: str,
    title: str,
    body: str,
    link: str,
    data: dict,
    group_key: str,
    actor_id: int | None,
) -> Notification | None:
    if kind in muted_kinds(user_id=user_id):
        return None
    _announce_after_commit(user_id)
    actors = [actor_id] if actor_id is not None else []
    if group_key:
        with transaction.atomic():
            existing = (
                Notification.objects.select_for_update()
                .filter(user_id=user_id, group_key=group_key, read_at__isnull=True)
                .order_by("-updated_at")
                .first()
            )
            if existing is not None:
                if actor_id is not None and actor_id not in existing.actor_ids:
                    existing.actor_ids = [actor_id, *existing.actor_ids][:MAX_ACTOR_IDS]
                    existing.actor_count = F("actor_count") + 1
                existing.title, existing.body, existing.link, existing.data = title, body, link or existing.link, data
                existing.save(update_fields=["actor_ids", "actor_count", "title", "body", "link", "data", "updated_at"])
                existing.refresh_from_db()
                return existing
    return Notification.objects.create(
        user_id=user_id,
        kind=kind,
        title=title,
        body=body,
        link=link,
        data=data,
        group_key=group_key,
        actor_ids=actors,
        actor_count=len(actors),
    )


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read: the given ids (others' ids are ignored) or, with None, all."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        clean = [int(i) for i in ids if str(i).isdigit()][:200]
        if not clean:
            return 0
        unread = unread.filter(pk__in=clean)
    updated = unread.update(read_at=timezone.now())
    if updated:
        _announce_after_commit(user.pk)
    return updated


def notification_open(*, notification: Notification) -> Notification:
    """The person opened one notification: it is read from now on."""
    from shequ.analytics.services import track

    track(notification.user_id, "notification_opened", {"kind": notification.kind, "id": notification.pk})
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _announce_after_commit(notification.user_id)
    return notification


def notification_mute_set(*, user, kind: str, muted: bool) -> None:
    """Stop (or start again) receiving one kind of notification."""
    kind = kind.strip()[:32]
    if muted:
        NotificationMute.objects.get_or_create(user=user, kind=kind)
    else:
        NotificationMute.objects.filter(user=user, kind=kind).delete()
    cache.delete(_mutes_key(user.pk))
