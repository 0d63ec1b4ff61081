from django.urls import path

from shequ.logistics import views

app_name = "logistics"

urlpatterns = [
    path("webhook/<slug:carrier_code>/", views.webhook_view, name="webhook"),
    path("webhook/<slug:carrier_code>/kuaidi100/", views.kuaidi100_webhook_view, name="webhook_kuaidi100"),
    path("shipments/<int:shipment_id>/", views.shipment_tracking_view, name="tracking"),
]
