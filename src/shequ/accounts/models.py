"""Accounts: people (consumers and operators), how they prove who they are, and what they told us.

A user is keyed on a mobile phone number. The number is stored encrypted; ``phone_hash`` (a keyed HMAC of
the E.164 number) is the unique login key, so the database never holds a number in clear text.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.crypto import lookup_hash
from shequ.core.errors import InvalidInput
from shequ.core.fields import EncryptedTextField
from shequ.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        """Find a user by the phone number as typed; Django's auth backend and admin login call this."""
        from shequ.accounts.phones import normalise_phone

        try:
            e164 = normalise_phone(username)
        except InvalidInput:
            raise self.model.DoesNotExist from None
        return self.get(phone_hash=lookup_hash(e164))

    def create_user(self, phone: str, password: str | None = None, **fields) -> User:
        from shequ.accounts.phones import normalise_phone

        e164 = normalise_phone(phone)
        user = self.model(phone=e164, phone_hash=lookup_hash(e164), **fields)
        if not user.nickname:
            user.nickname = default_nickname()
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone_hash: str | None = None, password: str | None = None, **fields) -> User:
        # `createsuperuser` passes the typed phone number as USERNAME_FIELD.
        phone = fields.pop("phone", None) or phone_hash
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(phone, password, **fields)


def default_nickname() -> str:
    return f"用户{uuid.uuid4().hex[:8]}"


class Gender(models.TextChoices):
    UNSPECIFIED = "", _("Prefer not to say")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


def avatar_upload_to(instance: User, filename: str) -> str:
    return f"avatars/{instance.pk}/{uuid.uuid4().hex}.jpg"


class User(AbstractBaseUser, PermissionsMixin):
    phone = EncryptedTextField(_("mobile phone (encrypted)"), blank=True)
    phone_hash = models.CharField(_("mobile phone"), max_length=80, unique=True)
    nickname = models.CharField(_("nickname"), max_length=20)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_upload_to, blank=True)
    bio = models.CharField(_("bio"), max_length=200, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    is_staff = models.BooleanField(_("operator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now, db_index=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "phone_hash"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("nickname"), name="accounts_user_nickname_ci_unique")]

    def __str__(self) -> str:
        return self.nickname

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self._forget_cached()

    def delete(self, *args, **kwargs):
        pk = self.pk
        result = super().delete(*args, **kwargs)
        self._forget_cached(pk)
        return result

    def _forget_cached(self, pk=None) -> None:
        """Drop the copy the session backend keeps (auth_backend.py), now and again once this commits, so a
        request that read the old row in between cannot keep it."""
        from django.core.cache import cache
        from django.db import transaction

        from shequ.accounts.auth_backend import user_cache_key

        key = user_cache_key(pk or self.pk)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))

    @property
    def phone_masked(self) -> str:
        from shequ.accounts.phones import mask_phone

        return mask_phone(self.phone)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostsVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    FOLLOWERS = "followers", _("My followers")
    PRIVATE = "private", _("Only me")


class MessagePermission(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    FOLLOWING = "following", _("People I follow")
    NOBODY = "nobody", _("Nobody")


class PrivacySettings(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="privacy")
    posts_visibility = models.CharField(max_length=16, choices=PostsVisibility.choices, default=PostsVisibility.PUBLIC)
    follows_visibility = models.CharField(
        max_length=16, choices=PostsVisibility.choices, default=PostsVisibility.PUBLIC
    )
    messages_from = models.CharField(
        max_length=16, choices=MessagePermission.choices, default=MessagePermission.EVERYONE
    )
    personalised_recommendations = models.BooleanField(default=True)
    marketing_messages = models.BooleanField(default=True)
    discoverable = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def __str__(self) -> str:
        return f"privacy of user {self.user_id}"


class Preferences(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="preferences")
    categories = models.JSONField(default=list, blank=True)
    brands = models.JSONField(default=list, blank=True)
    flavours = models.JSONField(default=list, blank=True)
    pack_sizes = models.JSONField(default=list, blank=True)
    dietary_tags = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"


class Address(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    recipient = EncryptedTextField(_("recipient"))
    phone = EncryptedTextField(_("phone"))
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("city"), max_length=32)
    district = models.CharField(_("district"), max_length=32)
    detail = EncryptedTextField(_("street address"))
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    label = models.CharField(_("label"), max_length=16, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-updated_at"]
        indexes = [models.Index(fields=["user", "-is_default", "-updated_at"], name="accounts_addr_user_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="accounts_address_one_default_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province}{self.city}{self.district}"


class OtpPurpose(models.TextChoices):
    LOGIN = "login", _("log in or sign up")
    DELETE_ACCOUNT = "delete_account", _("delete account")
    CHANGE_PHONE = "change_phone", _("change phone number")


class OtpChallenge(models.Model):
    """One SMS code sent to one phone for one purpose. Only its keyed hash is stored."""

    phone_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=24, choices=OtpPurpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    ip = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone_hash", "purpose", "-created_at"], name="accounts_otp_lookup"),
            models.Index(fields=["created_at"], name="accounts_otp_created"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code #{self.pk}"


class TokenKind(models.TextChoices):
    ACCESS = "access", _("access")
    REFRESH = "refresh", _("refresh")


class ApiToken(models.Model):
    """An opaque bearer token (only its SHA-256 is stored); a login's tokens share one ``family``.

    Opaque tokens rather than JWTs: revoking one is a row update that takes effect on the next request,
    with no deny-list to keep in step, and a refresh token that is presented twice (a sign of theft)
    revokes its whole family.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    kind = models.CharField(max_length=8, choices=TokenKind.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    family = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    ip = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["family"], name="accounts_token_family"),
            models.Index(fields=["user", "revoked_at"], name="accounts_token_user_live"),
            models.Index(fields=["expires_at"], name="accounts_token_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} token #{self.pk}"


class SocialAccount(TimeStampedModel):
    """A third-party identity (WeChat openid/unionid) linked to a user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="social_accounts")
    provider = models.CharField(max_length=32)
    uid = models.CharField(max_length=128)
    unionid = models.CharField(max_length=128, blank=True)
    profile = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")
        constraints = [
            models.UniqueConstraint(fields=["provider", "uid"], name="accounts_social_provider_uid_unique"),
            models.UniqueConstraint(fields=["user", "provider"], name="accounts_social_one_per_provider"),
        ]
