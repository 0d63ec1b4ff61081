from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    name = "shequ.cart"
    label = "cart"
    verbose_name = _("Cart")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from shequ.cart.signals import merge_guest_cart_on_login

        user_logged_in.connect(merge_guest_cart_on_login, dispatch_uid="shequ.cart.merge_guest")

        from shequ.cart.owner import owner_for_web
        from shequ.cart.services import badge_key, user_badge_key
        from shequ.core import request_prefetch

        request_prefetch.register("cart_badge", lambda request: badge_key(owner_for_web(request)))
        request_prefetch.register_user_key(user_badge_key)
