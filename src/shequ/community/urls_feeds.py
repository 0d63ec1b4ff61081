"""Feed pages: the community home with its tabs, topic/circle feed fragments and the community search."""

from django.urls import path

from shequ.community import feeds_views

urlpatterns = [
    path("", feeds_views.feed_home, name="feed"),
    path("feed/topic/<int:topic_id>/", feeds_views.feed_topic_items, name="feed_topic"),
    path("feed/circle/<int:circle_id>/", feeds_views.feed_circle_items, name="feed_circle"),
    path("search/", feeds_views.search_page, name="search"),
]
