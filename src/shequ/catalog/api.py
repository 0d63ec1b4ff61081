"""Catalog API (read-only for consumers)."""

from ninja import Router

router = Router(tags=["catalog"])
