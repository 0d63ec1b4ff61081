"""API v1 of the articles module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from ninja import Router

router = Router(tags=["articles"])

ROUTERS = [("/articles", router)]
