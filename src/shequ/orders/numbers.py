"""Order numbers: the local placing time to the second, then six random digits — sortable by time at a glance,
and not guessable from a neighbour's number (a million possibilities per second)."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.utils import timezone


def order_number_new(at: datetime | None = None) -> str:
    local = timezone.localtime(at or timezone.now())
    return f"{local:%y%m%d%H%M%S}{secrets.randbelow(1_000_000):06d}"
