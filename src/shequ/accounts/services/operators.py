"""Create and manage back-office operators."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shequ.accounts.models import User
from shequ.accounts.phones import normalise_phone
from shequ.accounts.roles import ROLES, roles_sync
from shequ.accounts.services.auth import user_get_or_create_by_phone
from shequ.audit.models import AuditAction
from shequ.audit.services import audit_record
from shequ.core.crypto import lookup_hash
from shequ.core.errors import InvalidInput


def generate_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))


@transaction.atomic
def operator_create(
    *,
    phone: str,
    password: str | None = None,
    nickname: str = "",
    roles: list[str],
    superuser: bool = False,
    actor: User | None = None,
) -> tuple[User, str | None]:
    """Make (or update) an operator with the given roles; return the user and the password if one was set."""
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise InvalidInput("role_unknown", _("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)})
    e164 = normalise_phone(phone)
    user, created = user_get_or_create_by_phone(e164=e164, nickname=nickname)
    if (
        nickname
        and user.nickname != nickname
        and not User.objects.filter(nickname__iexact=nickname).exclude(pk=user.pk).exists()
    ):
        user.nickname = nickname
    user.is_staff = True
    user.is_superuser = superuser or user.is_superuser
    if password is not None:
        user.set_password(password)
    user.save()
    roles_sync()
    user.groups.set(Group.objects.filter(name__in=roles))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        target=user,
        changes={
            "is_staff": True,
            "roles": roles,
            "superuser": user.is_superuser,
            "password": "set" if password else "unchanged",
        },
        reason="operator_create",
    )
    return user, password


def demo_operator_ensure(*, phone: str, credentials_file) -> str:
    """Create the demo admin (and one operator per role) once; return the admin's password.

    The password is kept in the data directory so `shequ demo` can print it again on later runs; if
    someone changed it since, a new one is set and printed.
    """
    path = Path(credentials_file)
    saved = path.read_text().strip() if path.exists() else ""
    existing = User.objects.filter(phone_hash=lookup_hash(normalise_phone(phone))).first()
    if existing is not None and saved and existing.check_password(saved) and existing.is_staff:
        return saved
    password = generate_password()
    operator_create(phone=phone, password=password, nickname="品牌运营Demo", roles=["admin"], superuser=True)
    for offset, role in enumerate(ROLES, start=1):
        if role != "admin":
            nickname = f"demo-{role}"[:20]  # nicknames are at most 20 characters
            operator_create(phone=f"1380000{offset:04d}", password=password, nickname=nickname, roles=[role])
    path.write_text(password)
    path.chmod(0o600)
    return password
