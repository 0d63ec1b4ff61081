"""The accounts section of "download my data" and "delete my account"."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from shequ.accounts.models import (
    Address,
    OtpChallenge,
    Preferences,
    PrivacySettings,
    SocialAccount,
    User,
)
from shequ.accounts.services.tokens import user_tokens_revoke_all


def export_account(user: User) -> dict[str, Any]:
    privacy = PrivacySettings.objects.filter(user=user).values().first() or {}
    prefs = Preferences.objects.filter(user=user).values().first() or {}
    privacy.pop("user_id", None)
    prefs.pop("user_id", None)
    return {
        "profile": {
            "id": user.pk,
            "phone": user.phone,
            "nickname": user.nickname,
            "bio": user.bio,
            "birthday": user.birthday.isoformat() if user.birthday else None,
            "gender": user.gender,
            "avatar": user.avatar.url if user.avatar else None,
            "date_joined": user.date_joined.isoformat(),
        },
        "privacy": privacy,
        "preferences": prefs,
        "addresses": [
            {
                "recipient": a.recipient,
                "phone": a.phone,
                "province": a.province,
                "city": a.city,
                "district": a.district,
                "detail": a.detail,
                "postal_code": a.postal_code,
                "label": a.label,
                "is_default": a.is_default,
                "created_at": a.created_at.isoformat(),
            }
            for a in Address.objects.filter(user=user)
        ],
        "linked_accounts": [
            {"provider": s.provider, "linked_at": s.created_at.isoformat()}
            for s in SocialAccount.objects.filter(user=user)
        ],
    }


def erase_account(user: User) -> None:
    """Remove every piece of personal data from the account row and its satellites; keep the row.

    The row stays (anonymised, inactive) so orders and content keep a valid foreign key for accounting.
    """
    Address.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    OtpChallenge.objects.filter(phone_hash=user.phone_hash).delete()
    user_tokens_revoke_all(user=user)
    Preferences.objects.filter(user=user).delete()
    PrivacySettings.objects.filter(user=user).delete()
    if user.avatar:
        user.avatar.storage.delete(user.avatar.name)
    user.avatar = ""
    user.phone = ""
    user.phone_hash = f"deleted:{uuid.uuid4().hex}"
    user.nickname = f"已注销用户{user.pk}"
    user.bio = ""
    user.birthday = None
    user.gender = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
