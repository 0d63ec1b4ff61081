from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "shequ.polls"
    label = "polls"
    verbose_name = _("Polls")

    def ready(self) -> None:
        from shequ.core import seeding
        from shequ.polls import seed

        seeding.register_seeder("polls.demo", seed.seed_polls, order=62)
