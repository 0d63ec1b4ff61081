"""API v1 of the campaigns module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from ninja import Router

router = Router(tags=["campaigns"])

ROUTERS = [("/campaigns", router)]
