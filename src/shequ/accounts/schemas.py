"""API shapes for accounts. Length limits here stop oversized input before any service runs."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class OtpRequestIn(Schema):
    phone: str = Field(..., max_length=32, examples=["13800138000"])
    purpose: str = Field("login", max_length=24)


class OtpSentOut(Schema):
    expires_in: int
    resend_in: int


class OtpLoginIn(Schema):
    phone: str = Field(..., max_length=32)
    code: str = Field(..., max_length=12)


class PasswordLoginIn(Schema):
    phone: str = Field(..., max_length=32)
    password: str = Field(..., max_length=128)


class RefreshIn(Schema):
    refresh_token: str = Field(..., max_length=128)


class MeOut(Schema):
    id: int
    nickname: str
    phone_masked: str
    avatar_url: str | None
    bio: str
    birthday: date | None
    gender: str
    date_joined: datetime
    has_password: bool
    is_operator: bool


class TokenOut(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_expires_in: int
    created: bool = False
    user: MeOut


class ProfilePatchIn(Schema):
    nickname: str | None = Field(None, max_length=64)
    bio: str | None = Field(None, max_length=1000)
    birthday: date | None = None
    gender: str | None = Field(None, max_length=16)


class PasswordIn(Schema):
    new_password: str = Field(..., max_length=128)
    current_password: str | None = Field(None, max_length=128)


class PrivacyOut(Schema):
    posts_visibility: str
    follows_visibility: str
    messages_from: str
    personalised_recommendations: bool
    marketing_messages: bool
    discoverable: bool


class PrivacyIn(Schema):
    posts_visibility: str | None = Field(None, max_length=16)
    follows_visibility: str | None = Field(None, max_length=16)
    messages_from: str | None = Field(None, max_length=16)
    personalised_recommendations: bool | None = None
    marketing_messages: bool | None = None
    discoverable: bool | None = None


class PreferencesOut(Schema):
    categories: list[str]
    brands: list[str]
    flavours: list[str]
    pack_sizes: list[str]
    dietary_tags: list[str]


class PreferencesIn(Schema):
    categories: list[str] | None = Field(None, max_length=50)
    brands: list[str] | None = Field(None, max_length=50)
    flavours: list[str] | None = Field(None, max_length=50)
    pack_sizes: list[str] | None = Field(None, max_length=50)
    dietary_tags: list[str] | None = Field(None, max_length=50)


class AddressIn(Schema):
    recipient: str = Field(..., max_length=100)
    phone: str = Field(..., max_length=32)
    province: str = Field(..., max_length=64)
    city: str = Field(..., max_length=64)
    district: str = Field(..., max_length=64)
    detail: str = Field(..., max_length=300)
    postal_code: str = Field("", max_length=12)
    label: str = Field("", max_length=32)
    is_default: bool = False


class AddressOut(Schema):
    id: int
    recipient: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    postal_code: str
    label: str
    is_default: bool
    updated_at: datetime


class DeleteAccountIn(Schema):
    code: str = Field(..., max_length=12)


class OAuthCodeIn(Schema):
    code: str = Field(..., max_length=256)


class OAuthUrlOut(Schema):
    url: str
    state: str


class OAuthResultOut(Schema):
    status: str
    bind_token: str | None = None
    tokens: TokenOut | None = None


class OAuthBindIn(Schema):
    bind_token: str = Field(..., max_length=2000)
    phone: str = Field(..., max_length=32)
    code: str = Field(..., max_length=12)
