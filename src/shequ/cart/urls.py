from django.urls import path

from shequ.cart import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_view, name="detail"),
    path("add/", views.cart_add_view, name="add"),
    path("badge/", views.cart_badge_view, name="badge"),
    path("select-all/", views.cart_select_all_view, name="select_all"),
    path("items/<int:item_id>/", views.cart_item_view, name="item"),
    path("items/<int:item_id>/remove/", views.cart_item_remove_view, name="item_remove"),
]
