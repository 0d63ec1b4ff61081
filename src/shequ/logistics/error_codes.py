"""Machine-readable error codes the logistics API, pages and webhooks return (clients switch on these)."""

from enum import StrEnum


class LogisticsErrorCode(StrEnum):
    PROVINCE_UNKNOWN = "province_unknown"
    PARCEL_INVALID = "parcel_invalid"
    CARRIER_UNAVAILABLE = "carrier_unavailable"
    CARRIER_NOT_FOUND = "carrier_not_found"
    TRACKING_NO_INVALID = "tracking_no_invalid"
    TRACKING_NO_TAKEN = "tracking_no_taken"
    SHIPMENT_NOT_FOUND = "shipment_not_found"
    WEBHOOK_NOT_CONFIGURED = "webhook_not_configured"
    WEBHOOK_SIGNATURE_INVALID = "webhook_signature_invalid"
    WEBHOOK_TIMESTAMP_INVALID = "webhook_timestamp_invalid"
    WEBHOOK_PAYLOAD_INVALID = "webhook_payload_invalid"
