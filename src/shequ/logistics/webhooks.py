"""Tracking pushed by carriers: verify (signature, timestamp, shape), then record through the services.

Forged, stale or malformed pushes raise a DomainError (401/403/400/404/413) and are logged with the sender's
address; nothing is stored. Verified pushes end in ``services.tracking_updates_record`` like polled ones.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import DomainError, Forbidden, InvalidInput, NotFound, Unauthorized
from shequ.logistics.conf import logistics_setting
from shequ.logistics.error_codes import LogisticsErrorCode as Code
from shequ.logistics.models import Carrier, Shipment
from shequ.logistics.providers import kuaidi100, signed_webhook
from shequ.logistics.providers.base import TrackingUpdate
from shequ.logistics.services import tracking_updates_record

logger = logging.getLogger("shequ.logistics")


@dataclass(frozen=True)
class WebhookOutcome:
    shipment_id: int
    received: int
    stored: int
    status: str


def _rejected(carrier_code: str, remote_addr: str, reason: str, error: DomainError) -> DomainError:
    logger.warning(
        "tracking webhook rejected: carrier=%s reason=%s from=%s", carrier_code[:32], reason, remote_addr or "-"
    )
    return error


def _webhook_carrier(carrier_code: str, remote_addr: str) -> Carrier:
    carrier = Carrier.objects.filter(code=carrier_code).first()
    if carrier is None:
        raise _rejected(
            carrier_code, remote_addr, "unknown_carrier", NotFound(Code.CARRIER_NOT_FOUND, _("Unknown carrier."))
        )
    if not carrier.webhook_secret:
        raise _rejected(
            carrier_code,
            remote_addr,
            "no_secret",
            Forbidden(Code.WEBHOOK_NOT_CONFIGURED, _("This carrier has no webhook secret configured.")),
        )
    return carrier


def _record_pushed(
    carrier: Carrier, tracking_no: str, updates: list[TrackingUpdate], remote_addr: str
) -> WebhookOutcome:
    shipment = Shipment.objects.filter(carrier=carrier, tracking_no=tracking_no).only("pk").first()
    if shipment is None:
        raise _rejected(
            carrier.code,
            remote_addr,
            "unknown_tracking_no",
            NotFound(Code.SHIPMENT_NOT_FOUND, _("Unknown tracking number.")),
        )
    result = tracking_updates_record(shipment_id=shipment.pk, updates=updates)
    logger.info(
        "tracking webhook: carrier=%s shipment=%s received=%s stored=%s status=%s",
        carrier.code,
        result.shipment_id,
        result.received,
        result.stored,
        result.status,
    )
    return WebhookOutcome(
        shipment_id=result.shipment_id, received=result.received, stored=result.stored, status=result.status
    )


def tracking_webhook_receive(
    *,
    carrier_code: str,
    body: bytes,
    timestamp: str,
    signature: str,
    remote_addr: str = "",
    now: datetime | None = None,
) -> WebhookOutcome:
    """Verify and record a push in Shequ's signed format (see providers/signed_webhook.py).

    Forged, stale or malformed pushes raise (401/403/400/404) and are logged; nothing is stored.
    """
    carrier = _webhook_carrier(carrier_code, remote_addr)
    if len(body) > logistics_setting("WEBHOOK_MAX_BYTES"):
        raise _rejected(
            carrier_code,
            remote_addr,
            "too_large",
            InvalidInput(Code.WEBHOOK_PAYLOAD_INVALID, _("Payload too large."), status=413),
        )
    try:
        signed_webhook.verify(
            secret=carrier.webhook_secret,
            timestamp=timestamp,
            signature=signature,
            body=body,
            now=now or timezone.now(),
            tolerance=logistics_setting("WEBHOOK_TOLERANCE_SECONDS"),
        )
    except signed_webhook.WebhookRejected as exc:
        if exc.reason == "signature_mismatch":
            error = Unauthorized(Code.WEBHOOK_SIGNATURE_INVALID, _("The signature does not match."))
        else:
            error = Unauthorized(Code.WEBHOOK_TIMESTAMP_INVALID, _("The timestamp is missing or too far from now."))
        raise _rejected(carrier_code, remote_addr, exc.reason, error) from exc
    try:
        tracking_no, updates = signed_webhook.parse(body)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise _rejected(
            carrier_code,
            remote_addr,
            f"malformed: {exc}"[:120],
            InvalidInput(Code.WEBHOOK_PAYLOAD_INVALID, _("The payload is not in the documented format.")),
        ) from exc
    return _record_pushed(carrier, tracking_no, updates, remote_addr)


def tracking_kuaidi100_receive(*, carrier_code: str, param: str, sign: str, remote_addr: str = "") -> WebhookOutcome:
    """Verify and record a Kuaidi100 push (see providers/kuaidi100.py); the carrier's secret is the salt."""
    carrier = _webhook_carrier(carrier_code, remote_addr)
    if len(param.encode()) > logistics_setting("WEBHOOK_MAX_BYTES"):
        raise _rejected(
            carrier_code,
            remote_addr,
            "too_large",
            InvalidInput(Code.WEBHOOK_PAYLOAD_INVALID, _("Payload too large."), status=413),
        )
    if not kuaidi100.verify(param=param, signature=sign, salt=carrier.webhook_secret):
        raise _rejected(
            carrier_code,
            remote_addr,
            "signature_mismatch",
            Unauthorized(Code.WEBHOOK_SIGNATURE_INVALID, _("The signature does not match.")),
        )
    try:
        tracking_no, company, updates = kuaidi100.parse(param)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise _rejected(
            carrier_code,
            remote_addr,
            f"malformed: {exc}"[:120],
            InvalidInput(Code.WEBHOOK_PAYLOAD_INVALID, _("The payload is not in the documented format.")),
        ) from exc
    expected = kuaidi100.COMPANY_CODES.get(carrier.code)
    if expected and company and company != expected:
        raise _rejected(
            carrier_code,
            remote_addr,
            f"company {company}",
            InvalidInput(Code.WEBHOOK_PAYLOAD_INVALID, _("The payload is for another carrier.")),
        )
    return _record_pushed(carrier, tracking_no, updates, remote_addr)
