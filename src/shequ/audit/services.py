"""Write audit entries. Call from services and admin actions that touch user data on an operator's behalf."""

from __future__ import annotations

from typing import Any

from django.db import models

from shequ.audit.models import AuditAction, AuditEntry

SENSITIVE_FIELDS = {
    "phone",
    "recipient",
    "detail",
    "password",
    "phone_hash",
    "code_hash",
    "key_hash",
    "webhook_secret",
    "secret",
    "api_key",
    "private_key",
}


def _label(obj: Any) -> str:
    try:
        return str(obj)[:200]
    except Exception:  # a broken __str__ must never stop the audit write
        return ""


def mask_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Keep the names of changed sensitive fields but not their values: the log must not leak them."""
    masked = {}
    for field, value in changes.items():
        masked[field] = "***" if field in SENSITIVE_FIELDS else value
    return masked


def audit_record(
    *,
    actor: Any,
    action: str | AuditAction,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_user_id: int | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    ip: str = "",
) -> AuditEntry:
    """Append one entry: who (an operator), did what, to which object, concerning which user, and why."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        if target_user_id is None:
            target_user_id = _target_user_id(target)
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_label=_label(actor)[:80] if actor is not None else "system",
        action=str(action),
        target_type=target_type[:64],
        target_id=str(target_id)[:64],
        target_label=_label(target) if target is not None else "",
        target_user_id=target_user_id,
        changes=mask_changes(changes or {}),
        reason=reason[:300],
        ip=ip[:64],
    )


def _target_user_id(target: models.Model) -> int | None:
    from django.contrib.auth import get_user_model

    if isinstance(target, get_user_model()):
        return target.pk
    return getattr(target, "user_id", None)
