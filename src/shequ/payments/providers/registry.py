"""Which providers exist and which are switched on, built from ``settings.SHEQU_PAYMENTS``.

A provider is enabled only when its configuration is complete (keys, ids); the sandbox only when
``SANDBOX_ENABLED``. Adapters load their keys once and are cached per configuration, so a test that
overrides the settings gets fresh adapters without any clean-up.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import InvalidInput
from shequ.payments.providers.alipay import AlipayProvider
from shequ.payments.providers.base import PaymentProvider
from shequ.payments.providers.sandbox import SandboxProvider
from shequ.payments.providers.wechatpay import WeChatPayProvider

PROVIDERS: dict[str, tuple[type[PaymentProvider], str]] = {
    # name → (adapter class, key of its section in SHEQU_PAYMENTS)
    "alipay": (AlipayProvider, "ALIPAY"),
    "wechatpay": (WeChatPayProvider, "WECHATPAY"),
    "sandbox": (SandboxProvider, ""),
}


def payments_settings() -> dict[str, Any]:
    return getattr(settings, "SHEQU_PAYMENTS", {}) or {}


def _config_for(name: str) -> dict[str, Any]:
    conf = payments_settings()
    if name == "sandbox":
        return {"ENABLED": bool(conf.get("SANDBOX_ENABLED", False))}
    return dict(conf.get(PROVIDERS[name][1]) or {})


@lru_cache(maxsize=16)
def _build(name: str, config_json: str) -> PaymentProvider:
    cls = PROVIDERS[name][0]
    return cls(json.loads(config_json))


def provider_get(name: str) -> PaymentProvider:
    """The adapter for ``name`` whether or not it is enabled (callbacks for a switched-off provider are logged)."""
    if name not in PROVIDERS:
        raise InvalidInput("payment_provider_unknown", _("This payment method is not available."))
    return _build(name, json.dumps(_config_for(name), sort_keys=True, default=str))


def provider_enabled(name: str) -> PaymentProvider:
    """The adapter for ``name``; InvalidInput when it does not exist or is not configured."""
    provider = provider_get(name)
    if not provider.configured:
        raise InvalidInput("payment_provider_unavailable", _("This payment method is not available."))
    return provider


def providers_enabled() -> list[PaymentProvider]:
    """Every configured provider, real ones first, in a stable order."""
    return [provider_get(name) for name in PROVIDERS if provider_get(name).configured]
