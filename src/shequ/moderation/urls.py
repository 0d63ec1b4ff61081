"""Pages of the moderation module: the report form."""

from django.urls import path

from shequ.moderation import views

app_name = "moderation"

urlpatterns = [
    path("new/", views.report_new_view, name="report_new"),
]
