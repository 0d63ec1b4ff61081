from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "shequ.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from shequ.campaigns import handlers, seed  # noqa: F401  (handlers register their subscriptions)
        from shequ.core import seeding

        seeding.register_seeder("campaigns.demo", seed.seed_campaigns, order=70)
