from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "shequ.aftersales"
    label = "aftersales"
    verbose_name = _("After-sales")

    def ready(self) -> None:
        from shequ.aftersales import seed
        from shequ.core import seeding

        # After orders.demo (40) and the parcels' tracking (41).
        seeding.register_seeder("aftersales.demo", seed.seed_aftersales, order=45)
