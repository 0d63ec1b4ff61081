"""Pages of the loyalty module: my points, daily check-in, my tier."""

from django.urls import path

from shequ.loyalty import views

app_name = "loyalty"

urlpatterns = [
    path("", views.points_view, name="points"),
    path("checkin/", views.checkin_view, name="checkin"),
    path("checkin/do/", views.checkin_do_view, name="checkin_do"),
    path("tier/", views.tier_view, name="tier"),
]
