from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "shequ.articles"
    label = "articles"
    verbose_name = _("Brand articles")

    def ready(self) -> None:
        from shequ.articles import search_documents, seed
        from shequ.core import seeding

        search_documents.register()
        seeding.register_seeder("articles.demo", seed.seed_articles, order=52)
