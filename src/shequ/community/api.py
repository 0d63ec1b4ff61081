"""Community API v1: content, feeds and the social graph, each in its own module."""

from shequ.community.api_content import router as content_router
from shequ.community.api_feeds import router as feeds_router
from shequ.community.social.api import router as social_router

ROUTERS = [("/community", content_router), ("/feeds", feeds_router), ("/social", social_router)]
