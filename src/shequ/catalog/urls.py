from django.urls import path

from shequ.catalog import views

app_name = "catalog"

# Storefront (views.py); the home page is mounted at "" as "home" in config/urls.py.
urlpatterns: list = [
    path("c/", views.categories_view, name="categories"),
    path("c/<slug:slug>/", views.category_view, name="category"),
    path("search/", views.search_view, name="search"),
    path("search/suggest/", views.search_suggest_view, name="search_suggest"),
    path("p/<slug:slug>/", views.product_view, name="product"),
    path("p/<slug:slug>/variant/<int:sku_id>/", views.product_variant_view, name="product_variant"),
]

# Traceability (trace_views.py): public pages reached by typing a batch number or scanning the pack's QR code.
from django.urls import path as _path  # noqa: E402

from shequ.catalog import trace_views  # noqa: E402

urlpatterns += [
    _path("trace/", trace_views.trace_lookup_view, name="trace"),
    _path("trace/<str:batch_no>/", trace_views.trace_batch_view, name="trace_batch"),
    _path("trace/<str:batch_no>/qr.svg", trace_views.trace_qr_svg_view, name="trace_qr_svg"),
    _path("trace/<str:batch_no>/qr.png", trace_views.trace_qr_png_view, name="trace_qr_png"),
]
