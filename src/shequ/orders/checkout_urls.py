from django.urls import path

from shequ.orders import views

app_name = "checkout"

urlpatterns = [
    path("", views.checkout_view, name="page"),
    path("quote/", views.checkout_quote_view, name="quote"),
    path("place/", views.checkout_place_view, name="place"),
]
