from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "shequ.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from shequ.catalog import search_documents, seed
        from shequ.core import seeding

        search_documents.register()
        seeding.register_seeder("catalog.products", seed.seed_catalog, order=20)
