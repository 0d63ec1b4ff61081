"""Who is asking: the client's IP address, honouring a configured number of trusted proxies."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the client's address; X-Forwarded-For is trusted only as far as SHEQU_TRUSTED_PROXIES says.

    Trusting the header blindly would let anyone dodge per-IP rate limits by sending a fake one.
    """
    trusted = getattr(settings, "SHEQU_TRUSTED_PROXIES", 0)
    if trusted:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
