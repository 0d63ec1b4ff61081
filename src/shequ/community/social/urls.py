"""Social pages under /community/: profiles, follow lists, follow / block actions, topic follows."""

from django.urls import path

from shequ.community.social import views

urlpatterns = [
    path("u/<int:user_id>/", views.profile_view, name="profile"),
    path("u/<int:user_id>/followers/", views.followers_view, name="followers"),
    path("u/<int:user_id>/following/", views.following_view, name="following"),
    path("u/<int:user_id>/follow/", views.follow_view, name="follow"),
    path("u/<int:user_id>/unfollow/", views.unfollow_view, name="unfollow"),
    path("u/<int:user_id>/block/", views.block_view, name="block"),
    path("u/<int:user_id>/unblock/", views.unblock_view, name="unblock"),
    path("social/blocked/", views.blocked_list_view, name="blocked"),
    path("social/topics/<int:topic_id>/follow/", views.topic_follow_view, name="topic_follow"),
]
