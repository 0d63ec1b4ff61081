from django.urls import path

from shequ.aftersales import views

app_name = "aftersales"

urlpatterns = [
    path("", views.aftersale_list_view, name="list"),
    path("new/<str:order_number>/", views.aftersale_new_view, name="new"),
    path("<str:number>/", views.aftersale_detail_view, name="detail"),
    path("<str:number>/withdraw/", views.aftersale_withdraw_view, name="withdraw"),
    path("<str:number>/return-shipment/", views.aftersale_return_shipment_view, name="return_shipment"),
]
