"""Importing products and SKUs from CSV/XLSX: round trips, encodings, row-level errors, upserts, limits."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from shequ.catalog import signals, tabular
from shequ.catalog.exports import products_export
from shequ.catalog.imports import COLUMNS, catalog_import
from shequ.catalog.models import SKU, Product, ProductStatus
from shequ.catalog.services import gtin_check_digit
from shequ.catalog.testing import make_brand, make_category, make_product, make_tag
from shequ.core.errors import Conflict, InvalidInput
from shequ.inventory.models import MovementKind, StockLevel, StockMovement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The import report's messages are asserted in English (the operator's language here)."""
    from django.utils import translation

    with translation.override("en"):
        yield


SHANGHAI = ZoneInfo("Asia/Shanghai")


def gtin(body: str) -> str:
    return body + str(gtin_check_digit(body))


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def refs():
    """A brand, a category and tags for the files to refer to."""
    return {
        "brand": make_brand("伊利", name_en="Yili", slug="yili"),
        "category": make_category("牛奶", slug="milk"),
        "organic": make_tag("organic"),
        "sugar_free": make_tag("sugar-free"),
    }


HEADER = ["sku_code", "product_slug", "product_name", "brand", "category", "status", "tags", "flavour", "barcode",
          "list_price", "sale_price", "stock"]  # fmt: skip


def test_export_then_import_changes_nothing(refs):
    # given a product with every kind of value, including text that looks like a formula
    product = make_product(
        "安慕希 酸奶",
        name_en="Ambrosial yoghurt",
        brand=refs["brand"],
        category=refs["category"],
        tags=[refs["organic"], refs["sugar_free"]],
        subtitle='=HYPERLINK("http://evil")',
        description="**浓醇** 口感\n\n- 第一\n- 第二",
        skus=[
            {
                "code": "AMX-205",
                "flavour": "原味",
                "flavour_en": "Plain",
                "pack_size": "205g×12",
                "barcode": gtin("690123456789"),
                "weight_grams": 2600,
                "shelf_life_days": 150,
                "list_price": "69.90",
                "sale_price": "59.90",
                "sale_start": datetime(2026, 1, 1, 10, 0, tzinfo=SHANGHAI),
                "sale_end": datetime(2026, 2, 1, tzinfo=SHANGHAI),
                "stock": 40,
            },
            {"code": "AMX-230", "flavour": "-蓝莓", "list_price": "72.00", "stock": 0},
        ],
    )
    version = product.version

    for fmt in ("csv", "xlsx"):
        # when the export is imported again as it is
        report = catalog_import(data=products_export(fmt=fmt), filename=f"export.{fmt}")

        # then every row is unchanged and nothing was written
        assert (report.created, report.updated, report.unchanged, report.failed) == (0, 0, 2, 0), report.errors
    product.refresh_from_db()
    assert product.version == version
    assert product.subtitle == '=HYPERLINK("http://evil")'
    assert SKU.objects.get(code="AMX-230").flavour == "-蓝莓"
    assert not StockMovement.objects.filter(kind=MovementKind.IMPORT).exists()


def test_export_escapes_cells_that_spreadsheets_would_run_as_formulas(refs):
    # given text starting with = + - @
    make_product(
        "=1+1", brand=refs["brand"], category=refs["category"], subtitle="@SUM(A1)",
        skus=[{"code": "F-1", "flavour": "+cmd|' /C calc'!A0", "pack_size": "-2"}],
    )  # fmt: skip

    # when exported as CSV and as XLSX
    text = products_export(fmt="csv").decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(products_export(fmt="xlsx"))).active
    row = {h.value: c for h, c in zip(sheet[1], sheet[2], strict=True)}

    # then each such cell starts with an apostrophe and none is a formula
    assert "'=1+1" in text and "'@SUM(A1)" in text and "'+cmd|' /C calc'!A0" in text and "'-2" in text
    assert row["product_name"].value == "'=1+1"
    assert all(cell.data_type != "f" for cell in sheet[2])
    assert row["pack_size"].value == "'-2"


def test_export_csv_is_utf8_with_bom_for_excel(refs):
    make_product("纯牛奶", brand=refs["brand"], category=refs["category"])

    data = products_export(fmt="csv")

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    assert "纯牛奶" in data.decode("utf-8-sig")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_chinese_excel_produces(refs, encoding):
    rows = [HEADER, ["MILK-1", "pure-milk", "纯牛奶", "伊利", "milk", "在售", "organic", "原味", "", "9.90", "", "12"]]

    report = catalog_import(data=csv_bytes(rows, encoding), filename="products.csv")

    assert (report.created, report.failed) == (1, 0), report.errors
    product = Product.objects.get(slug="pure-milk")
    assert (product.name, product.brand, product.status) == ("纯牛奶", refs["brand"], ProductStatus.ON_SALE)
    assert SKU.objects.get(code="MILK-1").flavour == "原味"
    assert list(product.tags.values_list("slug", flat=True)) == ["organic"]


def test_xlsx_with_numbers_dates_and_a_numeric_barcode(refs):
    barcode = gtin("690123456789")
    rows = [
        ["sku_code", "product_slug", "product_name", "brand", "category", "barcode", "list_price", "sale_price",
         "sale_start", "sale_end", "weight_grams", "stock"],
        [10023, "milk-box", "盒装奶", "yili", "milk", int(barcode), 9.9, 8.5, datetime(2026, 3, 1, 9, 30),
         "2026年3月31日", 250.0, 7],
    ]  # fmt: skip

    report = catalog_import(data=xlsx_bytes(rows), filename="products.xlsx")

    assert (report.created, report.failed) == (1, 0), report.errors
    sku = SKU.objects.get(code="10023")
    assert (sku.barcode, sku.list_price, sku.sale_price, sku.weight_grams) == (
        barcode,
        Decimal("9.90"),
        Decimal("8.50"),
        250,
    )
    assert sku.sale_start == datetime(2026, 3, 1, 9, 30, tzinfo=SHANGHAI)
    assert sku.sale_end == datetime(2026, 4, 1, 0, 0, tzinfo=SHANGHAI)  # a bare end date sells through that day
    assert sku.stock.on_hand == 7


def test_bad_rows_are_reported_and_the_good_rows_go_in(refs):
    # given a file with 3 good rows and 2 bad ones: one creating a product with a negative price, one with
    # a barcode whose check digit is wrong and a sale price above the list price
    rows = [
        HEADER,
        ["A-1", "prod-a", "商品A", "yili", "milk", "on_sale", "", "原味", gtin("690000000001"), "10.00", "", "5"],
        ["BAD-1", "bad-product", "坏商品", "yili", "milk", "draft", "", "", "", "-3", "", ""],
        ["A-2", "prod-a", "商品A", "yili", "milk", "on_sale", "", "草莓", "", "12.00", "9.90", ""],
        ["BAD-2", "prod-a", "商品A", "yili", "milk", "on_sale", "", "香蕉", "6901234567890", "10.00", "11.00", ""],
        ["B-1", "prod-b", "商品B", "Yili", "milk", "", "organic,sugar-free", "", "", "5", "", "0"],
    ]

    # when imported
    report = catalog_import(data=csv_bytes(rows), filename="mixed.csv")

    # then exactly the 3 good rows are in, and the 2 bad ones are reported with their sheet row numbers
    assert (report.created, report.updated, report.unchanged, report.failed) == (3, 0, 0, 2)
    assert set(SKU.objects.values_list("code", flat=True)) == {"A-1", "A-2", "B-1"}
    assert {(e.row, e.column, e.code) for e in report.errors} == {
        (3, "list_price", "price_negative"),
        (5, "barcode", "gtin_check_digit"),
    }
    assert [row for row, _cells in report.failed_rows] == [3, 5]
    # and nothing is half-written: the product of the bad row does not exist
    assert not Product.objects.filter(slug="bad-product").exists()
    prod_a = Product.objects.get(slug="prod-a")
    assert (prod_a.price_min, prod_a.price_max, prod_a.in_stock) == (Decimal("9.90"), Decimal("10.00"), True)
    assert set(Product.objects.get(slug="prod-b").tags.values_list("slug", flat=True)) == {"organic", "sugar-free"}


def test_stock_below_what_orders_hold_fails_the_row_before_it_writes(refs):
    # given a SKU whose stock is partly held by orders
    product = make_product(
        "老商品", brand=refs["brand"], category=refs["category"], skus=[{"code": "OLD-1", "stock": 10}]
    )
    StockLevel.objects.filter(sku__code="OLD-1").update(reserved=6)

    # when a row moves it to a brand-new product and sets its stock below what orders hold
    rows = [["sku_code", "product_slug", "product_name", "brand", "category", "stock"],
            ["OLD-1", "brand-new", "新商品", "yili", "milk", "2"]]  # fmt: skip
    report = catalog_import(data=csv_bytes(rows), filename="move.csv")

    # then the row fails on stock, and neither the new product nor the move happened
    assert report.failed == 1
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, "stock", "stock_below_reserved")]
    assert not Product.objects.filter(slug="brand-new").exists()
    sku = SKU.objects.get(code="OLD-1")
    assert sku.product_id == product.pk
    assert sku.stock.on_hand == 10


def test_a_row_refused_by_the_database_leaves_nothing_behind(refs, monkeypatch):
    # given another operator creates the SKU code RACE-1 after the import has read the catalog
    from shequ.catalog import imports

    loaded = imports._Catalog.__init__

    def load_then_race(self, table):
        loaded(self, table)
        make_product("别人的", brand=refs["brand"], category=refs["category"], skus=[{"code": "RACE-1"}])

    monkeypatch.setattr(imports._Catalog, "__init__", load_then_race)
    rows = [["sku_code", "product_slug", "product_name", "brand", "category", "list_price"],
            ["RACE-1", "race-product", "新商品", "yili", "milk", "5"],
            ["CALM-1", "calm-product", "平静", "yili", "milk", "6"]]  # fmt: skip

    # when the import reaches that row, the unique SKU code makes the database refuse it
    report = catalog_import(data=csv_bytes(rows), filename="race.csv")

    # then the row is reported, the product it had created is rolled back with it, and the next row goes in
    assert (report.created, report.failed) == (1, 1)
    assert [(e.row, e.code) for e in report.errors] == [(2, "row_rejected")]
    assert not Product.objects.filter(slug="race-product").exists()
    assert Product.objects.filter(slug="calm-product").exists()


def test_stock_reserved_during_the_import_refuses_the_whole_file(refs, monkeypatch):
    from shequ.catalog import imports

    make_product("抢购", brand=refs["brand"], category=refs["category"], skus=[{"code": "HOT-1", "stock": 10}])
    loaded = imports._Catalog.__init__

    def load_then_checkout(self, table):
        loaded(self, table)
        StockLevel.objects.filter(sku__code="HOT-1").update(reserved=8)  # a flash-sale checkout in between

    monkeypatch.setattr(imports._Catalog, "__init__", load_then_checkout)
    rows = [["sku_code", "product_slug", "product_name", "brand", "category", "list_price", "stock"],
            ["NEW-9", "new-nine", "新品", "yili", "milk", "5", "3"],
            ["HOT-1", "", "", "", "", "", "5"]]  # fmt: skip

    with pytest.raises(Conflict) as caught:
        catalog_import(data=csv_bytes(rows), filename="race.csv")

    assert caught.value.code == "import_stock_changed"
    assert not SKU.objects.filter(code="NEW-9").exists()
    assert StockLevel.objects.get(sku__code="HOT-1").on_hand == 10


def test_upsert_updates_prices_and_refreshes_the_product(refs):
    # given a product on sale at ¥9.90
    product = make_product("牛奶", brand=refs["brand"], category=refs["category"], skus=[{"code": "P-1"}])
    assert product.price_min == Decimal("9.90")

    # when a file with only the price columns is imported
    rows = [["sku_code", "list_price", "sale_price"], ["P-1", "¥12.00", "10"]]
    report = catalog_import(data=csv_bytes(rows), filename="prices.csv")

    # then the SKU is updated, and the product's denormalised price follows
    assert (report.created, report.updated, report.failed) == (0, 1, 0)
    sku = SKU.objects.get(code="P-1")
    assert (sku.list_price, sku.sale_price) == (Decimal("12.00"), Decimal("10.00"))
    product.refresh_from_db()
    assert product.price_min == Decimal("10.00")
    assert product.name == "牛奶"  # columns not in the file are left alone


def test_affected_products_are_touched_once_for_the_whole_file(refs, django_capture_on_commit_callbacks):
    calls: list[list[int]] = []
    signals.on_products_changed(calls.append)
    rows = [HEADER] + [
        [f"T-{n}", f"touch-{n}", f"商品{n}", "yili", "milk", "on_sale", "", "", "", "9", "", "1"] for n in range(5)
    ]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = catalog_import(data=csv_bytes(rows), filename="batch.csv")
    finally:
        signals._product_listeners.remove(calls.append)

    assert report.created == 5
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(Product.objects.filter(slug__startswith="touch-").values_list("pk", flat=True))


def test_dry_run_reports_but_saves_nothing(refs):
    make_product("牛奶", brand=refs["brand"], category=refs["category"], skus=[{"code": "P-1"}])
    rows = [HEADER, ["P-1", "", "", "", "", "", "", "", "", "11.00", "", ""],
            ["NEW-1", "new-one", "新品", "yili", "milk", "", "", "", "", "5", "", "3"]]  # fmt: skip

    report = catalog_import(data=csv_bytes(rows), filename="dry.csv", dry_run=True)

    assert (report.dry_run, report.created, report.updated, report.failed) == (True, 1, 1, 0)
    assert SKU.objects.get(code="P-1").list_price == Decimal("9.90")
    assert not SKU.objects.filter(code="NEW-1").exists()
    assert not Product.objects.filter(slug="new-one").exists()


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("brand", "Mengniu", "brand_unknown"),
        ("category", "nowhere", "category_unknown"),
        ("tags", "organic, vegan", "tag_unknown"),
        ("status", "selling", "status_invalid"),
        ("list_price", "9.999", "price_decimals"),
        ("list_price", "abc", "price_invalid"),
        ("list_price", "NaN", "price_invalid"),
        ("sale_price", "12", "sale_price_above_list"),
        ("barcode", "12345", "gtin_invalid"),
        ("barcode", "6.90123E+12", "cell_scientific"),
        ("weight_grams", "2.5", "int_invalid"),
        ("shelf_life_days", "0", "int_too_small"),
        ("stock", "-1", "stock_negative"),
        ("sale_start", "31/01/2026", "date_invalid"),
        ("sale_start", "2026-02-30", "date_invalid"),
        ("product_slug", "有 空格", "slug_invalid"),
    ],
)
def test_each_kind_of_bad_cell_is_reported_by_column(refs, column, value, code):
    record = {"sku_code": "X-1", "product_slug": "x", "product_name": "某商品", "brand": "yili", "category": "milk",
              "list_price": "10", column: value}  # fmt: skip
    data = csv_bytes([list(record), list(record.values())])

    report = catalog_import(data=data, filename="bad.csv")

    assert report.failed == 1
    assert (report.errors[0].row, report.errors[0].column, report.errors[0].code) == (2, column, code)
    assert not Product.objects.filter(slug="x").exists()


def test_sale_must_end_after_it_starts(refs):
    rows = [["sku_code", "product_slug", "product_name", "brand", "category", "list_price", "sale_price", "sale_start",
             "sale_end"],
            ["S-1", "s", "商品", "yili", "milk", "10", "8", "2026/02/01", "2026-01-15"]]  # fmt: skip

    report = catalog_import(data=csv_bytes(rows), filename="window.csv")

    assert [(e.column, e.code) for e in report.errors] == [("sale_end", "sale_window_invalid")]


def test_every_problem_of_a_row_is_reported_at_once(refs):
    rows = [["sku_code", "product_slug", "product_name", "brand", "category", "list_price", "weight_grams"],
            ["M-1", "m", "商品", "nobody", "milk", "-1", "heavy"]]  # fmt: skip

    report = catalog_import(data=csv_bytes(rows), filename="many.csv")

    assert report.failed == 1
    assert {e.column for e in report.errors} == {"brand", "list_price", "weight_grams"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-31", datetime(2026, 1, 31, tzinfo=SHANGHAI)),
        ("2026/01/31", datetime(2026, 1, 31, tzinfo=SHANGHAI)),
        ("2026/1/31 10:30", datetime(2026, 1, 31, 10, 30, tzinfo=SHANGHAI)),
        ("2026年1月31日", datetime(2026, 1, 31, tzinfo=SHANGHAI)),
        ("2026年1月31日 08:00:15", datetime(2026, 1, 31, 8, 0, 15, tzinfo=SHANGHAI)),
        ("2026-01-31T02:00:00Z", datetime(2026, 1, 31, 10, 0, tzinfo=SHANGHAI)),
    ],
)
def test_dates_in_iso_and_chinese_formats(refs, text, expected):
    make_product("牛奶", brand=refs["brand"], category=refs["category"], skus=[{"code": "D-1", "list_price": "10"}])
    rows = [["sku_code", "sale_price", "sale_start"], ["D-1", "8", text]]

    report = catalog_import(data=csv_bytes(rows), filename="dates.csv")

    assert report.updated == 1, report.errors
    assert SKU.objects.get(code="D-1").sale_start == expected


def test_a_sku_code_twice_in_one_file_is_reported(refs):
    rows = [HEADER, ["D-1", "d", "商品", "yili", "milk", "", "", "", "", "5", "", ""],
            ["D-1", "d", "商品", "yili", "milk", "", "", "", "", "6", "", ""]]  # fmt: skip

    report = catalog_import(data=csv_bytes(rows), filename="dup.csv")

    assert (report.created, report.failed) == (1, 1)
    assert report.errors[0].code == "sku_duplicate_in_file"
    assert SKU.objects.get(code="D-1").list_price == Decimal("5.00")


def test_rows_of_one_product_must_agree_on_its_columns(refs):
    rows = [HEADER, ["C-1", "c", "名字一", "yili", "milk", "", "", "", "", "5", "", ""],
            ["C-2", "c", "名字二", "yili", "milk", "", "", "", "", "6", "", ""],
            ["C-3", "c", "", "", "", "", "", "", "", "7", "", ""]]  # fmt: skip

    report = catalog_import(data=csv_bytes(rows), filename="conflict.csv")

    assert (report.created, report.failed) == (2, 1)
    assert [(e.row, e.column, e.code) for e in report.errors] == [(3, "product_name", "product_conflict")]
    assert Product.objects.get(slug="c").name == "名字一"


def test_a_barcode_already_on_another_sku_is_refused(refs):
    barcode = gtin("690123450000")
    make_product("甲", brand=refs["brand"], category=refs["category"], skus=[{"code": "G-1", "barcode": barcode}])
    rows = [["sku_code", "product_slug", "product_name", "brand", "category", "list_price", "barcode"],
            ["G-2", "g", "乙", "yili", "milk", "5", barcode]]  # fmt: skip

    report = catalog_import(data=csv_bytes(rows), filename="gtin.csv")

    assert [(e.column, e.code) for e in report.errors] == [("barcode", "barcode_taken")]


def test_blank_cells_clear_optional_values_and_keep_required_ones(refs):
    make_product("牛奶", brand=refs["brand"], category=refs["category"], subtitle="好喝", tags=[refs["organic"]],
                 skus=[{"code": "K-1", "sale_price": "5", "list_price": "9"}])  # fmt: skip
    rows = [["sku_code", "product_name", "subtitle", "tags", "list_price", "sale_price"], ["K-1", "", "", "", "", ""]]

    report = catalog_import(data=csv_bytes(rows), filename="clear.csv")

    assert report.updated == 1, report.errors
    sku = SKU.objects.select_related("product").get(code="K-1")
    assert (sku.product.name, sku.product.subtitle, sku.list_price, sku.sale_price) == ("牛奶", "", Decimal("9"), None)
    assert not sku.product.tags.exists()


def test_a_new_product_needs_its_name_brand_and_category(refs):
    rows = [["sku_code", "product_slug", "list_price"], ["N-1", "newish", "5"]]

    report = catalog_import(data=csv_bytes(rows), filename="new.csv")

    assert {(e.column, e.code) for e in report.errors} == {
        ("product_name", "required"),
        ("brand", "required"),
        ("category", "required"),
    }


def test_stock_column_writes_a_movement_for_the_operator(refs, user):
    make_product("牛奶", brand=refs["brand"], category=refs["category"], skus=[{"code": "S-1", "stock": 3}])

    report = catalog_import(data=csv_bytes([["sku_code", "stock"], ["S-1", "20"]]), filename="s.csv", actor_id=user.pk)

    assert report.updated == 1
    movement = StockMovement.objects.get(sku__code="S-1", kind=MovementKind.IMPORT)
    assert (movement.on_hand_delta, movement.actor_id, movement.reference) == (17, user.pk, "import s.csv")


def test_stock_column_is_refused_without_the_stock_permission(refs):
    with pytest.raises(InvalidInput) as caught:
        catalog_import(data=csv_bytes([["sku_code", "stock"], ["S-1", "20"]]), filename="s.csv", can_set_stock=False)

    assert caught.value.code == "stock_forbidden"


def test_the_error_report_holds_the_failed_rows_ready_to_fix(refs):
    rows = [HEADER, ["E-1", "e", "好", "yili", "milk", "", "", "", "", "5", "", ""],
            ["E-2", "e2", "=坏", "nobody", "milk", "", "", "", "", "5", "", ""]]  # fmt: skip
    report = catalog_import(data=csv_bytes(rows), filename="e.csv")

    text = report.errors_csv().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))

    assert lines[0] == [*HEADER, "source_row", "errors"]
    assert len(lines) == 2
    assert lines[1][:5] == ["E-2", "e2", "'=坏", "nobody", "milk"]
    assert lines[1][-2] == "3"
    assert lines[1][-1].startswith("brand: No brand “nobody”")
    # and uploading the report after fixing the brand imports the row (the report columns are ignored)
    fixed = text.replace("nobody", "yili").encode("utf-8-sig")
    again = catalog_import(data=fixed, filename="e-errors.csv")
    assert (again.created, again.failed, again.warnings) == (1, 0, [])
    assert Product.objects.get(slug="e2").name == "=坏"


def test_unknown_columns_are_warned_about_not_fatal(refs):
    rows = [["sku_code", "List Price", "listprice"], ["Z-1", "5", "6"]]

    report = catalog_import(data=csv_bytes(rows), filename="typo.csv")

    # "List Price" is read as list_price; "listprice" is not a column the import knows
    assert len(report.warnings) == 1 and "listprice" in report.warnings[0]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest-of-an-xls", "file_xls"),
        (b"PK\x03\x04not really a zip", "file_unreadable"),
        (b"product_slug,list_price\r\nx,1\r\n", "file_missing_column"),
        (b"sku_code,sku_code\r\nx,y\r\n", "file_duplicate_column"),
        ("sku_code,名\r\n".encode("utf-16-le") + b"\xff", "file_encoding"),
        (b"sku_code,list_price\r\nA\x00B,1\r\n", "file_encoding"),
        ("sku_code,list_price\r\nA,1\r\n".encode("utf-16-le"), "file_encoding"),
    ],
)
def test_files_that_cannot_be_used_are_refused_whole(refs, data, code):
    with pytest.raises(InvalidInput) as caught:
        catalog_import(data=data, filename="broken")

    assert caught.value.code == code


def test_file_size_and_row_caps(refs, monkeypatch):
    rows = [HEADER] + [[f"R-{n}", f"r-{n}", "商品", "yili", "milk", "", "", "", "", "5", "", ""] for n in range(4)]
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    with pytest.raises(InvalidInput) as caught:
        catalog_import(data=csv_bytes(rows), filename="long.csv")
    assert caught.value.code == "file_too_many_rows"

    monkeypatch.setattr(tabular, "MAX_ROWS", 100)
    monkeypatch.setattr(tabular, "MAX_BYTES", 50)
    with pytest.raises(InvalidInput) as caught:
        catalog_import(data=csv_bytes(rows), filename="big.csv")
    assert caught.value.code == "file_too_large"
    assert not SKU.objects.exists()


def test_tab_separated_utf16_from_excel_unicode_text(refs):
    text = "sku_code\tproduct_slug\tproduct_name\tbrand\tcategory\tlist_price\r\nU-1\tu\t统一\tyili\tmilk\t3.5\r\n"

    report = catalog_import(data=text.encode("utf-16"), filename="unicode.txt")

    assert report.created == 1, report.errors
    assert Product.objects.get(slug="u").name == "统一"


def test_new_skus_go_after_the_products_existing_ones(refs):
    product = make_product("牛奶", brand=refs["brand"], category=refs["category"],
                           skus=[{"code": "OLD-A"}, {"code": "OLD-B"}])  # fmt: skip
    rows = [["sku_code", "product_slug", "product_name", "brand", "category", "list_price"],
            ["NEW-A", product.slug, "牛奶", "yili", "milk", "5"],
            ["NEW-B", product.slug, "牛奶", "yili", "milk", "6"],
            ["FRESH-A", "fresh", "新品", "yili", "milk", "7"],
            ["FRESH-B", "fresh", "新品", "yili", "milk", "8"]]  # fmt: skip

    report = catalog_import(data=csv_bytes(rows), filename="positions.csv")

    assert report.created == 4, report.errors
    positions = dict(SKU.objects.values_list("code", "position"))
    assert [positions[c] for c in ("OLD-A", "OLD-B", "NEW-A", "NEW-B")] == [0, 1, 2, 3]
    assert [positions[c] for c in ("FRESH-A", "FRESH-B")] == [0, 1]
    product.refresh_from_db()
    assert (product.price_min, product.price_max) == (Decimal("5.00"), Decimal("9.90"))
