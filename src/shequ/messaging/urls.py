"""Pages of the messaging module: /messages/ (inbox), /messages/requests/, one conversation, start one."""

from django.urls import path

from shequ.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("requests/", views.requests_view, name="requests"),
    path("c/<int:conversation_id>/", views.conversation_view, name="conversation"),
    path("c/<int:conversation_id>/send/", views.send_view, name="send"),
    path("c/<int:conversation_id>/accept/", views.accept_view, name="accept"),
    path("c/<int:conversation_id>/hide/", views.hide_view, name="hide"),
    path("to/<int:user_id>/", views.start_view, name="start"),
]
