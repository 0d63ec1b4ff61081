"""API v1 of the polls module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from ninja import Router

router = Router(tags=["polls"])

ROUTERS = [("/polls", router)]
