from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language
from django.views.static import serve

from shequ.catalog import views as catalog_views
from shequ.config.api import api
from shequ.core import views as core_views

admin.site.site_header = _("Shequ · Operations console")
admin.site.site_title = _("Shequ operations")
admin.site.index_title = _("Operations workbench")

urlpatterns = [
    path("", catalog_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("shequ/favicon.svg"), permanent=True)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("shequ.accounts.urls")),
    path("payments/", include("shequ.payments.urls")),
    path("logistics/", include("shequ.logistics.urls")),
    path("aftersales/", include("shequ.aftersales.urls")),
    path("cart/", include("shequ.cart.urls")),
    path("checkout/", include("shequ.orders.checkout_urls")),
    path("orders/", include("shequ.orders.urls")),
    path("inbox/", include("shequ.notifications.urls")),
    path("community/", include("shequ.community.urls")),
    path("reviews/", include("shequ.reviews.urls")),
    path("polls/", include("shequ.polls.urls")),
    path("articles/", include("shequ.articles.urls")),
    path("messages/", include("shequ.messaging.urls")),
    path("reports/", include("shequ.moderation.urls")),
    path("loyalty/", include("shequ.loyalty.urls")),
    path("campaigns/", include("shequ.campaigns.urls")),
    path("coupons/", include("shequ.coupons.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("shequ.catalog.urls")),
]

if settings.SERVE_MEDIA:
    # The embedded default serves uploads itself; production puts them on object storage or a CDN.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "shequ.core.views.page_not_found"
handler500 = "shequ.core.views.server_error"
