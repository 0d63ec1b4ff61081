from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "shequ.loyalty"
    label = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        from shequ.core import seeding
        from shequ.loyalty import handlers, seed  # noqa: F401  (handlers register their subscriptions)

        seeding.register_seeder("loyalty.demo", seed.seed_loyalty, order=60)
