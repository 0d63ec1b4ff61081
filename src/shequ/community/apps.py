from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "shequ.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # Feeds and search (H-feeds): event subscriptions, the "post" search documents, the demo seed.
        from shequ.community import feeds, feeds_handlers, search_documents, seed  # noqa: F401
        from shequ.core import request_prefetch, seeding

        search_documents.register()
        # The following feed reads whom the viewer follows on every page: fetched with the viewer's user row.
        request_prefetch.register_user_key(feeds.sources_key)
        seeding.register_seeder("community.demo", seed.seed_community, order=50)
