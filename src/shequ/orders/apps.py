from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "shequ.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from shequ.catalog.models import SKU, Product, ProductImage
        from shequ.core import personal_data, seeding
        from shequ.orders import data_rights, pricing, seed

        # What checkout caches about a SKU (orders/pricing.py) is dropped when its rows change.
        for model in (SKU, Product, ProductImage):
            post_save.connect(pricing.offers_changed, sender=model, dispatch_uid=f"orders-offers-{model.__name__}")
            post_delete.connect(pricing.offers_changed, sender=model, dispatch_uid=f"orders-offers-d-{model.__name__}")

        seeding.register_seeder("orders.demo", seed.seed_orders, order=40)
        personal_data.register("orders", export=data_rights.export_orders, erase=data_rights.erase_orders, order=300)
