"""The one NinjaAPI for /api/v1/: routers from every app, common auth and error handling."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from shequ.accounts.api import auth_router, me_router
from shequ.accounts.api_auth import optional_user_auth
from shequ.aftersales.api import router as aftersales_router
from shequ.analytics.api import router as analytics_router

# Modules added after the commerce core list their routers themselves (prefix, router), so their owners can
# add endpoints without touching this file.
from shequ.articles.api import ROUTERS as articles_routers
from shequ.campaigns.api import ROUTERS as campaigns_routers
from shequ.cart.api import router as cart_router
from shequ.catalog.api import router as catalog_router
from shequ.catalog.trace_api import router as trace_router
from shequ.community.api import ROUTERS as community_routers
from shequ.core.api_errors import install_error_handlers
from shequ.coupons.api import router as coupons_router
from shequ.logistics.api import router as logistics_router
from shequ.loyalty.api import ROUTERS as loyalty_routers
from shequ.messaging.api import ROUTERS as messaging_routers
from shequ.moderation.api import ROUTERS as moderation_routers
from shequ.notifications.api import router as notifications_router
from shequ.orders.api import checkout_router
from shequ.orders.api import router as orders_router
from shequ.payments.api import router as payments_router
from shequ.polls.api import ROUTERS as polls_routers
from shequ.reviews.api import ROUTERS as reviews_routers

api = NinjaAPI(
    title="Shequ API",
    version="1",
    description=str(
        _(
            "Shequ brand community commerce API. Errors are JSON objects with `code` and `message`; "
            "authenticate with `Authorization: Bearer <access token>` from /auth endpoints."
        )
    ),
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("/auth", auth_router)
api.add_router("/me", me_router)
api.add_router("/events", analytics_router, auth=optional_user_auth)
api.add_router("/catalog", catalog_router)
api.add_router("/trace", trace_router, auth=optional_user_auth)
api.add_router("/logistics", logistics_router, auth=optional_user_auth)
api.add_router("/aftersales", aftersales_router)
api.add_router("/payments", payments_router)
api.add_router("/cart", cart_router)
api.add_router("/checkout", checkout_router)
api.add_router("/orders", orders_router)
api.add_router("/notifications", notifications_router)
api.add_router("/coupons", coupons_router)
for prefix, module_router in (
    *community_routers,
    *reviews_routers,
    *polls_routers,
    *articles_routers,
    *messaging_routers,
    *moderation_routers,
    *loyalty_routers,
    *campaigns_routers,
):
    api.add_router(prefix, module_router)
