from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "shequ.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # Feeds and search (H-feeds): event subscriptions, the "post" search documents, the demo seed.
        from shequ.community import feeds_handlers, search_documents, seed  # noqa: F401
        from shequ.core import seeding

        search_documents.register()
        seeding.register_seeder("community.demo", seed.seed_community, order=50)
