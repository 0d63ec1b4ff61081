from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "shequ.reviews"
    label = "reviews"
    verbose_name = _("Reviews and Q&A")

    def ready(self) -> None:
        from shequ.catalog import page_versions
        from shequ.core import personal_data, seeding
        from shequ.reviews import cache, data_rights, seed

        page_versions.register("reviews", cache.product_version)

        # After orders.demo (40) and after-sales (45): reviews need completed orders.
        seeding.register_seeder("reviews.demo", seed.seed_reviews, order=60)
        personal_data.register("reviews", export=data_rights.export_reviews, erase=data_rights.erase_reviews, order=350)
