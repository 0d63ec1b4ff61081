"""The catalog back office: product, SKU, image and category admin; import/export pages and their permissions."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from conftest import next_phone
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from PIL import Image

from shequ.accounts.services.operators import operator_create
from shequ.catalog.models import SKU, Category, Product, ProductImage, ProductStatus
from shequ.catalog.testing import make_brand, make_category, make_product, make_tag

pytestmark = pytest.mark.django_db


def operator(*roles: str) -> Client:
    user, _ = operator_create(phone=next_phone(), password="Operator-2026", roles=list(roles))
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["sq_lang"] = "en"  # these tests read the console's messages in English
    client.operator = user
    return client


class _FormScraper(HTMLParser):
    """Collect what a browser would submit from the page's main form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "file", "button"}:
            checkable = attrs.get("type") in {"checkbox", "radio"}
            if checkable and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value") or ("on" if checkable else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_data(client: Client, url: str) -> dict[str, list[str]]:
    scraper = _FormScraper()
    scraper.feed(client.get(url).content.decode())
    data = scraper.data
    data.pop("csrfmiddlewaretoken", None)
    for textarea in [name for name, values in data.items() if values and values[0].startswith("\n")]:
        data[textarea] = [data[textarea][0][1:]]  # browsers drop the newline after <textarea>
    return data


def png_bytes(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# --- product admin ---------------------------------------------------------------------------------------


def test_saving_a_sku_price_in_the_product_admin_refreshes_the_product():
    # given a product at ¥9.90 and an admin
    product = make_product("牛奶", skus=[{"code": "ADM-1"}])
    ops = operator("admin")
    url = f"/admin/catalog/product/{product.pk}/change/"
    data = form_data(ops, url)

    # when the operator lowers the SKU's list price and saves
    data["skus-0-list_price"] = ["7.50"]
    response = ops.post(url, data)

    # then the product's denormalised lowest price follows
    assert response.status_code == 302, response.context["errors"] if response.context else response
    product.refresh_from_db()
    assert product.price_min == Decimal("7.50")
    assert product.version > 1


def test_sku_rules_are_checked_in_the_product_admin():
    product = make_product("牛奶", skus=[{"code": "ADM-2", "list_price": "10"}])
    ops = operator("admin")
    url = f"/admin/catalog/product/{product.pk}/change/"
    data = form_data(ops, url)
    data["skus-0-barcode"] = ["6901234567890"]  # wrong check digit
    data["skus-0-sale_price"] = ["12"]

    response = ops.post(url, data)

    assert response.status_code == 200
    assert "check digit" in response.content.decode()
    assert SKU.objects.get(code="ADM-2").barcode == ""


def test_adding_a_product_with_a_sku_and_a_photo_through_the_admin():
    brand, category, tag = make_brand(), make_category(), make_tag("organic")
    ops = operator("admin")
    data = form_data(ops, "/admin/catalog/product/add/")
    data.update(
        {
            "name": ["新酸奶"],
            "name_en": ["New yoghurt"],
            "slug": ["new-yoghurt"],
            "brand": [str(brand.pk)],
            "category": [str(category.pk)],
            "status": [ProductStatus.ON_SALE],
            "tags": [str(tag.pk)],
            "description": ["**好**\n\n<script>alert(1)</script>"],
            "skus-TOTAL_FORMS": ["1"],
            "skus-0-code": ["NEW-Y-1"],
            "skus-0-list_price": ["15.00"],
            "skus-0-weight_grams": ["300"],
            "skus-0-position": ["0"],
            "skus-0-is_active": ["on"],
            "images-0-alt": ["正面"],
        }
    )

    response = ops.post("/admin/catalog/product/add/", {**data, "images-0-upload": upload("front.png", png_bytes())})

    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get(slug="new-yoghurt")
    assert (product.price_min, product.status, product.published_at is not None) == (Decimal("15.00"), "on_sale", True)
    assert "<script>" not in product.description_html and "<strong>好</strong>" in product.description_html
    image = ProductImage.objects.get(product=product)
    assert image.thumbnail and image.alt == "正面"
    with Image.open(image.thumbnail.path) as thumb:
        assert thumb.size == (400, 400)
    # and the list shows its thumbnail
    assert image.thumbnail.url in ops.get("/admin/catalog/product/").content.decode()


def test_a_sku_shows_its_stock_with_a_link_to_adjust_it():
    product = make_product("牛奶", skus=[{"code": "STK-1", "stock": 12}])
    sku = product.skus.get()

    page = operator("admin").get(f"/admin/catalog/product/{product.pk}/change/").content.decode()

    assert "12 on hand, 0 reserved, 12 available" in page
    assert f"/admin/inventory/stocklevel/{sku.pk}/change/" in page


def test_bulk_status_actions():
    products = [make_product(status=ProductStatus.DRAFT) for _ in range(3)]
    ops = operator("admin")

    response = ops.post(
        "/admin/catalog/product/",
        {"action": "set_status_on_sale", "_selected_action": [p.pk for p in products[:2]]},
    )

    assert response.status_code == 302
    statuses = dict(Product.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in products] == ["on_sale", "on_sale", "draft"]
    assert all(p.published_at for p in Product.objects.filter(status="on_sale"))

    ops.post("/admin/catalog/product/", {"action": "set_status_off_sale", "_selected_action": [products[0].pk]})
    assert Product.objects.get(pk=products[0].pk).status == ProductStatus.OFF_SALE


def test_changelist_query_count_does_not_grow_with_rows():
    ops = operator("admin")
    tag = make_tag("organic")
    for _ in range(3):
        make_product(tags=[tag])
    ops.get("/admin/catalog/product/")  # warm the session and content types

    with CaptureQueriesContext(connection) as few:
        assert ops.get("/admin/catalog/product/").status_code == 200
    for _ in range(20):
        make_product(tags=[tag])
    with CaptureQueriesContext(connection) as many:
        page = ops.get("/admin/catalog/product/")

    assert page.content.decode().count('class="action-select"') == 23
    assert len(many) == len(few)
    assert len(many) <= 15


def test_search_by_sku_code_and_barcode():
    make_product("找得到", skus=[{"code": "FIND-ME", "barcode": "96385074"}])
    make_product("找不到", skus=[{"code": "OTHER"}])
    ops = operator("admin")

    by_code = ops.get("/admin/catalog/product/", {"q": "FIND-ME"}).content.decode()
    by_barcode = ops.get("/admin/catalog/product/", {"q": "96385074"}).content.decode()

    assert "找得到" in by_code and "找不到" not in by_code
    assert "找得到" in by_barcode and "找不到" not in by_barcode


def test_category_filter_includes_subcategories():
    drinks = make_category("饮料", slug="drinks")
    tea = make_category("茶", slug="tea", parent=drinks)
    make_product("绿茶", category=tea)
    make_product("饼干", category=make_category("零食", slug="snacks"))

    page = operator("admin").get("/admin/catalog/product/", {"category": drinks.pk}).content.decode()

    assert "绿茶" in page and "饼干" not in page


# --- categories --------------------------------------------------------------------------------------------


def test_category_tree_is_listed_in_path_order_and_indented():
    drinks = make_category("饮料", slug="drinks")
    make_category("零食", slug="snacks")
    make_category("茶", slug="tea", parent=drinks)

    page = operator("admin").get("/admin/catalog/category/").content.decode()

    assert page.index("饮料") < page.index("— 茶") < page.index("零食")


def test_a_category_cannot_be_moved_under_its_own_subcategory():
    drinks = make_category("饮料", slug="drinks")
    tea = make_category("茶", slug="tea", parent=drinks)
    ops = operator("admin")
    url = f"/admin/catalog/category/{drinks.pk}/change/"
    data = form_data(ops, url)
    data["parent"] = [str(tea.pk)]

    response = ops.post(url, data)

    assert response.status_code == 200
    assert "cannot be moved under itself" in response.content.decode()
    drinks.refresh_from_db()
    assert (drinks.parent_id, drinks.path) == (None, "drinks/")


def test_renaming_a_category_slug_moves_its_subtree():
    drinks = make_category("饮料", slug="drinks")
    tea = make_category("茶", slug="tea", parent=drinks)
    ops = operator("admin")
    url = f"/admin/catalog/category/{drinks.pk}/change/"
    data = form_data(ops, url)
    data["slug"] = ["beverages"]

    assert ops.post(url, data).status_code == 302

    tea.refresh_from_db()
    assert tea.path == "beverages/tea/"
    assert Category.objects.get(pk=drinks.pk).path == "beverages/"


# --- import / export pages ---------------------------------------------------------------------------------


IMPORT_URL = "/admin/catalog/product/import/"


def test_an_analyst_cannot_import():
    analyst = operator("analyst")

    assert analyst.get(IMPORT_URL).status_code == 403
    response = analyst.post(IMPORT_URL, {"file": upload("x.csv", b"sku_code\r\nA\r\n")})
    assert response.status_code == 403
    assert analyst.get("/admin/catalog/product/import/errors/whatever/").status_code == 403
    # the list is readable, but offers no import button
    page = analyst.get("/admin/catalog/product/")
    assert page.status_code == 200
    assert IMPORT_URL not in page.content.decode()


def test_import_page_requires_a_staff_login():
    response = Client().get(IMPORT_URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_importing_through_the_admin_shows_counts_errors_and_the_failed_rows():
    make_brand("伊利", slug="yili")
    make_category("牛奶", slug="milk")
    ops = operator("admin")
    assert IMPORT_URL in ops.get("/admin/catalog/product/").content.decode()
    form_page = ops.get(IMPORT_URL)
    assert form_page.status_code == 200
    assert 'type="file"' in form_page.content.decode() and "sale_start / sale_end" in form_page.content.decode()
    data = (
        "sku_code,product_slug,product_name,brand,category,list_price,stock\r\n"
        "OK-1,ok,好商品,yili,milk,9.90,5\r\n"
        "BAD-1,bad,坏商品,nobody,milk,9.90,5\r\n"
    ).encode("gbk")

    response = ops.post(IMPORT_URL, {"file": upload("商品.csv", data)})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<strong data-count="created">1</strong>' in page
    assert '<strong data-count="failed">1</strong>' in page
    assert "No brand “nobody”" in page
    assert Product.objects.get(slug="ok").in_stock is True
    assert not Product.objects.filter(slug="bad").exists()
    # the failed rows download as CSV, for this operator only
    errors_url = response.context["errors_url"]
    download = ops.get(errors_url)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows] == ["sku_code", "BAD-1"]
    assert operator("admin").get(errors_url).status_code == 404


def test_a_dry_run_through_the_admin_saves_nothing():
    make_brand("伊利", slug="yili")
    make_category("牛奶", slug="milk")
    ops = operator("admin")
    data = b"sku_code,product_slug,product_name,brand,category,list_price\r\nDRY-1,dry,x,yili,milk,1\r\n"

    response = ops.post(IMPORT_URL, {"file": upload("dry.csv", data), "dry_run": "on"})

    assert response.status_code == 200
    assert '<strong data-count="created">1</strong>' in response.content.decode()
    assert not SKU.objects.filter(code="DRY-1").exists()


def test_a_file_that_cannot_be_read_is_shown_on_the_form():
    ops = operator("admin")

    response = ops.post(IMPORT_URL, {"file": upload("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)})

    assert response.status_code == 200
    assert "Old .xls files are not supported" in response.content.decode()
    assert response.context["report"] is None


def test_exporting_the_selection_and_everything():
    make_product("选中的", skus=[{"code": "SEL-1"}])
    other = make_product("没选的", skus=[{"code": "OTH-1"}])
    ops = operator("analyst")  # viewing is enough to export
    selected = Product.objects.get(name="选中的")

    response = ops.post("/admin/catalog/product/", {"action": "export_csv", "_selected_action": [selected.pk]})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert "SEL-1" in text and "OTH-1" not in text

    everything = ops.get("/admin/catalog/product/export/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(everything.content)).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"SEL-1", "OTH-1"}
    assert other.pk  # exported too


def test_changing_a_brand_in_the_admin_touches_its_products():
    brand = make_brand("旧名", slug="old-name")
    product = make_product(brand=brand)
    ops = operator("admin")
    url = f"/admin/catalog/brand/{brand.pk}/change/"
    data = form_data(ops, url)
    data["name"] = ["新名"]

    assert ops.post(url, data).status_code == 302

    version = product.version
    product.refresh_from_db()
    assert product.version == version + 1


def test_replacing_and_deleting_photos_in_the_admin(django_capture_on_commit_callbacks):
    from shequ.catalog.images import product_image_add

    product = make_product("有图")
    first = product_image_add(product=product, data=png_bytes("red"), alt="红")
    second = product_image_add(product=product, data=png_bytes("blue"), alt="蓝")
    old_files = [first.image.path, first.thumbnail.path]
    ops = operator("admin")
    url = f"/admin/catalog/product/{product.pk}/change/"
    data = form_data(ops, url)
    forms = {data[f"images-{n}-id"][0]: n for n in range(2)}
    replace, delete = forms[str(first.pk)], forms[str(second.pk)]
    data[f"images-{delete}-DELETE"] = ["on"]

    with django_capture_on_commit_callbacks(execute=True):
        response = ops.post(url, {**data, f"images-{replace}-upload": upload("green.png", png_bytes("green"))})

    assert response.status_code == 302
    images = list(ProductImage.objects.filter(product=product))
    assert len(images) == 1
    assert (images[0].alt, images[0].position) == ("红", first.position)
    assert images[0].pk not in {first.pk, second.pk}
    assert not any(os.path.exists(path) for path in old_files)  # the replaced photo's files are gone


def test_deleting_products_in_the_admin_tells_the_listeners(django_capture_on_commit_callbacks):
    from shequ.catalog import signals

    doomed = make_product("要删的")
    calls: list[list[int]] = []
    signals.on_products_changed(calls.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = operator("admin").post(
                "/admin/catalog/product/", {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"}
            )
    finally:
        signals._product_listeners.remove(calls.append)

    assert response.status_code == 302
    assert not Product.objects.filter(pk=doomed.pk).exists()
    assert [doomed.pk] in calls


def test_the_sku_list_finds_skus_and_edits_go_through_the_sku_rules():
    product = make_product("查找", skus=[{"code": "LOOK-1", "barcode": "96385074", "list_price": "10"}])
    sku = product.skus.get()
    ops = operator("admin")

    assert "LOOK-1" in ops.get("/admin/catalog/sku/", {"q": "96385074"}).content.decode()
    url = f"/admin/catalog/sku/{sku.pk}/change/"
    data = form_data(ops, url)
    data["sale_price"] = ["11"]
    refused = ops.post(url, data)
    data["sale_price"] = ["8"]
    saved = ops.post(url, data)

    assert refused.status_code == 200 and "cannot be higher than the list price" in refused.content.decode()
    assert saved.status_code == 302
    product.refresh_from_db()
    assert product.price_min == Decimal("8.00")
    assert ops.get("/admin/catalog/sku/add/").status_code == 403
