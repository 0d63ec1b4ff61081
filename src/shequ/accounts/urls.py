from django.urls import path

from shequ.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.otp_send_view, name="otp_send"),
    path("logout/", views.logout_view, name="logout"),
    path("oauth/bind/", views.oauth_bind_view, name="oauth_bind"),
    path("oauth/<slug:provider>/start/", views.oauth_start_view, name="oauth_start"),
    path("oauth/<slug:provider>/callback/", views.oauth_callback_view, name="oauth_callback"),
    path("me/", views.me_view, name="me"),
    path("me/profile/", views.profile_edit_view, name="profile_edit"),
    path("me/avatar/", views.avatar_upload_view, name="avatar_upload"),
    path("me/settings/", views.settings_view, name="settings"),
    path("me/addresses/", views.addresses_view, name="addresses"),
    path("me/addresses/new/", views.address_edit_view, name="address_new"),
    path("me/addresses/<int:address_id>/", views.address_edit_view, name="address_edit"),
    path("me/addresses/<int:address_id>/default/", views.address_default_view, name="address_default"),
    path("me/addresses/<int:address_id>/delete/", views.address_delete_view, name="address_delete"),
    path("me/data/", views.my_data_view, name="my_data"),
    path("me/data/export/", views.data_export_view, name="data_export"),
]
