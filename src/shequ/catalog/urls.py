
from shequ.catalog import views  # noqa: F401 - storefront views are added here

app_name = "catalog"

urlpatterns: list = []
