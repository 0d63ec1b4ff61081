from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "shequ.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from shequ.analytics import data_rights, seed
        from shequ.core import personal_data, seeding

        personal_data.register("events", export=data_rights.export_events, erase=data_rights.erase_events, order=500)
        seeding.register_seeder("analytics.events", seed.seed_events, order=900)
