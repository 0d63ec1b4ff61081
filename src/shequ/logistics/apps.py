from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "shequ.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        from shequ.core import seeding
        from shequ.logistics import seed

        # Before orders (which need delivery options to check out) and after the demo consumers.
        seeding.register_seeder("logistics.carriers", seed.seed_carriers, order=15)
        # After orders.demo (40): the parcels it shipped get their scans.
        seeding.register_seeder("logistics.tracking", seed.seed_tracking, order=41)
