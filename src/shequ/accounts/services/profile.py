"""Edit what a person tells about themselves: profile, avatar, password, privacy and preferences."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shequ.accounts import vocabulary
from shequ.accounts.avatars import process_avatar
from shequ.accounts.error_codes import AccountsErrorCode as Code
from shequ.accounts.models import (
    Gender,
    MessagePermission,
    PostsVisibility,
    Preferences,
    PrivacySettings,
    User,
)
from shequ.accounts.services.tokens import user_tokens_revoke_all
from shequ.accounts.validation import (
    clean_text,
    reject_html,
    validate_birthday,
    validate_choice,
    validate_nickname,
    validate_plain_text,
)
from shequ.analytics.services import track
from shequ.core.domain_events import publish
from shequ.core.errors import Conflict, InvalidInput

UNSET: Any = object()


def user_profile_update(
    *, user: User, nickname: str = UNSET, bio: str = UNSET, birthday: date | None = UNSET, gender: str = UNSET
) -> User:
    """Change the given profile fields (others stay); all are checked before anything is saved."""
    changed: list[str] = []
    if nickname is not UNSET:
        nickname = validate_nickname(nickname)
        if nickname != user.nickname:
            taken = User.objects.filter(nickname__iexact=nickname).exclude(pk=user.pk).exists()
            if taken:
                raise Conflict(Code.NICKNAME_TAKEN, _("This nickname is already taken."), details={"field": "nickname"})
            user.nickname = nickname
            changed.append("nickname")
    if bio is not UNSET:
        user.bio = validate_plain_text(bio or "", field="bio", max_length=200)
        changed.append("bio")
    if birthday is not UNSET:
        user.birthday = validate_birthday(birthday)
        changed.append("birthday")
    if gender is not UNSET:
        user.gender = validate_choice(gender or "", Gender, field="gender")
        changed.append("gender")
    if changed:
        try:
            with transaction.atomic():
                user.save(update_fields=changed)
        except IntegrityError as exc:  # lost a race for the same nickname
            raise Conflict(
                Code.NICKNAME_TAKEN, _("This nickname is already taken."), details={"field": "nickname"}
            ) from exc
        track(user, "profile_updated", {"fields": changed})
        publish("profile.updated", user_id=user.pk, complete=profile_is_complete(user))
    return user


def profile_is_complete(user: User) -> bool:
    """A complete profile (the new-user task): nickname, birthday, gender and a bio."""
    return bool(user.nickname and user.birthday and user.gender and (user.bio or "").strip())


def user_avatar_set(*, user: User, upload: UploadedFile) -> User:
    """Replace the avatar with a processed copy of the upload; the old file is removed."""
    content = process_avatar(upload)
    old = user.avatar.name if user.avatar else ""
    user.avatar.save(content.name, content, save=False)
    user.save(update_fields=["avatar"])
    if old and old != user.avatar.name:
        user.avatar.storage.delete(old)
    track(user, "avatar_updated")
    return user


def user_password_set(*, user: User, new_password: str, current_password: str | None = None) -> User:
    """Set a password; when one exists the current one is required. Other logins are signed out."""
    if user.has_usable_password() and not user.check_password(current_password or ""):
        raise InvalidInput(
            Code.PASSWORD_WRONG, _("The current password is wrong."), details={"field": "current_password"}
        )
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput(Code.PASSWORD_INVALID, " ".join(exc.messages), details={"field": "new_password"}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_tokens_revoke_all(user=user)
    track(user, "password_changed")
    return user


def privacy_update(*, user: User, **fields: Any) -> PrivacySettings:
    """Change privacy settings; unknown fields and values are refused."""
    privacy, _created = PrivacySettings.objects.get_or_create(user=user)
    choices = {
        "posts_visibility": PostsVisibility,
        "follows_visibility": PostsVisibility,
        "messages_from": MessagePermission,
    }
    flags = {"personalised_recommendations", "marketing_messages", "discoverable"}
    for name, value in fields.items():
        if value is None:
            continue
        if name in choices:
            setattr(privacy, name, validate_choice(value, choices[name], field=name))
        elif name in flags:
            setattr(privacy, name, bool(value))
        else:
            raise InvalidInput(Code.CHOICE_INVALID, _("Unknown setting."), details={"field": name})
    privacy.save()
    track(user, "privacy_updated", {k: v for k, v in fields.items() if v is not None})
    return privacy


def _clean_words(values: list[str], *, field: str, max_items: int = 20, max_length: int = 24) -> list[str]:
    if len(values) > max_items:
        raise InvalidInput(
            Code.TEXT_TOO_LONG, _("Choose at most %(max)d.") % {"max": max_items}, details={"field": field}
        )
    out: list[str] = []
    for raw in values:
        word = clean_text(str(raw))
        reject_html(word, field)
        if not word or len(word) > max_length:
            raise InvalidInput(
                Code.CHOICE_INVALID,
                _("Each choice is 1–%(max)d characters.") % {"max": max_length},
                details={"field": field},
            )
        if word not in out:
            out.append(word)
    return out


def preferences_update(
    *,
    user: User,
    categories: list[str] | None = None,
    brands: list[str] | None = None,
    flavours: list[str] | None = None,
    pack_sizes: list[str] | None = None,
    dietary_tags: list[str] | None = None,
) -> Preferences:
    """Replace the given preference lists; they steer recommendations and which campaigns reach the user."""
    prefs, _created = Preferences.objects.get_or_create(user=user)
    if categories is not None:
        prefs.categories = _clean_words(categories, field="categories")
    if brands is not None:
        prefs.brands = _clean_words(brands, field="brands")
    if flavours is not None:
        prefs.flavours = _clean_words(flavours, field="flavours")
    if pack_sizes is not None:
        prefs.pack_sizes = [
            validate_choice(v, vocabulary.PACK_SIZES, field="pack_sizes")
            for v in _clean_words(pack_sizes, field="pack_sizes")
        ]
    if dietary_tags is not None:
        prefs.dietary_tags = [
            validate_choice(v, vocabulary.DIETARY_TAGS, field="dietary_tags")
            for v in _clean_words(dietary_tags, field="dietary_tags")
        ]
    prefs.save()
    publish("preferences.updated", user_id=user.pk)
    track(
        user,
        "preferences_updated",
        {
            "categories": prefs.categories,
            "dietary_tags": prefs.dietary_tags,
            "pack_sizes": prefs.pack_sizes,
            "brands": prefs.brands,
            "flavours": prefs.flavours,
        },
    )
    return prefs
