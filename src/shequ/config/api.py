"""The one NinjaAPI for /api/v1/: routers from every app, common auth and error handling."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from shequ.accounts.api import auth_router, me_router
from shequ.accounts.api_auth import optional_user_auth
from shequ.analytics.api import router as analytics_router
from shequ.catalog.api import router as catalog_router
from shequ.core.api_errors import install_error_handlers

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
