"""Pages of the polls module: the list, one poll, voting."""

from django.urls import path

from shequ.polls import views

app_name = "polls"

urlpatterns = [
    path("", views.poll_list_view, name="list"),
    path("<int:pk>/", views.poll_detail_view, name="detail"),
    path("<int:pk>/vote/", views.poll_vote_view, name="vote"),
]
