from django.urls import path

from shequ.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read/", views.inbox_read_view, name="read_all"),
    path("<int:notification_id>/open/", views.inbox_open_view, name="open"),
]
