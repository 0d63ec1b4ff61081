"""API v1 of the moderation module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from ninja import Router

router = Router(tags=["moderation"])

ROUTERS = [("/moderation", router)]
