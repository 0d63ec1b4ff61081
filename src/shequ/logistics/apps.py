from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "shequ.logistics"
    label = "logistics"
    verbose_name = _("Logistics")
