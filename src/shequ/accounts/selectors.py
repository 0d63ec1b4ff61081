"""Reads for the accounts pages and API."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import QuerySet

from shequ.accounts.models import Address, Preferences, PrivacySettings, User
from shequ.core.crypto import lookup_hash


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user).order_by("-is_default", "-updated_at")


@functools.cache
def _checkout_address_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in Address._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {quote(Address._meta.db_table)} WHERE {quote('user_id')} = %s "  # noqa: S608
        f"ORDER BY {quote('is_default')} DESC, {quote('updated_at')} DESC LIMIT 1"
    )


def address_for_checkout(*, user: User) -> Address | None:
    """The address an order goes to when the buyer names none: the default, else the one changed last (the
    first of ``address_list``). One statement built once per process: the ORM compiled it anew for every
    order, half the cost of reading it (~0.35 ms), and a flash sale places hundreds a second."""
    return next(iter(Address.objects.raw(_checkout_address_sql(), [user.pk])), None)


def privacy_get(*, user: User) -> PrivacySettings:
    privacy, _ = PrivacySettings.objects.get_or_create(user=user)
    return privacy


def preferences_get(*, user: User) -> Preferences:
    prefs, _ = Preferences.objects.get_or_create(user=user)
    return prefs


def user_find_by_phone(*, e164: str) -> User | None:
    return User.objects.filter(phone_hash=lookup_hash(e164)).first()


def active_user_get(*, user_id: int) -> User | None:
    """The active account with this id: background jobs acting for a user (a queued order) start here."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def users_by_ids(*, ids: list[int]) -> dict[int, User]:
    """Users for display (nickname, avatar) in one query; other apps use this instead of joining."""
    return {u.pk: u for u in User.objects.filter(pk__in=ids).only("id", "nickname", "avatar", "deleted_at")}


def consumer_ids(*, limit: int = 100_000) -> list[int]:
    """Ids of active, non-operator accounts (seeders and batch jobs iterate over these)."""
    return list(User.objects.filter(is_active=True, is_staff=False).order_by("pk").values_list("pk", flat=True)[:limit])


def users_by_nicknames(*, nicknames: list[str]) -> dict[str, User]:
    """Lower-cased nickname → active account, for @mentions (nicknames are unique ignoring case)."""
    from django.db.models.functions import Lower

    wanted = {n.lower() for n in nicknames if n}
    if not wanted:
        return {}
    users = (
        User.objects.annotate(nickname_lower=Lower("nickname"))
        .filter(nickname_lower__in=wanted, is_active=True, deleted_at__isnull=True)
        .only("id", "nickname", "avatar")
    )
    return {u.nickname.lower(): u for u in users}
