"""API v1 of the reviews module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from ninja import Router

router = Router(tags=["reviews"])

ROUTERS = [("/reviews", router)]
