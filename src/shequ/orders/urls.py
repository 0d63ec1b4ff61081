from django.urls import path

from shequ.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("records/", views.records_view, name="records"),
    path("<str:number>/", views.order_detail_view, name="detail"),
    path("<str:number>/cancel/", views.order_cancel_view, name="cancel"),
    path("<str:number>/address/", views.order_address_view, name="address"),
    path("<str:number>/confirm/", views.order_confirm_view, name="confirm"),
]
