from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "shequ.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from shequ.core import request_prefetch
        from shequ.notifications.realtime import badge_key

        def inbox_badge_key(request):
            user = getattr(request, "user", None)
            return badge_key(user.pk) if user is not None and user.is_authenticated else None

        request_prefetch.register("inbox_badge", inbox_badge_key)
        request_prefetch.register_user_key(badge_key)
