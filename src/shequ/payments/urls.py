from django.urls import path

from shequ.payments import views

app_name = "payments"

urlpatterns = [
    path("pay/<str:order_number>/", views.pay_view, name="pay"),
    path("sandbox/<str:out_trade_no>/", views.sandbox_view, name="sandbox"),
    path("return/<str:order_number>/", views.return_view, name="return"),
    path("notify/<slug:provider>/", views.notify_view, name="notify"),
]
