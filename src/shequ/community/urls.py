"""Community pages. Content (posts, comments, topics, circles), feeds and the social graph (follows, blocks,
profiles) are separate url modules so each can grow on its own."""

from django.urls import include, path

app_name = "community"

urlpatterns = [
    path("", include("shequ.community.urls_feeds")),
    path("", include("shequ.community.urls_content")),
    path("", include("shequ.community.social.urls")),
]
