"""Logistics endpoints outside the JSON API: carrier webhooks, and the tracking timeline as an HTMX partial."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from shequ.analytics.services import track
from shequ.core.clients import client_ip
from shequ.core.errors import DomainError
from shequ.logistics import webhooks
from shequ.logistics.access import shipment_get_for_user
from shequ.logistics.providers.signed_webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER


@csrf_exempt  # carriers cannot send our CSRF token; the HMAC signature authenticates them instead
@require_POST
def webhook_view(request: HttpRequest, carrier_code: str) -> HttpResponse:
    """Tracking pushed in Shequ's signed format (see providers/signed_webhook.py)."""
    try:
        outcome = webhooks.tracking_webhook_receive(
            carrier_code=carrier_code,
            body=request.body,
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
            signature=request.headers.get(SIGNATURE_HEADER, ""),
            remote_addr=client_ip(request),
        )
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"ok": True, "received": outcome.received, "stored": outcome.stored, "status": outcome.status})


@csrf_exempt  # Kuaidi100 signs its pushes (MD5 with our salt) instead
@require_POST
def kuaidi100_webhook_view(request: HttpRequest, carrier_code: str) -> HttpResponse:
    """Tracking pushed by Kuaidi100 (form fields ``param`` and ``sign``); answers in Kuaidi100's format."""
    try:
        webhooks.tracking_kuaidi100_receive(
            carrier_code=carrier_code,
            param=request.POST.get("param", ""),
            sign=request.POST.get("sign", ""),
            remote_addr=client_ip(request),
        )
    except DomainError as exc:
        body = {"result": False, "returnCode": str(exc.status), "message": str(exc.message), **exc.as_dict()}
        return JsonResponse(body, status=exc.status, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(
        {"result": True, "returnCode": "200", "message": "成功"}, json_dumps_params={"ensure_ascii": False}
    )


@login_required
@require_GET
def shipment_tracking_view(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """The buyer's tracking timeline for one parcel (HTMX partial; a full page when opened directly)."""
    shipment = shipment_get_for_user(user=request.user, shipment_id=shipment_id)
    track(request.user, "tracking_viewed", {"shipment_id": shipment.pk, "status": shipment.status, "via": "web"})
    template = "logistics/_tracking.html" if request.htmx else "logistics/tracking.html"
    return render(request, template, {"shipments": [shipment], "shipment": shipment})
