"""API v1 of the messaging module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from ninja import Router

router = Router(tags=["messaging"])

ROUTERS = [("/messaging", router)]
