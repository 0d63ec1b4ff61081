"""Accounts web pages (phone-first, HTMX). Each view parses a form, calls one service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shequ.accounts import forms, selectors
from shequ.accounts.access import address_get_for_user
from shequ.accounts.models import OtpPurpose
from shequ.accounts.services import addresses as address_services
from shequ.accounts.services import auth, data_rights, oauth, otp, profile
from shequ.core.clients import client_ip
from shequ.core.errors import DomainError
from shequ.core.web import add_domain_error, safe_next

BACKEND = "shequ.accounts.auth_backend.CachedModelBackend"


def _login(request: HttpRequest, user) -> None:
    login(request, user, backend=BACKEND)


# --- log in / sign up ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    method = request.POST.get("method") or request.GET.get("method") or "otp"
    form_class = forms.PasswordLoginForm if method == "password" else forms.OtpLoginForm
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if method == "password":
                    user = auth.login_with_password(
                        phone=form.cleaned_data["phone"], password=form.cleaned_data["password"], ip=client_ip(request)
                    )
                    created = False
                else:
                    result = auth.login_with_otp(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
                    user, created = result.user, result.created
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                _login(request, user)
                if created:
                    messages.success(request, _("Welcome to the community! Tell us a little about yourself."))
                    return redirect("accounts:profile_edit")
                return redirect(safe_next(request, reverse("accounts:me")))
        else:
            status = 400
    return render(
        request, "accounts/login.html", {"form": form, "method": method, "next": safe_next(request, "")}, status=status
    )


@require_POST
def otp_send_view(request: HttpRequest) -> HttpResponse:
    """HTMX: send a code to the phone typed in the login (or delete-account) form."""
    purpose = request.POST.get("purpose") or OtpPurpose.LOGIN
    if purpose != OtpPurpose.LOGIN and not request.user.is_authenticated:
        purpose = OtpPurpose.LOGIN
    phone = request.user.phone if purpose != OtpPurpose.LOGIN else request.POST.get("phone", "")
    try:
        sent = otp.otp_request(phone=phone, purpose=purpose, ip=client_ip(request))
    except DomainError as exc:
        return render(
            request,
            "accounts/_otp_status.html",
            {"error": exc.message, "retry_after": exc.details.get("retry_after")},
            status=exc.status,
        )
    return render(request, "accounts/_otp_status.html", {"sent": sent, "minutes": max(1, sent.expires_in // 60)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("home")


# --- third-party login ---------------------------------------------------------------------------------


def oauth_start_view(request: HttpRequest, provider: str) -> HttpResponse:
    callback = request.build_absolute_uri(reverse("accounts:oauth_callback", args=[provider]))
    try:
        url, state = oauth.oauth_authorize_url(provider=provider, redirect_uri=callback)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:login")
    request.session["oauth_state"] = state
    return redirect(url)


def oauth_callback_view(request: HttpRequest, provider: str) -> HttpResponse:
    expected = request.session.pop("oauth_state", None)
    if not expected or request.GET.get("state") != expected:
        messages.error(request, _("The login took too long or was tampered with. Please start again."))
        return redirect("accounts:login")
    try:
        outcome = oauth.oauth_complete(provider=provider, code=request.GET.get("code", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:login")
    if outcome.login is not None:
        _login(request, outcome.login.user)
        return redirect("accounts:me")
    request.session["oauth_bind_token"] = outcome.bind_token
    request.session["oauth_nickname"] = outcome.identity.nickname if outcome.identity else ""
    return redirect("accounts:oauth_bind")


@require_http_methods(["GET", "POST"])
def oauth_bind_view(request: HttpRequest) -> HttpResponse:
    token = request.session.get("oauth_bind_token")
    if not token:
        return redirect("accounts:login")
    form = forms.OtpLoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = oauth.oauth_bind_phone(
                    bind_token=token, phone=form.cleaned_data["phone"], code=form.cleaned_data["code"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                request.session.pop("oauth_bind_token", None)
                request.session.pop("oauth_nickname", None)
                _login(request, result.user)
                return redirect("accounts:me")
        else:
            status = 400
    return render(
        request,
        "accounts/oauth_bind.html",
        {"form": form, "nickname": request.session.get("oauth_nickname", "")},
        status=status,
    )


# --- me ------------------------------------------------------------------------------------------------


@login_required
def me_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/me.html",
        {
            "default_address": selectors.address_list(user=request.user).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"nickname": user.nickname, "bio": user.bio, "birthday": user.birthday, "gender": user.gender}
    form = forms.ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                profile.user_profile_update(user=user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Profile saved."))
                return redirect("accounts:me")
        else:
            status = 400
    return render(
        request, "accounts/profile_edit.html", {"form": form, "avatar_form": forms.AvatarForm()}, status=status
    )


@login_required
@require_POST
def avatar_upload_view(request: HttpRequest) -> HttpResponse:
    form = forms.AvatarForm(request.POST, request.FILES)
    error = None
    status = 200
    if form.is_valid():
        try:
            profile.user_avatar_set(user=request.user, upload=form.cleaned_data["avatar"])
        except DomainError as exc:
            error, status = exc.message, exc.status
    else:
        error, status = _("Choose a picture to upload."), 400
    if request.htmx:
        return render(request, "accounts/_avatar.html", {"error": error}, status=status)
    if error:
        messages.error(request, error)
    return redirect("accounts:profile_edit")


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    privacy = selectors.privacy_get(user=user)
    prefs = selectors.preferences_get(user=user)
    section = request.POST.get("section", "")
    privacy_form = forms.PrivacyForm(
        request.POST if section == "privacy" else None,
        initial={f: getattr(privacy, f) for f in forms.PrivacyForm.base_fields},
    )
    prefs_form = forms.PreferencesForm(
        request.POST if section == "preferences" else None,
        initial={
            "categories": prefs.categories,
            "dietary_tags": prefs.dietary_tags,
            "pack_sizes": prefs.pack_sizes,
            "flavours": ", ".join(prefs.flavours),
            "brands": ", ".join(prefs.brands),
        },
    )
    password_form = forms.PasswordForm(request.POST if section == "password" else None)
    status = 200
    bound = {"privacy": privacy_form, "preferences": prefs_form, "password": password_form}.get(section)
    if request.method == "POST" and bound is not None:
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                if section == "privacy":
                    profile.privacy_update(user=user, **data)
                elif section == "preferences":
                    profile.preferences_update(
                        user=user,
                        categories=data["categories"],
                        dietary_tags=data["dietary_tags"],
                        pack_sizes=data["pack_sizes"],
                        flavours=bound.split(data["flavours"]),
                        brands=bound.split(data["brands"]),
                    )
                else:
                    profile.user_password_set(
                        user=user, new_password=data["new_password"], current_password=data["current_password"]
                    )
                    _login(request, user)  # keep this session valid after the password hash changed
            except DomainError as exc:
                add_domain_error(bound, exc)
                status = exc.status
            else:
                messages.success(request, _("Settings saved."))
                return redirect("accounts:settings")
        else:
            status = 400
    return render(
        request,
        "accounts/settings.html",
        {
            "privacy_form": privacy_form,
            "prefs_form": prefs_form,
            "password_form": password_form,
            "has_password": user.has_usable_password(),
        },
        status=status,
    )


# --- address book --------------------------------------------------------------------------------------


@login_required
def addresses_view(request: HttpRequest) -> HttpResponse:
    template = "accounts/_address_list.html" if request.htmx else "accounts/addresses.html"
    return render(request, template, {"addresses": selectors.address_list(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def address_edit_view(request: HttpRequest, address_id: int | None = None) -> HttpResponse:
    address = address_get_for_user(user=request.user, address_id=address_id) if address_id else None
    initial = {f: getattr(address, f) for f in forms.AddressForm.base_fields} if address else {}
    form = forms.AddressForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = address_services.AddressData(**form.cleaned_data)
            try:
                if address is None:
                    address_services.address_create(user=request.user, data=data)
                else:
                    address_services.address_update(address=address, data=data)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Address saved."))
                return redirect(safe_next(request, reverse("accounts:addresses")))
        else:
            status = 400
    return render(request, "accounts/address_form.html", {"form": form, "address": address}, status=status)


@login_required
@require_POST
def address_default_view(request: HttpRequest, address_id: int) -> HttpResponse:
    address = address_get_for_user(user=request.user, address_id=address_id)
    address_services.address_set_default(address=address)
    return addresses_view(request) if request.htmx else redirect("accounts:addresses")


@login_required
@require_POST
def address_delete_view(request: HttpRequest, address_id: int) -> HttpResponse:
    address = address_get_for_user(user=request.user, address_id=address_id)
    address_services.address_delete(address=address)
    return addresses_view(request) if request.htmx else redirect("accounts:addresses")


# --- my data -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_data_view(request: HttpRequest) -> HttpResponse:
    form = forms.DeleteAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                data_rights.user_account_delete(user=request.user, code=form.cleaned_data["code"])
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                logout(request)
                messages.info(request, _("Your account has been deleted. Thank you for being with us."))
                return redirect("home")
        else:
            status = 400
    return render(request, "accounts/my_data.html", {"form": form}, status=status)


@login_required
def data_export_view(request: HttpRequest) -> HttpResponse:
    filename, content = data_rights.user_data_export(user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
