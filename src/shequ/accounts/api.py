"""Accounts API: thin endpoints that parse, call one service or selector, and shape the answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Status, UploadedFile

from shequ.accounts import selectors
from shequ.accounts.access import address_get_for_user
from shequ.accounts.api_auth import user_auth
from shequ.accounts.models import User
from shequ.accounts.schemas import (
    AddressIn,
    AddressOut,
    DeleteAccountIn,
    ErrorOut,
    MeOut,
    OAuthBindIn,
    OAuthCodeIn,
    OAuthResultOut,
    OAuthUrlOut,
    OtpLoginIn,
    OtpRequestIn,
    OtpSentOut,
    PasswordIn,
    PasswordLoginIn,
    PreferencesIn,
    PreferencesOut,
    PrivacyIn,
    PrivacyOut,
    ProfilePatchIn,
    RefreshIn,
    TokenOut,
)
from shequ.accounts.services import addresses as address_services
from shequ.accounts.services import auth, data_rights, oauth, otp, profile, tokens
from shequ.core.clients import client_ip

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}

auth_router = Router(tags=["auth"])
me_router = Router(tags=["me"], auth=user_auth)


def me_out(user: User) -> dict:
    return {
        "id": user.pk,
        "nickname": user.nickname,
        "phone_masked": user.phone_masked,
        "avatar_url": user.avatar.url if user.avatar else None,
        "bio": user.bio,
        "birthday": user.birthday,
        "gender": user.gender,
        "date_joined": user.date_joined,
        "has_password": user.has_usable_password(),
        "is_operator": user.is_staff,
    }


def _tokens_out(request: HttpRequest, user: User, created: bool = False) -> dict:
    pair = tokens.token_pair_issue(user=user, user_agent=request.headers.get("User-Agent", ""), ip=client_ip(request))
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expires_in": pair.expires_in,
        "refresh_expires_in": pair.refresh_expires_in,
        "created": created,
        "user": me_out(user),
    }


# --- auth ---------------------------------------------------------------------------------------------


@auth_router.post("/otp/request", response={200: OtpSentOut, **ERRORS})
def otp_request(request: HttpRequest, payload: OtpRequestIn):
    """Send a one-time code by SMS (for log in / sign up, or to confirm account deletion)."""
    sent = otp.otp_request(phone=payload.phone, purpose=payload.purpose, ip=client_ip(request))
    return {"expires_in": sent.expires_in, "resend_in": sent.resend_in}


@auth_router.post("/otp/login", response={200: TokenOut, **ERRORS})
def otp_login(request: HttpRequest, payload: OtpLoginIn):
    """Log in with an SMS code; a new phone number signs up. Returns an access + refresh token pair."""
    result = auth.login_with_otp(phone=payload.phone, code=payload.code)
    return _tokens_out(request, result.user, result.created)


@auth_router.post("/password/login", response={200: TokenOut, **ERRORS})
def password_login(request: HttpRequest, payload: PasswordLoginIn):
    user = auth.login_with_password(phone=payload.phone, password=payload.password, ip=client_ip(request))
    return _tokens_out(request, user)


@auth_router.post("/refresh", response={200: TokenOut, **ERRORS})
def refresh(request: HttpRequest, payload: RefreshIn):
    """Trade a refresh token for a new pair; each refresh token works once."""
    pair = tokens.token_refresh(
        refresh_token=payload.refresh_token, user_agent=request.headers.get("User-Agent", ""), ip=client_ip(request)
    )
    user = tokens.token_authenticate(pair.access_token)[0]
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expires_in": pair.expires_in,
        "refresh_expires_in": pair.refresh_expires_in,
        "user": me_out(user),
    }


@auth_router.post("/logout", response={204: None, **ERRORS}, auth=user_auth)
def logout(request: HttpRequest):
    """Revoke this login's tokens (the access token used and its refresh token)."""
    row = getattr(request, "api_token", None)
    if row is not None:
        tokens.token_family_revoke(family=row.family)
    return Status(204, None)


@auth_router.get("/oauth/{provider}/authorize-url", response={200: OAuthUrlOut, **ERRORS})
def oauth_url(request: HttpRequest, provider: str, redirect_uri: str):
    url, state = oauth.oauth_authorize_url(provider=provider, redirect_uri=redirect_uri[:500])
    return {"url": url, "state": state}


# Registered before "/oauth/{provider}", which would otherwise match "bind" as a provider name.
@auth_router.post("/oauth/bind", response={200: TokenOut, **ERRORS})
def oauth_bind(request: HttpRequest, payload: OAuthBindIn):
    result = oauth.oauth_bind_phone(bind_token=payload.bind_token, phone=payload.phone, code=payload.code)
    return _tokens_out(request, result.user, result.created)


@auth_router.post("/oauth/{provider}", response={200: OAuthResultOut, **ERRORS})
def oauth_login(request: HttpRequest, provider: str, payload: OAuthCodeIn):
    """Log in with a provider's authorisation code; a new identity must bind a phone (see /oauth/bind)."""
    outcome = oauth.oauth_complete(provider=provider, code=payload.code)
    if outcome.login is None:
        return {"status": "bind_phone_required", "bind_token": outcome.bind_token}
    return {"status": "logged_in", "tokens": _tokens_out(request, outcome.login.user)}


# --- me -----------------------------------------------------------------------------------------------


@me_router.get("", response={200: MeOut, **ERRORS})
def me(request: HttpRequest):
    return me_out(request.user)


@me_router.patch("", response={200: MeOut, **ERRORS})
def me_update(request: HttpRequest, payload: ProfilePatchIn):
    """Change some profile fields; fields left out stay as they are."""
    user = profile.user_profile_update(user=request.user, **payload.dict(exclude_unset=True))
    return me_out(user)


@me_router.post("/avatar", response={200: MeOut, **ERRORS})
def me_avatar(request: HttpRequest, file: UploadedFile = File(...)):  # noqa: B008 - ninja's idiom
    """Upload an avatar (JPEG/PNG/WebP/GIF, ≤ 5 MB); it is cropped to 400×400 and EXIF is dropped."""
    return me_out(profile.user_avatar_set(user=request.user, upload=file))


@me_router.put("/password", response={204: None, **ERRORS})
def me_password(request: HttpRequest, payload: PasswordIn):
    profile.user_password_set(
        user=request.user, new_password=payload.new_password, current_password=payload.current_password
    )
    return Status(204, None)


@me_router.get("/privacy", response={200: PrivacyOut, **ERRORS})
def privacy_get(request: HttpRequest):
    return selectors.privacy_get(user=request.user)


@me_router.put("/privacy", response={200: PrivacyOut, **ERRORS})
def privacy_put(request: HttpRequest, payload: PrivacyIn):
    return profile.privacy_update(user=request.user, **payload.dict())


@me_router.get("/preferences", response={200: PreferencesOut, **ERRORS})
def preferences_get(request: HttpRequest):
    return selectors.preferences_get(user=request.user)


@me_router.put("/preferences", response={200: PreferencesOut, **ERRORS})
def preferences_put(request: HttpRequest, payload: PreferencesIn):
    return profile.preferences_update(user=request.user, **payload.dict())


@me_router.get("/addresses", response={200: list[AddressOut], **ERRORS})
def addresses_list(request: HttpRequest):
    return list(selectors.address_list(user=request.user))


@me_router.post("/addresses", response={201: AddressOut, **ERRORS})
def address_create(request: HttpRequest, payload: AddressIn):
    data = address_services.AddressData(**payload.dict())
    return Status(201, address_services.address_create(user=request.user, data=data))


@me_router.get("/addresses/{address_id}", response={200: AddressOut, **ERRORS})
def address_get(request: HttpRequest, address_id: int):
    return address_get_for_user(user=request.user, address_id=address_id)


@me_router.put("/addresses/{address_id}", response={200: AddressOut, **ERRORS})
def address_update(request: HttpRequest, address_id: int, payload: AddressIn):
    address = address_get_for_user(user=request.user, address_id=address_id)
    return address_services.address_update(address=address, data=address_services.AddressData(**payload.dict()))


@me_router.post("/addresses/{address_id}/default", response={200: AddressOut, **ERRORS})
def address_default(request: HttpRequest, address_id: int):
    address = address_get_for_user(user=request.user, address_id=address_id)
    return address_services.address_set_default(address=address)


@me_router.delete("/addresses/{address_id}", response={204: None, **ERRORS})
def address_delete(request: HttpRequest, address_id: int):
    address = address_get_for_user(user=request.user, address_id=address_id)
    address_services.address_delete(address=address)
    return Status(204, None)


@me_router.get("/export", response={200: None, **ERRORS})
def data_export(request: HttpRequest):
    """Download everything Shequ holds about you, as a zip of JSON files."""
    filename, content = data_rights.user_data_export(user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@me_router.post("/delete", response={204: None, **ERRORS})
def account_delete(request: HttpRequest, payload: DeleteAccountIn):
    """Delete your account. Ask for a code with purpose ``delete_account`` first."""
    data_rights.user_account_delete(user=request.user, code=payload.code)
    return Status(204, None)
