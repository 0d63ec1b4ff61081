"""Helpers for the web pages: show a DomainError on the form field it concerns, and safe redirects."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from shequ.core.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    field = exc.details.get("field") if exc.details else None
    form.add_error(field if field in form.fields else None, str(exc.message))


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
