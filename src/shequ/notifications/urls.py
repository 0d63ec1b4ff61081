from django.urls import path

from shequ.notifications import views, views_live

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read/", views.inbox_read_view, name="read_all"),
    path("<int:notification_id>/open/", views.inbox_open_view, name="open"),
    path("stream/", views_live.inbox_stream_view, name="stream"),
    path("badge/", views_live.inbox_badge_view, name="badge"),
    path("settings/", views_live.inbox_settings_view, name="settings"),
]
