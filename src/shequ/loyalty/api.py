"""API v1 of the loyalty module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from ninja import Router

router = Router(tags=["loyalty"])

ROUTERS = [("/loyalty", router)]
