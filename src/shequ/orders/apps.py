from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "shequ.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from shequ.core import personal_data, seeding
        from shequ.orders import data_rights, seed

        seeding.register_seeder("orders.demo", seed.seed_orders, order=40)
        personal_data.register("orders", export=data_rights.export_orders, erase=data_rights.erase_orders, order=300)
