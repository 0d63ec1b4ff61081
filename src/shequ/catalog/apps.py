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
        # Storefront caches: repoint product refs (id/slug → version) after every committed change.
        from shequ.catalog import product_detail, signals

        signals.on_products_changed(product_detail.product_refs_refresh)
        seeding.register_seeder("catalog.products", seed.seed_catalog, order=20)
