"""The inbox's writes. Every module notifies through ``notify``; nobody else writes Notification rows.

The inbox row is written inside the caller's transaction, so it becomes visible exactly when that transaction
commits (a rolled-back order never tells anyone it was placed) and costs no second transaction; nothing is
written when the person muted that kind. Channels that reach outside (push, SMS — added by later modules)
must send from ``transaction.on_commit``.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, F
from django.utils import timezone

from shequ.notifications.models import Notification, NotificationMute

MAX_ACTOR_IDS = 20


def _not_muted(*, user_id: int, kind: str) -> Exists:
    return ~Exists(NotificationMute.objects.filter(user_id=user_id, kind=kind))


def _insert_unless_muted(row: Notification) -> bool:
    """INSERT ``row`` unless its person muted its kind: the check and the write are one statement. Most rows
    go to someone whose mutes no cache holds yet (a buyer's first order), where a read of the mutes, caching
    them and then the insert would cost three round trips; this costs one, and a mute counts at once."""
    meta, mutes = Notification._meta, NotificationMute._meta
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
    returning = connection.features.can_return_columns_from_insert
    # PostgreSQL types the select list's literals by the target columns (INSERT ... SELECT), as with VALUES.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608
        f"SELECT {', '.join(['%s'] * len(fields))} WHERE NOT EXISTS (SELECT 1 FROM {quote(mutes.db_table)} "
        f"WHERE {quote(mutes.get_field('user').column)} = %s AND {quote(mutes.get_field('kind').column)} = %s)"
        + (f" RETURNING {quote(meta.pk.column)}" if returning else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, row.user_id, row.kind])
        if returning:
            found = cursor.fetchone()
            pk = found[0] if found else None
        else:
            pk = cursor.lastrowid if cursor.rowcount == 1 else None
    if pk is None:
        return False
    row.pk = pk
    row._state.adding, row._state.db = False, connection.alias
    return True


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
    row = _deliver(
        user_id=user_id,
        kind=kind[:32],
        title=str(title)[:120],
        body=str(body)[:500],
        link=link[:300] if link.startswith("/") else "",
        data=data or {},
        group_key=group_key[:120],
        actor_id=actor_id,
    )
    if row is not None:  # written (or a group updated): wake the person's open pages once it commits
        _announce_after_commit(user_id)
    return row


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
    actors = [actor_id] if actor_id is not None else []
    if group_key:
        with transaction.atomic():
            existing = (
                Notification.objects.select_for_update()
                .filter(_not_muted(user_id=user_id, kind=kind), user_id=user_id, group_key=group_key)
                .filter(read_at__isnull=True)
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
    row = Notification(
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
    return row if _insert_unless_muted(row) else None


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
