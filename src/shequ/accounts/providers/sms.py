"""SMS gateways behind one interface. ``SHEQU_SMS_BACKEND`` names the class to use.

The console backend logs the message (development and the demo); the locmem backend keeps an outbox in
memory for tests. A production gateway (Aliyun, Tencent Cloud) is a subclass with its own ``send``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger("shequ.sms")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    template: str
    params: dict[str, str]


class SmsBackend:
    def send(self, message: SmsMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        logger.warning("SMS to %s: %s", message.phone, message.text)
        print(f"[sms] to {message.phone}: {message.text}", flush=True)


outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemSmsBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        with _outbox_lock:
            outbox.append(message)


@cache
def get_backend() -> SmsBackend:
    return import_string(settings.SHEQU_SMS_BACKEND)()


def send_otp(*, phone: str, code: str, ttl_minutes: int) -> None:
    text = _(
        "[Shequ] Your verification code is %(code)s, valid for %(minutes)d minutes. Do not share it with anyone."
    ) % {"code": code, "minutes": ttl_minutes}
    get_backend().send(
        SmsMessage(phone=phone, text=text, template="otp", params={"code": code, "minutes": str(ttl_minutes)})
    )
